package dev.pollux.internal.bsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pollux.ffi.kqueue.PosixLayouts;
import dev.pollux.ffi.kqueue.PosixSockaddr;
import dev.pollux.ffi.kqueue.SocketConstants;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Java socket addresses to BSD {@code sockaddr} bytes and back, for macOS and FreeBSD layouts
 * (sources of the layouts: ffi-kqueue's {@code PosixPlatformTest}).
 */
class BsdSocketAddressCodecTest {
    private static final BsdSocketAddressCodec MACOS = codec(PosixLayouts.MACOS, SocketConstants.MACOS, "macOS");
    private static final BsdSocketAddressCodec FREEBSD =
            codec(PosixLayouts.FREEBSD, SocketConstants.FREEBSD, "FreeBSD");

    private static BsdSocketAddressCodec codec(PosixLayouts layouts, SocketConstants c, String name) {
        return new BsdSocketAddressCodec(new PosixSockaddr(layouts, c), name, c.afInet(), c.afInet6(), c.afUnix());
    }

    private static final SocketAddressFactoryStub UNIX = new SocketAddressFactoryStub();

    static final class SocketAddressFactoryStub implements dev.pollux.internal.SocketAddressCodec.UnixAddressFactory {
        @Override
        public SocketAddress fromSunPath(byte[] sunPath) {
            return new BsdOsOnLinuxTest.UnixPath(new String(sunPath, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static byte[] bytes(MemorySegment m, int length) {
        return m.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void ipv4AddressEncodesWithSinLenAndDecodesBack() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(MACOS.storageSize(), 8);
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 0, 7}),
                    5353);
            assertEquals(16, MACOS.encodeInet(a, 2, m));
            assertArrayEquals(new byte[] {16, 2, 0x14, (byte) 0xe9, (byte) 192, (byte) 168, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0},
                    bytes(m, 16));
            assertEquals(a, MACOS.decode(m, 16, UNIX));
        }
    }

    @Test
    void ipv4AddressOnAnIpv6SocketIsWrittenIpv4MappedWithThePlatformsAfInet6() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(128, 8);
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), 80);
            assertEquals(28, FREEBSD.encodeInet(a, 28, m));
            byte[] expected = new byte[28];
            expected[0] = 28;
            expected[1] = 28;
            expected[3] = 80;
            expected[18] = (byte) 0xff;
            expected[19] = (byte) 0xff;
            expected[20] = 10;
            expected[23] = 1;
            assertArrayEquals(expected, bytes(m, 28));
            InetSocketAddress decoded = (InetSocketAddress) FREEBSD.decode(m, 28, UNIX);
            assertEquals(Inet6Address.class, decoded.getAddress().getClass(), "the kernel's view stays IPv6");
            assertEquals(80, decoded.getPort());
            assertThrows(IllegalArgumentException.class,
                    () -> MACOS.encodeInet(new InetSocketAddress(InetAddress.getByName("::1"), 1), 2, m),
                    "IPv6 address on an IPv4 socket");
        }
    }

    @Test
    void ipv6ScopeIdIsWrittenInHostOrderAndReadBack() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(128, 8);
            byte[] ip = InetAddress.getByName("fe80::1").getAddress();
            InetSocketAddress a = new InetSocketAddress(Inet6Address.getByAddress(null, ip, 3), 9000);
            assertEquals(28, MACOS.encodeInet(a, 30, m));
            assertEquals(28, m.get(ValueLayout.JAVA_BYTE, 0), "sin6_len");
            assertEquals(30, m.get(ValueLayout.JAVA_BYTE, 1), "sin6_family");
            assertArrayEquals(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(3).array(),
                    m.asSlice(24, 4).toArray(ValueLayout.JAVA_BYTE), "sin6_scope_id");
            InetSocketAddress decoded = (InetSocketAddress) MACOS.decode(m, 28, UNIX);
            assertEquals(3, ((Inet6Address) decoded.getAddress()).getScopeId());
            assertEquals(9000, decoded.getPort());
        }
    }

    @Test
    void unixPathnameHasSunLenAndAbstractNamesAreRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(128, 8);
            byte[] path = "/var/run/x.sock".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int length = MACOS.encodeUnix(path, false, m);
            assertEquals(2 + path.length + 1, length);
            assertEquals(length, m.get(ValueLayout.JAVA_BYTE, 0), "sun_len");
            assertEquals(1, m.get(ValueLayout.JAVA_BYTE, 1), "sun_family");
            assertEquals(new BsdOsOnLinuxTest.UnixPath("/var/run/x.sock"), MACOS.decode(m, length, UNIX));
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> FREEBSD.encodeUnix(new byte[] {'a'}, true, m));
            assertEquals("abstract Unix socket addresses exist on Linux only, not on FreeBSD", e.getMessage());
            assertEquals(new BsdOsOnLinuxTest.UnixPath(""), MACOS.decode(m, 0, UNIX), "unnamed, nothing written");
        }
    }
}
