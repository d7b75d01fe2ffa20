package dev.pollux.net;

import static dev.pollux.MioPortSupport.READABLE;
import static dev.pollux.MioPortSupport.expect;
import static dev.pollux.MioPortSupport.expectEvents;
import static dev.pollux.MioPortSupport.expectNoEvents;
import static dev.pollux.net.NetSupport.ANY_LOCAL;
import static dev.pollux.net.NetSupport.ANY_LOCAL_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.Poll;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ports of mio's {@code tests/tcp_listener.rs}. */
class TcpListenerTest {
    private static final long ID1 = 1;
    private static final long ID2 = 2;

    /** mio: tcp_listener. */
    @Test
    void smokeIpv4() throws Exception {
        smoke(ANY_LOCAL);
    }

    /** mio: tcp_listener_ipv6. */
    @Test
    void smokeIpv6() throws Exception {
        assumeTrue(TcpStreamTest.hasIpv6Loopback(), "no IPv6 loopback");
        smoke(ANY_LOCAL_V6);
    }

    /**
     * mio's smoke_test_tcp_listener: bound to port 0 it gets a real port; readable once per
     * connection burst; accept drains, then returns null; no event once drained.
     */
    private static void smoke(InetSocketAddress bindTo) throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(bindTo)) {
            Events events = Events.withCapacity(16);
            InetSocketAddress address = listener.localAddress();
            assertEquals(bindTo.getAddress(), address.getAddress());
            assertNotEquals(0, address.getPort());
            poll.registry().register(listener, ID1, Interest.READABLE);
            expectNoEvents(poll, events);
            assertNull(listener.accept(), "nothing pending: accept returns null");

            try (TcpStream client = TcpStream.connect(address)) {
                expectEvents(poll, events, expect(ID1, READABLE));
                try (TcpStream accepted = listener.accept()) {
                    assertNotNull(accepted);
                    assertEquals(client.localAddress(), accepted.peerAddress());
                    assertEquals(address, accepted.localAddress());
                }
                assertNull(listener.accept(), "drained");
                expectNoEvents(poll, events);
            }
        }
    }

    /** mio: tcp_listener reregister and no_events_after_deregister. */
    @Test
    void reregisterAndDeregister() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, ID1, Interest.READABLE);
            poll.registry().reregister(listener, ID2, Interest.READABLE);
            try (TcpStream c1 = TcpStream.connect(listener.localAddress())) {
                expectEvents(poll, events, expect(ID2, READABLE));
                for (int i = 0; i < events.size(); i++) {
                    assertEquals(ID2, events.token(i), "only the new token");
                }
                NetSupport.acceptWithin(listener).close();
                poll.registry().deregister(listener);
                try (TcpStream c2 = TcpStream.connect(listener.localAddress())) {
                    expectNoEvents(poll, events);
                    NetSupport.acceptWithin(listener).close();
                }
            }
        }
    }

    /** mio: tcp_listener_two_streams. Two connections, one readable burst each, both accepted. */
    @Test
    void twoStreams() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, ID1, Interest.READABLE);
            List<TcpStream> open = new ArrayList<>();
            try {
                open.add(TcpStream.connect(listener.localAddress()));
                expectEvents(poll, events, expect(ID1, READABLE));
                open.add(NetSupport.acceptWithin(listener));
                assertNull(listener.accept());

                open.add(TcpStream.connect(listener.localAddress()));
                expectEvents(poll, events, expect(ID1, READABLE));
                open.add(NetSupport.acceptWithin(listener));
                assertNull(listener.accept());
                assertEquals(open.get(2).localAddress(), open.get(3).peerAddress());
                assertTrue(open.get(0).localAddress().getPort() != open.get(2).localAddress().getPort());
            } finally {
                for (TcpStream s : open) {
                    s.close();
                }
            }
        }
    }

    /** A backlog below 1 means the default; a listener still listens. */
    @Test
    void backlogBelowOneMeansDefault() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL, 0);
                NetSupport.Pair pair = NetSupport.connectedPair(listener)) {
            assertEquals(pair.client().localAddress(), pair.server().peerAddress());
        }
    }
}
