package dev.pollux.internal.windows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.ffi.iocp.WinError;
import dev.pollux.ffi.iocp.WinLayouts;
import dev.pollux.ffi.iocp.Winsock;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import org.junit.jupiter.api.Test;

/**
 * What of the Windows socket layer can be checked on Linux: it loads without linking Winsock,
 * encodes and decodes Winsock's SOCKADDR_IN / SOCKADDR_IN6 byte for byte (offsets from the
 * mingw-checked WinLayouts), refuses what Windows cannot do before any call, and offers the
 * options it means to. Its Winsock calls themselves have never run.
 */
class WindowsOsOnLinuxTest {
    private final WindowsOs os = new WindowsOs();

    @Test
    void errorCodesAreWinsocks() {
        assertEquals(WinError.WSAEWOULDBLOCK, os.eagain());
        assertEquals(WinError.WSAEWOULDBLOCK, os.einprogress(), "a non-blocking connect says WSAEWOULDBLOCK");
        assertEquals("WSAECONNRESET", os.errnoName(10054));
        assertEquals(23, os.afInet6());
    }

    @Test
    void encodesSockaddrIn() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(WindowsSocketAddressCodec.INSTANCE.storageSize());
            int n = WindowsSocketAddressCodec.INSTANCE.encodeInet(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0x1234), Winsock.AF_INET, dst);
            assertEquals(WinLayouts.SOCKADDR_IN.byteSize(), n);
            assertArrayEquals(new byte[] {2, 0, 0x12, 0x34, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0},
                    dst.asSlice(0, 16).toArray(ValueLayout.JAVA_BYTE));
            SocketAddress back = WindowsSocketAddressCodec.INSTANCE.decode(dst, n, path -> null);
            assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0x1234), back);
        }
    }

    @Test
    void encodesSockaddrIn6WithWindowsFamily() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(WindowsSocketAddressCodec.INSTANCE.storageSize());
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("::1"), 443);
            int n = WindowsSocketAddressCodec.INSTANCE.encodeInet(a, Winsock.AF_INET6, dst);
            assertEquals(28, n);
            assertEquals(23, dst.get(ValueLayout.JAVA_SHORT, 0));
            assertEquals(1, dst.get(ValueLayout.JAVA_BYTE, 8 + 15), "::1 ends sin6_addr");
            assertEquals(a, WindowsSocketAddressCodec.INSTANCE.decode(dst, n, path -> null));
            // An IPv4 address on an IPv6 socket becomes ::ffff:a.b.c.d.
            WindowsSocketAddressCodec.INSTANCE.encodeInet(new InetSocketAddress("127.0.0.1", 1), Winsock.AF_INET6, dst);
            assertEquals((byte) 0xff, dst.get(ValueLayout.JAVA_BYTE, 8 + 10));
            assertEquals(127, dst.get(ValueLayout.JAVA_BYTE, 8 + 12));
        }
    }

    @Test
    void whatWindowsLacksFailsBeforeAnyCall() {
        UnsupportedOperationException dgram = assertThrows(UnsupportedOperationException.class,
                () -> os.socket(Winsock.AF_UNIX, Winsock.SOCK_DGRAM));
        assertTrue(dgram.getMessage().contains("Windows"), dgram.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> os.pipe(new int[2]));
        assertThrows(UnsupportedOperationException.class, () -> os.socketPair(1, 1, new int[2]));
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(UnsupportedOperationException.class,
                    () -> WindowsSocketAddressCodec.INSTANCE.encodeUnix(new byte[] {'a'}, true, arena.allocate(128)));
        }
    }

    @Test
    void reuseAddressIsNotOfferedButTheUsualOptionsAre() {
        assertNull(os.socketOptions().find(StandardSocketOptions.SO_REUSEADDR, Winsock.AF_INET));
        assertNotNull(os.socketOptions().find(StandardSocketOptions.TCP_NODELAY, Winsock.AF_INET));
        assertEquals(Winsock.SO_RCVBUF, os.socketOptions().find(StandardSocketOptions.SO_RCVBUF, Winsock.AF_INET).name());
        assertEquals("Windows", os.socketOptions().osName());
    }
}
