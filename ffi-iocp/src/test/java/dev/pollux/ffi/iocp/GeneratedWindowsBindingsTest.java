package dev.pollux.ffi.iocp;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.bindings.windows.Windows;
import java.lang.foreign.MemoryLayout;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/**
 * The jextract bindings of dev.pollux.bindings.windows, generated on Linux for a Windows x86_64
 * target: every class loads and initialises here without any Windows library (functions are
 * linked only when first called, which ffi-iocp never does outside Windows), and their struct
 * layouts and constants agree with the mingw-w64 table printed under wine.
 */
class GeneratedWindowsBindingsTest {
    private static final String PACKAGE = "dev.pollux.bindings.windows.";
    /** Table name to generated class. */
    private static final Map<String, String> STRUCTS = Map.ofEntries(
            Map.entry("OVERLAPPED", "_OVERLAPPED"),
            Map.entry("OVERLAPPED_ENTRY", "_OVERLAPPED_ENTRY"),
            Map.entry("IO_STATUS_BLOCK", "_IO_STATUS_BLOCK"),
            Map.entry("AFD_POLL_HANDLE_INFO", "_AFD_POLL_HANDLE_INFO"),
            Map.entry("AFD_POLL_INFO", "_AFD_POLL_INFO"),
            Map.entry("UNICODE_STRING", "_UNICODE_STRING"),
            Map.entry("OBJECT_ATTRIBUTES", "_OBJECT_ATTRIBUTES"),
            Map.entry("WSADATA", "WSAData"),
            Map.entry("SOCKADDR", "sockaddr"),
            Map.entry("SOCKADDR_STORAGE", "sockaddr_storage"),
            Map.entry("IN6_ADDR", "in6_addr"),
            Map.entry("LINGER", "linger"));

    private static MemoryLayout layoutOf(String generated) throws ReflectiveOperationException {
        Class<?> c = Class.forName(PACKAGE + generated, true, Windows.class.getClassLoader());
        return (MemoryLayout) c.getMethod("layout").invoke(null);
    }

    @Test
    void generatedStructsMatchTheMingwTable() throws Exception {
        int offsets = 0;
        List<String> unchecked = new ArrayList<>();
        for (WindowsLayoutTest.Entry e : WindowsLayoutTest.table()) {
            String struct = e.name().split("\\.")[0];
            String generated = STRUCTS.get(struct);
            if (generated == null || e.kind().equals("const")) {
                continue;
            }
            MemoryLayout layout = layoutOf(generated);
            switch (e.kind()) {
                case "size" -> assertEquals(e.value(), layout.byteSize(), "size of generated " + generated);
                case "align" -> assertEquals(e.value(), layout.byteAlignment(), "alignment of generated " + generated);
                case "offset" -> {
                    String field = e.name().split("\\.")[1];
                    Class<?> c = Class.forName(PACKAGE + generated);
                    Method m;
                    try {
                        m = c.getMethod(field + "$offset");
                    } catch (NoSuchMethodException missing) {
                        unchecked.add(e.name()); // a member of an anonymous union: its size is checked above
                        continue;
                    }
                    assertEquals(e.value(), (long) m.invoke(null), "offset of " + e.name() + " in " + generated);
                    offsets++;
                }
                default -> { }
            }
        }
        assertTrue(offsets >= 25, "only " + offsets + " offsets checked; unchecked: " + unchecked);
    }

    @Test
    void generatedConstantsMatchTheMingwTable() throws Exception {
        int checked = 0;
        for (WindowsLayoutTest.Entry e : WindowsLayoutTest.table()) {
            if (!e.kind().equals("const")) {
                continue;
            }
            Method m;
            try {
                m = Windows.class.getMethod(e.name());
            } catch (NoSuchMethodException notGenerated) {
                continue; // pointer-valued macros (INVALID_HANDLE_VALUE, INVALID_SOCKET) are not generated
            }
            long value = ((Number) m.invoke(null)).longValue();
            boolean unsignedDword = value == (int) value && e.value() == Integer.toUnsignedLong((int) value);
            assertTrue(value == e.value() || unsignedDword, e.name() + ": table " + e.value() + ", generated " + value);
            checked++;
        }
        assertTrue(checked >= 110, "only " + checked + " generated constants checked");
    }

    /**
     * The header class initialises on Linux (its constants, C_LONG rewritten to Windows's 32-bit
     * long); a function is looked up only when it is first used (jextract puts each one in a
     * holder class), so on Linux using one fails naming the missing symbol instead of failing
     * when the bindings load. ffi-iocp loads kernel32, ntdll and ws2_32 before its first call.
     */
    @Test
    void headerClassLoadsAndFunctionsLinkOnFirstUse() {
        assertEquals(4, Windows.C_LONG.byteSize(), "C_LONG must be Windows's 32-bit long");
        assertEquals(0x00012024, Windows.IOCTL_AFD_POLL());
        for (String f : List.of("CreateIoCompletionPort", "GetQueuedCompletionStatusEx", "PostQueuedCompletionStatus",
                "SetFileCompletionNotificationModes", "CloseHandle", "GetLastError", "NtCreateFile",
                "NtDeviceIoControlFile", "NtCancelIoFileEx", "RtlNtStatusToDosError", "WSAStartup", "WSAGetLastError",
                "WSASocketW", "WSAIoctl", "ioctlsocket", "closesocket", "recv", "send")) {
            assertDoesNotThrow(() -> Windows.class.getMethod(f + "$descriptor"), f);
        }
        ExceptionInInitializerError e = assertThrows(ExceptionInInitializerError.class,
                Windows::NtDeviceIoControlFile$descriptor);
        assertTrue(e.getCause() instanceof NoSuchElementException, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains("NtDeviceIoControlFile"), e.getCause().getMessage());
    }

    @Test
    void generatedLayoutsAgreeWithWinLayouts() throws Exception {
        for (MemoryLayout mine : WinLayouts.all()) {
            String generated = STRUCTS.get(mine.name().orElseThrow());
            if (generated != null) {
                MemoryLayout theirs = layoutOf(generated);
                assertEquals(mine.byteSize(), theirs.byteSize(), generated);
                assertEquals(mine.byteAlignment(), theirs.byteAlignment(), generated);
            }
        }
    }
}
