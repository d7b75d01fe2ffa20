package dev.pollux.ffi.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks the Java side's Windows layouts and constants against windows-layout.txt, the table the
 * layout program (ffi-iocp/src/test/c/layout.c) printed when compiled by mingw-w64 and run under
 * wine (scripts/check-windows.sh reruns it and compares). Every entry of the table must have a
 * Java counterpart with the same value, so a constant or struct the C side gains is noticed.
 */
class WindowsLayoutTest {
    private static final Class<?>[] CONSTANT_CLASSES = {NtStatus.class, WinError.class, Afd.class, Winsock.class};

    record Entry(String kind, String name, long value) {}

    static List<Entry> table() throws IOException {
        try (InputStream in = WindowsLayoutTest.class.getResourceAsStream("/windows-layout.txt")) {
            assertNotNull(in, "windows-layout.txt is not on the test class path");
            List<Entry> entries = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                assertEquals(3, f.length, line);
                entries.add(new Entry(f[0], f[1], Long.parseLong(f[2])));
            }
            return entries;
        }
    }

    private static Map<String, MemoryLayout> layouts() {
        Map<String, MemoryLayout> m = new HashMap<>();
        for (MemoryLayout l : WinLayouts.all()) {
            m.put(l.name().orElseThrow(), l);
        }
        m.put("HANDLE", WinLayouts.HANDLE);
        m.put("SOCKET", WinLayouts.HANDLE);
        m.put("ULONG_PTR", WinLayouts.HANDLE);
        m.put("ULONG", WinLayouts.ULONG);
        m.put("DWORD", WinLayouts.ULONG);
        m.put("NTSTATUS", WinLayouts.ULONG);
        return m;
    }

    /** The offset of the member named {@code field}, looking inside unnamed-in-C unions too. */
    private static long offset(GroupLayout group, String field) {
        long at = 0;
        for (MemoryLayout member : group.memberLayouts()) {
            if (member.name().filter(field::equals).isPresent()) {
                return at;
            }
            if (member instanceof GroupLayout inner && member.name().filter("u"::equals).isPresent()) {
                long found = offset(inner, field);
                if (found >= 0) {
                    return at + found;
                }
            }
            if (group instanceof java.lang.foreign.StructLayout) {
                at += member.byteSize();
            }
        }
        return -1;
    }

    private static long constant(String name) {
        for (Class<?> c : CONSTANT_CLASSES) {
            try {
                Field f = c.getField(name);
                Object v = f.get(null);
                return v instanceof Long l ? l : ((Number) v).longValue();
            } catch (NoSuchFieldException e) {
                // try the next class
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        fail("no Java constant for " + name);
        return 0;
    }

    @Test
    void everyLayoutMatchesMingw() throws IOException {
        Map<String, MemoryLayout> layouts = layouts();
        int checked = 0;
        for (Entry e : table()) {
            switch (e.kind()) {
                case "size", "align" -> {
                    MemoryLayout l = layouts.get(e.name());
                    assertNotNull(l, "no Java layout for " + e.name());
                    long actual = e.kind().equals("size") ? l.byteSize() : l.byteAlignment();
                    assertEquals(e.value(), actual, e.kind() + " of " + e.name());
                    checked++;
                }
                case "offset" -> {
                    String[] p = e.name().split("\\.");
                    MemoryLayout l = layouts.get(p[0]);
                    assertTrue(l instanceof GroupLayout, "no Java struct for " + p[0]);
                    assertEquals(e.value(), offset((GroupLayout) l, p[1]), "offset of " + e.name());
                    checked++;
                }
                case "const" -> { }
                default -> fail("unknown table entry " + e);
            }
        }
        assertTrue(checked > 80, "only " + checked + " layout entries");
    }

    /**
     * Integer constants compare as the C value converted to the Java field's type (an unsigned
     * DWORD such as INFINITE or FIONBIO is a negative Java int with the same bits).
     */
    @Test
    void everyConstantMatchesMingw() throws IOException {
        int checked = 0;
        for (Entry e : table()) {
            if (e.kind().equals("const")) {
                long java = constant(e.name());
                boolean unsignedDword = java == (int) java && e.value() == Integer.toUnsignedLong((int) java);
                assertTrue(e.value() == java || unsignedDword, e.name() + ": table " + e.value() + ", Java " + java);
                checked++;
            }
        }
        assertTrue(checked > 100, "only " + checked + " constants");
    }

    @Test
    void hotPathOffsetsAgreeWithTheLayouts() {
        assertEquals(offset(WinLayouts.IO_STATUS_BLOCK, "Status"), WinLayouts.IOSB_STATUS);
        assertEquals(offset(WinLayouts.IO_STATUS_BLOCK, "Information"), WinLayouts.IOSB_INFORMATION);
        assertEquals(offset(WinLayouts.OVERLAPPED_ENTRY, "lpCompletionKey"), WinLayouts.ENTRY_KEY);
        assertEquals(offset(WinLayouts.OVERLAPPED_ENTRY, "lpOverlapped"), WinLayouts.ENTRY_OVERLAPPED);
        assertEquals(offset(WinLayouts.OVERLAPPED_ENTRY, "Internal"), WinLayouts.ENTRY_INTERNAL);
        assertEquals(offset(WinLayouts.OVERLAPPED_ENTRY, "dwNumberOfBytesTransferred"), WinLayouts.ENTRY_BYTES);
        assertEquals(offset(WinLayouts.AFD_POLL_INFO, "Timeout"), WinLayouts.POLL_TIMEOUT);
        assertEquals(offset(WinLayouts.AFD_POLL_INFO, "NumberOfHandles"), WinLayouts.POLL_NUMBER_OF_HANDLES);
        assertEquals(offset(WinLayouts.AFD_POLL_INFO, "Exclusive"), WinLayouts.POLL_EXCLUSIVE);
        long handles = offset(WinLayouts.AFD_POLL_INFO, "Handles");
        MemoryLayout info = ((SequenceLayout) WinLayouts.AFD_POLL_INFO.select(
                MemoryLayout.PathElement.groupElement("Handles"))).elementLayout();
        assertEquals(handles + offset((GroupLayout) info, "Handle"), WinLayouts.POLL_HANDLE);
        assertEquals(handles + offset((GroupLayout) info, "Events"), WinLayouts.POLL_EVENTS);
        assertEquals(handles + offset((GroupLayout) info, "Status"), WinLayouts.POLL_STATUS);
    }

    @Test
    void errorCodesHaveTheirNames() {
        assertEquals("WSAEWOULDBLOCK", WinError.name(WinError.WSAEWOULDBLOCK));
        assertEquals("WSAECONNREFUSED", WinError.name(10061));
        assertEquals("ERROR_IO_PENDING", WinError.name(997));
        assertEquals("error 12345", WinError.name(12345));
        assertEquals("STATUS_CANCELLED", NtStatus.name(NtStatus.STATUS_CANCELLED));
        assertEquals("NTSTATUS 0xC0000024", NtStatus.name(0xC0000024));
    }
}
