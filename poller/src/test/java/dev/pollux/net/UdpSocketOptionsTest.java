package dev.pollux.net;

import static dev.pollux.MioPortSupport.READABLE;
import static dev.pollux.MioPortSupport.expect;
import static dev.pollux.MioPortSupport.expectEvents;
import static dev.pollux.MioPortSupport.expectNoEvents;
import static dev.pollux.net.UdpSocketTest.DATA1;
import static dev.pollux.net.UdpSocketTest.DATA2;
import static dev.pollux.net.UdpSocketTest.ID1;
import static dev.pollux.net.UdpSocketTest.anyV4;
import static dev.pollux.net.UdpSocketTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.OsException;
import dev.pollux.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** mio's option tests in {@code tests/udp_socket.rs}, broadcast, and multicast membership. */
class UdpSocketOptionsTest {
    /** An administratively scoped group (RFC 2365): never routed beyond the site, here never beyond lo. */
    private static final String GROUP_V4 = "239.255.81.17";
    /** A link-local scoped IPv6 group. */
    private static final String GROUP_V6 = "ff02::1:ff81:17";

    /** mio: set_get_broadcast, get_broadcast_without_previous_set. */
    @Test
    void broadcastOptionRoundTrip() throws IOException {
        try (UdpSocket s = UdpSocket.bind(anyV4())) {
            assertFalse(s.getOption(StandardSocketOptions.SO_BROADCAST));
            s.setOption(StandardSocketOptions.SO_BROADCAST, true);
            assertTrue(s.getOption(StandardSocketOptions.SO_BROADCAST));
            s.setOption(StandardSocketOptions.SO_BROADCAST, false);
            assertFalse(s.getOption(StandardSocketOptions.SO_BROADCAST));
        }
    }

    /**
     * SO_BROADCAST does what it says: the kernel refuses a datagram to the loopback network's
     * broadcast address (127.255.255.255) without it (EACCES), and delivers it with it.
     */
    @Test
    void broadcastOnLoopbackNeedsTheOption() throws IOException {
        InetAddress broadcast = InetAddress.getByName("127.255.255.255");
        try (Poll poll = Poll.open(); UdpSocket rx = UdpSocket.bind(new InetSocketAddress(broadcast, 0));
                UdpSocket tx = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(rx, ID1, Interest.READABLE);
            InetSocketAddress target = new InetSocketAddress(broadcast, rx.localAddress().getPort());
            OsException refused = assertThrows(OsException.class, () -> tx.send(ByteBuffer.wrap(DATA1), target));
            assertEquals("EACCES", refused.codeName());

            tx.setOption(StandardSocketOptions.SO_BROADCAST, true);
            assertEquals(DATA1.length, tx.send(ByteBuffer.wrap(DATA1), target));
            expectEvents(poll, events, expect(ID1, READABLE));
            ByteBuffer in = ByteBuffer.allocate(32);
            assertEquals(tx.localAddress(), rx.receive(in));
            assertArrayEquals(DATA1, bytes(in));
        }
    }

    /** mio: set_get_multicast_loop_v4/v6, set_get_multicast_ttl_v4 and their defaults; more options. */
    @Test
    void optionsRoundTripOnIpv4() throws IOException {
        NetworkInterface lo = UdpTestSupport.loopback();
        try (UdpSocket s = UdpSocket.bind(anyV4())) {
            assertEquals(1, s.getOption(StandardSocketOptions.IP_MULTICAST_TTL));
            s.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 42);
            assertEquals(42, s.getOption(StandardSocketOptions.IP_MULTICAST_TTL));

            assertTrue(s.getOption(StandardSocketOptions.IP_MULTICAST_LOOP));
            s.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
            assertFalse(s.getOption(StandardSocketOptions.IP_MULTICAST_LOOP));

            assertNull(s.getOption(StandardSocketOptions.IP_MULTICAST_IF), "none set: the kernel routes");
            s.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
            assertEquals(lo, s.getOption(StandardSocketOptions.IP_MULTICAST_IF));

            s.setOption(StandardSocketOptions.IP_TOS, 0x10);
            assertEquals(0x10, s.getOption(StandardSocketOptions.IP_TOS));
            s.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
            assertTrue(s.getOption(StandardSocketOptions.SO_RCVBUF) >= 64 * 1024);
            s.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            assertTrue(s.getOption(StandardSocketOptions.SO_SNDBUF) >= 64 * 1024);
        }
    }

    @Test
    void optionsRoundTripOnIpv6() throws IOException {
        InetSocketAddress any6 = UdpTestSupport.ipv6LoopbackOrSkip();
        NetworkInterface lo = UdpTestSupport.loopback();
        try (UdpSocket s = UdpSocket.bind(any6, Map.of(PolluxSocketOptions.IPV6_V6ONLY, true))) {
            assertTrue(s.getOption(PolluxSocketOptions.IPV6_V6ONLY));
            assertEquals(1, s.getOption(StandardSocketOptions.IP_MULTICAST_TTL), "IPV6_MULTICAST_HOPS");
            s.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 7);
            assertEquals(7, s.getOption(StandardSocketOptions.IP_MULTICAST_TTL));
            assertTrue(s.getOption(StandardSocketOptions.IP_MULTICAST_LOOP));
            s.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
            assertFalse(s.getOption(StandardSocketOptions.IP_MULTICAST_LOOP));
            assertNull(s.getOption(StandardSocketOptions.IP_MULTICAST_IF));
            s.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
            assertEquals(lo, s.getOption(StandardSocketOptions.IP_MULTICAST_IF), "IPV6_MULTICAST_IF by index");
        }
    }

    /** Options given to bind are set before it: SO_REUSEADDR lets two sockets share a port. */
    @Test
    void bindOptionsAreSetBeforeBind() throws IOException {
        Map<SocketOption<?>, ?> reuse = Map.of(StandardSocketOptions.SO_REUSEADDR, true);
        try (UdpSocket a = UdpSocket.bind(anyV4(), reuse)) {
            assertTrue(a.getOption(StandardSocketOptions.SO_REUSEADDR));
            try (UdpSocket b = UdpSocket.bind(a.localAddress(), reuse)) {
                assertEquals(a.localAddress(), b.localAddress());
            }
            assertThrows(java.net.BindException.class, () -> UdpSocket.bind(a.localAddress()).close(),
                    "without SO_REUSEADDR the port is taken");
        }
    }

    @Test
    void badOptionValues() throws IOException {
        try (UdpSocket s = UdpSocket.bind(anyV4())) {
            assertThrows(IllegalArgumentException.class, () -> s.setOption(StandardSocketOptions.IP_MULTICAST_IF, null));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(StandardSocketOptions.IP_MULTICAST_TTL, null));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 256));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(StandardSocketOptions.IP_TOS, 256));
            assertEquals(1, s.getOption(StandardSocketOptions.IP_MULTICAST_TTL), "a refused value changes nothing");
            assertThrows(UnsupportedOperationException.class, () -> s.setOption(PolluxSocketOptions.TCP_NOPUSH, true));
            @SuppressWarnings({"unchecked", "rawtypes"})
            SocketOption<Object> raw = (SocketOption) StandardSocketOptions.IP_MULTICAST_IF;
            assertThrows(IllegalArgumentException.class, () -> s.setOption(raw, "lo"));
            Map<SocketOption<?>, ?> wrong = Map.of(StandardSocketOptions.SO_BROADCAST, 1);
            assertThrows(IllegalArgumentException.class, () -> UdpSocket.bind(anyV4(), wrong));
        }
    }

    /**
     * Multicast on the loopback interface: join, receive the group's datagrams, leave, receive no
     * more. The receiver is bound to the group address itself, so only loopback traffic is
     * involved; Linux loops multicast sent with IP_MULTICAST_IF = lo back to lo's members.
     */
    @Test
    void multicastJoinAndLeaveOnLoopback() throws IOException {
        NetworkInterface lo = UdpTestSupport.loopback();
        InetAddress group = InetAddress.getByName(GROUP_V4);
        try (Poll poll = Poll.open(); UdpSocket rx = UdpSocket.bind(new InetSocketAddress(group, 0));
                UdpSocket tx = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(rx, ID1, Interest.READABLE);
            InetSocketAddress target = new InetSocketAddress(group, rx.localAddress().getPort());
            tx.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
            tx.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);

            rx.joinGroup(group, lo);
            assertThrows(IllegalStateException.class, () -> rx.joinGroup(group, lo), "already joined");
            assertEquals(DATA1.length, tx.send(ByteBuffer.wrap(DATA1), target));
            expectEvents(poll, events, expect(ID1, READABLE));
            ByteBuffer in = ByteBuffer.allocate(32);
            assertEquals(tx.localAddress(), rx.receive(in));
            assertArrayEquals(DATA1, bytes(in));

            rx.leaveGroup(group, lo);
            assertThrows(IllegalStateException.class, () -> rx.leaveGroup(group, lo), "not joined any more");
            assertEquals(DATA2.length, tx.send(ByteBuffer.wrap(DATA2), target));
            expectNoEvents(poll, events);
            assertNull(rx.receive(in), "nothing arrives after leaving");

            rx.joinGroup(group, lo);
            assertEquals(DATA2.length, tx.send(ByteBuffer.wrap(DATA2), target));
            expectEvents(poll, events, expect(ID1, READABLE));
            in.clear();
            assertEquals(tx.localAddress(), rx.receive(in));
            assertArrayEquals(DATA2, bytes(in));
        }
    }

    /** An IPv4 group can be joined from a dual-stack IPv6 socket (Linux passes IP-level options through). */
    @Test
    void ipv4GroupOnIpv6Socket() throws IOException {
        UdpTestSupport.ipv6LoopbackOrSkip();
        NetworkInterface lo = UdpTestSupport.loopback();
        InetAddress group = InetAddress.getByName(GROUP_V4);
        try (UdpSocket rx = UdpSocket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            rx.joinGroup(group, lo);
            rx.leaveGroup(group, lo);
        }
    }

    /**
     * IPv6 membership through {@code ipv6_mreq} on lo: joining twice and leaving when not joined
     * are refused. (Delivery is not checked: Linux has no IPv6 multicast route on lo, so sending
     * to the group fails with ENETUNREACH there.)
     */
    @Test
    void ipv6MembershipOnLoopback() throws IOException {
        InetSocketAddress any6 = UdpTestSupport.ipv6LoopbackOrSkip();
        NetworkInterface lo = UdpTestSupport.loopback();
        InetAddress group = InetAddress.getByName(GROUP_V6);
        try (UdpSocket s = UdpSocket.bind(any6)) {
            assertThrows(IllegalStateException.class, () -> s.leaveGroup(group, lo));
            s.joinGroup(group, lo);
            assertThrows(IllegalStateException.class, () -> s.joinGroup(group, lo));
            s.leaveGroup(group, lo);
            assertThrows(IllegalStateException.class, () -> s.leaveGroup(group, lo));
        }
    }

    @Test
    void multicastMisuse() throws IOException {
        NetworkInterface lo = UdpTestSupport.loopback();
        InetAddress group = InetAddress.getByName(GROUP_V4);
        try (UdpSocket s = UdpSocket.bind(anyV4())) {
            assertThrows(NullPointerException.class, () -> s.joinGroup(null, lo));
            assertThrows(NullPointerException.class, () -> s.joinGroup(group, null));
            assertThrows(IllegalArgumentException.class, () -> s.joinGroup(InetAddress.getLoopbackAddress(), lo),
                    "not a multicast address");
            assertThrows(IllegalArgumentException.class, () -> s.joinGroup(InetAddress.getByName(GROUP_V6), lo),
                    "IPv6 group on an IPv4 socket");
            assertThrows(IllegalStateException.class, () -> s.leaveGroup(group, lo), "never joined");
            s.close();
            assertThrows(java.nio.channels.ClosedChannelException.class, () -> s.joinGroup(group, lo));
            assertThrows(java.nio.channels.ClosedChannelException.class, () -> s.leaveGroup(group, lo));
        }
    }
}
