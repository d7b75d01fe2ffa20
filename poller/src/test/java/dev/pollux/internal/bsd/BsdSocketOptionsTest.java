package dev.pollux.internal.bsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pollux.ffi.kqueue.SocketConstants;
import dev.pollux.internal.SocketOptionTable;
import dev.pollux.internal.SocketOptionTable.Kind;
import dev.pollux.internal.SocketOptionTable.Spec;
import dev.pollux.net.PolluxSocketOptions;
import java.net.StandardSocketOptions;
import org.junit.jupiter.api.Test;

/** Which options macOS and FreeBSD get, at which level and name (values from the headers, see ffi-kqueue's tests). */
class BsdSocketOptionsTest {
    private static final SocketOptionTable MACOS = new BsdSocketOptions("macOS", SocketConstants.MACOS);
    private static final SocketOptionTable FREEBSD = new BsdSocketOptions("FreeBSD", SocketConstants.FREEBSD);

    @Test
    void macosMapsLingerToSecondsAndKeepIdleToTcpKeepalive() {
        assertEquals(new Spec(0xffff, 0x1080, Kind.LINGER, false), MACOS.find(StandardSocketOptions.SO_LINGER, 2));
        assertEquals(new Spec(6, 0x10, Kind.INTEGER, false), MACOS.find(PolluxSocketOptions.TCP_KEEPIDLE, 2));
        assertEquals(new Spec(6, 0x101, Kind.INTEGER, false), MACOS.find(PolluxSocketOptions.TCP_KEEPINTERVAL, 2));
        assertEquals(new Spec(6, 0x102, Kind.INTEGER, false), MACOS.find(PolluxSocketOptions.TCP_KEEPCOUNT, 2));
        assertEquals(new Spec(6, 0x201, Kind.INTEGER, false), MACOS.find(PolluxSocketOptions.TCP_NOTSENT_LOWAT, 2));
        assertEquals(new Spec(6, 4, Kind.BOOLEAN, false), MACOS.find(PolluxSocketOptions.TCP_NOPUSH, 2));
        assertEquals(new Spec(0xffff, 0x200, Kind.BOOLEAN, false), MACOS.find(StandardSocketOptions.SO_REUSEPORT, 2));
        assertEquals(new Spec(41, 36, Kind.INTEGER, false), MACOS.find(StandardSocketOptions.IP_TOS, 30),
                "IPV6_TCLASS on an IPv6 socket");
        assertEquals(new Spec(0, 3, Kind.INTEGER, false), MACOS.find(StandardSocketOptions.IP_TOS, 2));
        assertEquals("macOS", MACOS.osName());
    }

    @Test
    void freebsdHasItsOwnTclassAndKeepaliveNumbersAndNoNotsentLowat() {
        assertEquals(new Spec(0xffff, 0x80, Kind.LINGER, false), FREEBSD.find(StandardSocketOptions.SO_LINGER, 2));
        assertEquals(new Spec(6, 256, Kind.INTEGER, false), FREEBSD.find(PolluxSocketOptions.TCP_KEEPIDLE, 28));
        assertEquals(new Spec(41, 61, Kind.INTEGER, false), FREEBSD.find(StandardSocketOptions.IP_TOS, 28));
        assertEquals(new Spec(41, 10, Kind.INTEGER, false),
                FREEBSD.find(StandardSocketOptions.IP_MULTICAST_TTL, 28), "IPV6_MULTICAST_HOPS");
        assertEquals(new Spec(41, 27, Kind.BOOLEAN, false), FREEBSD.find(PolluxSocketOptions.IPV6_V6ONLY, 28));
        assertNull(FREEBSD.find(PolluxSocketOptions.TCP_NOTSENT_LOWAT, 2));
    }

    @Test
    void linuxOnlyOptionsAreAbsentOnBothBsds() {
        for (SocketOptionTable t : new SocketOptionTable[] {MACOS, FREEBSD}) {
            assertNull(t.find(PolluxSocketOptions.TCP_CORK, 2));
            assertNull(t.find(PolluxSocketOptions.TCP_QUICKACK, 2));
            assertNull(t.find(PolluxSocketOptions.TCP_USER_TIMEOUT, 2));
            assertNull(t.find(PolluxSocketOptions.TCP_FASTOPEN, 2));
            assertNull(t.find(PolluxSocketOptions.SO_BUSY_POLL, 2));
            assertNull(t.find(PolluxSocketOptions.IP_FREEBIND, 2));
            assertNull(t.find(PolluxSocketOptions.IP_BIND_ADDRESS_NO_PORT, 2));
        }
    }
}
