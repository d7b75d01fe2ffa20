package dev.pollux.ffi.kqueue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * BSD socket structs written byte for byte, compared with the bytes the headers' declarations
 * give (see {@link PosixPlatformTest} for the sources): length byte at 0, family byte at 1, port
 * big-endian at 2, address at 4 (IPv4) or 8 (IPv6), scope id in host order at 24.
 */
class PosixSockaddrTest {
    private static final PosixSockaddr MACOS = new PosixSockaddr(PosixLayouts.MACOS, SocketConstants.MACOS);
    private static final PosixSockaddr FREEBSD = new PosixSockaddr(PosixLayouts.FREEBSD, SocketConstants.FREEBSD);

    private static byte[] bytes(MemorySegment segment, int length) {
        return segment.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] hostInt(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    @Test
    void sockaddrInHasSinLenFamilyByteAndBigEndianPort() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(128);
            m.fill((byte) 0x5a);
            assertEquals(16, MACOS.putInet4(m, new byte[] {127, 0, 0, 1}, 0x1f90));
            byte[] expected = {16, 2, 0x1f, (byte) 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
            assertArrayEquals(expected, bytes(m, 16));
            assertEquals(0x5a, m.get(ValueLayout.JAVA_BYTE, 16), "nothing written past sizeof(sockaddr_in)");
            assertEquals(2, MACOS.family(m));
            assertEquals(0x1f90, MACOS.port(m));
            assertArrayEquals(new byte[] {127, 0, 0, 1}, MACOS.inet4Address(m));

            assertEquals(16, FREEBSD.putInet4(m, new byte[] {10, 1, 2, 3}, 65535));
            assertArrayEquals(new byte[] {16, 2, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0},
                    bytes(m, 16));
        }
    }

    @Test
    void sockaddrIn6HasSin6LenPerOsFamilyAndHostOrderScopeId() {
        byte[] ip = new byte[16];
        ip[0] = (byte) 0xfe;
        ip[1] = (byte) 0x80;
        ip[15] = 1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(128);
            assertEquals(28, MACOS.putInet6(m, ip, 443, 7));
            byte[] expected = new byte[28];
            expected[0] = 28;
            expected[1] = 30; // AF_INET6 on macOS
            expected[2] = 0x01;
            expected[3] = (byte) 0xbb;
            System.arraycopy(ip, 0, expected, 8, 16);
            System.arraycopy(hostInt(7), 0, expected, 24, 4);
            assertArrayEquals(expected, bytes(m, 28));
            assertEquals(30, MACOS.family(m));
            assertEquals(443, MACOS.port(m));
            assertArrayEquals(ip, MACOS.inet6Address(m));
            assertEquals(7, MACOS.scopeId(m));
            assertEquals(0, MACOS.flowInfo(m));

            FREEBSD.putInet6(m, ip, 443, 7);
            expected[1] = 28; // AF_INET6 on FreeBSD
            assertArrayEquals(expected, bytes(m, 28));
            assertEquals(28, FREEBSD.family(m));
        }
    }

    @Test
    void sockaddrUnHasSunLenAndNulTerminatedPathOf103BytesAtMost() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(128);
            byte[] path = "/tmp/s".getBytes();
            int length = MACOS.putUnix(m, path);
            assertEquals(2 + path.length + 1, length);
            byte[] expected = new byte[length];
            expected[0] = (byte) length;
            expected[1] = 1; // AF_UNIX
            System.arraycopy(path, 0, expected, 2, path.length);
            assertArrayEquals(expected, bytes(m, length));
            assertArrayEquals(path, MACOS.unixPath(m, length));

            byte[] longest = new byte[103];
            Arrays.fill(longest, (byte) 'a');
            assertEquals(106, FREEBSD.putUnix(m, longest), "sizeof(struct sockaddr_un)");
            assertEquals(106, Byte.toUnsignedInt(m.get(ValueLayout.JAVA_BYTE, 0)));
            assertEquals(0, m.get(ValueLayout.JAVA_BYTE, 105), "terminating NUL");
            assertThrows(IllegalArgumentException.class, () -> FREEBSD.putUnix(m, new byte[104]));
        }
    }

    @Test
    void unnamedUnixSocketReadsAsAnEmptyPathNotAnAbstractName() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(128);
            // What getsockname reports for an unbound socket on BSD: sun_len 16, the path zeroed.
            m.set(ValueLayout.JAVA_BYTE, 0, (byte) 16);
            m.set(ValueLayout.JAVA_BYTE, 1, (byte) 1);
            assertEquals(0, MACOS.unixPath(m, 16).length);
            assertEquals(0, MACOS.unixPath(m, 2).length);
        }
    }

    @Test
    void groupRequestPutsTheGroupAtTheOsOffset() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(256);
            byte[] group = {(byte) 239, 1, 2, 3};
            new PosixCalls(PosixPlatform.MACOS).writeGroupRequest(m, group, 5);
            byte[] expected = new byte[132];
            System.arraycopy(hostInt(5), 0, expected, 0, 4);
            byte[] sin = {16, 2, 0, 0, (byte) 239, 1, 2, 3};
            System.arraycopy(sin, 0, expected, 4, sin.length);
            assertArrayEquals(expected, bytes(m, 132));

            new PosixCalls(PosixPlatform.FREEBSD).writeGroupRequest(m, group, 5);
            expected = new byte[136];
            System.arraycopy(hostInt(5), 0, expected, 0, 4);
            System.arraycopy(sin, 0, expected, 8, sin.length);
            assertArrayEquals(expected, bytes(m, 136));
        }
    }

    @Test
    void bsdMessageHeaderHasAnIntIovlenAt24() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment message = arena.allocate(64);
            message.fill((byte) 0x77);
            MemorySegment iov = arena.allocate(64, 16);
            new PosixCalls(PosixPlatform.MACOS).writeMessageHeader(message, iov, 3);
            assertEquals(iov.address(), message.get(ValueLayout.JAVA_LONG, 16), "msg_iov");
            assertEquals(3, message.get(ValueLayout.JAVA_INT, 24), "msg_iovlen");
            for (int offset : new int[] {0, 8, 12, 28, 32, 40, 44}) {
                assertEquals(0, message.get(ValueLayout.JAVA_INT, offset), "zeroed field at " + offset);
            }
        }
    }
}
