package dev.pollux.net;

import static dev.pollux.MioPortSupport.READABLE;
import static dev.pollux.MioPortSupport.READ_CLOSED;
import static dev.pollux.MioPortSupport.WRITABLE;
import static dev.pollux.MioPortSupport.WRITE_CLOSED;
import static dev.pollux.MioPortSupport.expect;
import static dev.pollux.MioPortSupport.expectEvents;
import static dev.pollux.MioPortSupport.expectNoEvents;
import static dev.pollux.net.NetSupport.ANY_LOCAL;
import static dev.pollux.net.NetSupport.ANY_LOCAL_V6;
import static dev.pollux.net.NetSupport.acceptWithin;
import static dev.pollux.net.NetSupport.awaitRead;
import static dev.pollux.net.NetSupport.connectedPair;
import static dev.pollux.net.NetSupport.readExactly;
import static dev.pollux.net.NetSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pollux.Event;
import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.KqueueSupport;
import dev.pollux.MioPortSupport;
import dev.pollux.OsException;
import dev.pollux.Poll;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ports of mio's {@code tests/tcp_stream.rs}: IPv4/IPv6 smoke, shutdown and close events, peek, dual stack. */
class TcpStreamTest {
    private static final long ID1 = 1;
    private static final long ID2 = 2;
    private static final byte[] DATA1 = "Hello world!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA2 = "Hello mars!".getBytes(StandardCharsets.US_ASCII);

    static boolean hasIpv6Loopback() {
        try {
            return Files.readString(Path.of("/proc/net/if_inet6")).lines()
                    .anyMatch(l -> l.startsWith("00000000000000000000000000000001"));
        } catch (IOException e) {
            return false;
        }
    }

    /** mio: tcp_stream_ipv4. */
    @Test
    void smokeIpv4() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        smoke(ANY_LOCAL);
    }

    /** mio: tcp_stream_ipv6, over [::1]. */
    @Test
    void smokeIpv6() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        assumeTrue(hasIpv6Loopback(), "no IPv6 loopback");
        smoke(ANY_LOCAL_V6);
    }

    /**
     * mio's smoke_test_tcp_stream: connect, writable, addresses, echo through the server, reads
     * with heap, direct and segment buffers, then no further events.
     */
    private static void smoke(InetSocketAddress bindTo) throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(bindTo);
                TcpStream stream = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(16);
            assertEquals(bindTo.getAddress(), listener.localAddress().getAddress());
            poll.registry().register(stream, ID1, Interest.READABLE.add(Interest.WRITABLE));
            expectEvents(poll, events, expect(ID1, WRITABLE));
            assertNull(stream.takeError());
            assertEquals(listener.localAddress(), stream.peerAddress());
            assertEquals(bindTo.getAddress(), stream.localAddress().getAddress());

            try (TcpStream server = acceptWithin(listener)) {
                assertEquals(stream.localAddress(), server.peerAddress());
                assertEquals(DATA1.length, stream.write(ByteBuffer.wrap(DATA1)));
                writeAll(server, readExactly(server, DATA1.length)); // echo
                expectEvents(poll, events, expect(ID1, READABLE));
                ByteBuffer direct = ByteBuffer.allocateDirect(64);
                assertEquals(DATA1.length, stream.read(direct));
                direct.flip();
                byte[] got = new byte[direct.remaining()];
                direct.get(got);
                assertArrayEquals(DATA1, got);

                // A gathering write of two heap buffers, echoed, read back into a segment.
                ByteBuffer[] srcs = {ByteBuffer.wrap(DATA1), ByteBuffer.wrap(DATA2)};
                assertEquals(DATA1.length + DATA2.length, stream.write(srcs));
                writeAll(server, readExactly(server, DATA1.length + DATA2.length));
                expectEvents(poll, events, expect(ID1, READABLE));
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment segment = arena.allocate(64);
                    long n = stream.read(segment);
                    byte[] both = new byte[DATA1.length + DATA2.length];
                    System.arraycopy(DATA1, 0, both, 0, DATA1.length);
                    System.arraycopy(DATA2, 0, both, DATA1.length, DATA2.length);
                    assertEquals(both.length, n);
                    assertArrayEquals(both, segment.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
                assertEquals(0, stream.read(ByteBuffer.allocate(8)), "drained: would block");
                expectNoEvents(poll, events);
            }
        }
    }

    /**
     * mio: shutdown_read + tcp_shutdown_client_read_close_event. After shutdownInput the stream
     * reports read-closed and reads end of stream; writing still works.
     */
    @Test
    void shutdownRead() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.client(), ID1, Interest.READABLE.add(Interest.WRITABLE));
            expectEvents(poll, events, expect(ID1, WRITABLE));

            pair.client().shutdownInput();
            expectEvents(poll, events, expect(ID1, READ_CLOSED));
            assertEquals(-1, pair.client().read(ByteBuffer.allocate(8)));
            writeAll(pair.client(), DATA2);
            assertArrayEquals(DATA2, readExactly(pair.server(), DATA2.length));
        }
    }

    /**
     * shutdownInput does not discard what was already received (Linux, as mio notes): the queued
     * bytes come first, then end of stream.
     */
    @Test
    void shutdownReadStillDeliversQueuedData() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.client(), ID1, Interest.READABLE);
            writeAll(pair.server(), DATA1);
            expectEvents(poll, events, expect(ID1, READABLE));
            pair.client().shutdownInput();
            assertArrayEquals(DATA1, readExactly(pair.client(), DATA1.length));
            assertEquals(-1, pair.client().read(ByteBuffer.allocate(8)));
        }
    }

    /**
     * mio: shutdown_write. After shutdownOutput writing fails with EPIPE, the peer reads end of
     * stream, and reading still works: the peer's reply arrives.
     */
    @Test
    void shutdownWrite() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.client(), ID1, Interest.READABLE.add(Interest.WRITABLE));
            expectEvents(poll, events, expect(ID1, WRITABLE));
            assertEquals(DATA1.length, pair.client().write(ByteBuffer.wrap(DATA1)));
            pair.client().shutdownOutput();

            OsException e = assertThrows(OsException.class, () -> pair.client().write(ByteBuffer.wrap(DATA2)));
            assertEquals("EPIPE", e.codeName());

            assertArrayEquals(DATA1, readExactly(pair.server(), DATA1.length));
            awaitRead(pair.server(), -1);
            writeAll(pair.server(), DATA1);
            expectEvents(poll, events, expect(ID1, READABLE));
            assertArrayEquals(DATA1, readExactly(pair.client(), DATA1.length));
        }
    }

    /**
     * mio: shutdown_both + tcp_shutdown_client_both_close_event: write-closed (and read-closed)
     * reported, writing fails with EPIPE, the peer reads end of stream.
     */
    @Test
    void shutdownBoth() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.client(), ID1, Interest.READABLE.add(Interest.WRITABLE));
            expectEvents(poll, events, expect(ID1, WRITABLE));

            pair.client().shutdown();
            expectEvents(poll, events, NetSupport.expectReadAndWriteClosed(ID1));
            OsException e = assertThrows(OsException.class, () -> pair.client().write(ByteBuffer.wrap(DATA2)));
            assertEquals("EPIPE", e.codeName());
            assertEquals(-1, pair.client().read(ByteBuffer.allocate(8)));
            awaitRead(pair.server(), -1);
        }
    }

    /**
     * Once the connection has ended, shutting down does nothing (as in NIO) rather than throwing
     * NotYetConnectedException from cleanup code; the peer's address is gone, as documented.
     */
    @Test
    void shutdownAfterTheConnectionEndedDoesNothing() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL)) {
            // Closed by both sides: the second shutdown finds the socket in the CLOSE state.
            try (NetSupport.Pair pair = connectedPair(listener)) {
                pair.server().close();
                awaitRead(pair.client(), -1);
                pair.client().shutdownOutput();
                awaitClosedState(pair.client());
                pair.client().shutdownOutput();
                pair.client().shutdownInput();
                pair.client().shutdown();
                assertThrows(java.nio.channels.NotYetConnectedException.class, pair.client()::peerAddress);
            }
            // Reset by the peer.
            try (NetSupport.Pair pair = connectedPair(listener)) {
                pair.server().setOption(StandardSocketOptions.SO_LINGER, 0);
                pair.server().close();
                awaitClosedState(pair.client());
                pair.client().shutdown();
                pair.client().shutdownOutput();
                OsException e = assertThrows(OsException.class, () -> pair.client().write(ByteBuffer.wrap(DATA1)));
                assertTrue(List.of("EPIPE", "ECONNRESET").contains(e.codeName()), e::toString);
            }
        }
    }

    /** Waits until the OS has forgotten the peer (the connection reached the CLOSE state). */
    private static void awaitClosedState(TcpStream stream) throws Exception {
        long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
        while (true) {
            try {
                stream.peerAddress();
            } catch (java.nio.channels.NotYetConnectedException closed) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the connection did not close");
            NetSupport.pause();
        }
    }

    /**
     * mio: tcp_shutdown_server_write_close_event. The peer's shutdownOutput gives read-closed;
     * the stream reads end of stream.
     */
    @Test
    void peerShutdownWriteGivesReadClosed() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.client(), ID1, Interest.READABLE.add(Interest.WRITABLE));
            expectEvents(poll, events, expect(ID1, WRITABLE));
            writeAll(pair.server(), DATA1);
            pair.server().shutdownOutput();
            expectEvents(poll, events, expect(ID1, READABLE | READ_CLOSED));
            assertArrayEquals(DATA1, readExactly(pair.client(), DATA1.length), "data before the FIN arrives");
            assertEquals(-1, pair.client().read(ByteBuffer.allocate(8)));
            assertEquals(-1, pair.client().read(ByteBuffer.allocateDirect(8)), "end of stream stays");
        }
    }

    /**
     * mio: tcp_reset_close_event. The peer closes with unread data (so it sends a reset): the
     * stream reports read-closed and then quiesces.
     */
    @Test
    void resetCloseEvent() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                TcpStream stream = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(stream, ID1, Interest.READABLE.add(Interest.WRITABLE));
            TcpStream server = acceptWithin(listener);
            expectEvents(poll, events, expect(ID1, WRITABLE));
            assertEquals(DATA1.length, stream.write(ByteBuffer.wrap(DATA1)));
            assertEquals(0, stream.read(ByteBuffer.allocate(1)));
            // Let the data reach the server unread, then drop it: closing with unread data resets.
            long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
            while (server.peek(ByteBuffer.allocate(DATA1.length)) < DATA1.length
                    && System.nanoTime() < deadline) {
                NetSupport.pause();
            }
            server.close();
            expectEvents(poll, events, expect(ID1, READ_CLOSED));
            for (int i = 0; i < 50 && poll.poll(events, MioPortSupport.NO_EVENT_WAIT) > 0; i++) {
                // quiesce (bounded)
            }
            assertEquals(0, poll.poll(events, MioPortSupport.NO_EVENT_WAIT), events::toString);
            // Also on libkqueue, which took the ECONNRESET out of SO_ERROR for the event.
            OsException e = assertThrows(OsException.class, () -> stream.read(ByteBuffer.allocate(8)));
            assertEquals("ECONNRESET", e.codeName());
        }
    }

    /**
     * mio: hup_event_on_disconnect. The peer aborts (SO_LINGER 0, close): the stream turns
     * readable, with error or read-closed set.
     */
    @Test
    void hupEventOnDisconnect() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                TcpStream stream = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, ID2, Interest.READABLE);
            poll.registry().register(stream, ID1, Interest.READABLE.add(Interest.WRITABLE));
            expectEvents(poll, events, expect(ID2, READABLE), expect(ID1, WRITABLE));
            TcpStream server = acceptWithin(listener);
            server.setOption(StandardSocketOptions.SO_LINGER, 0);
            server.close();
            expectEvents(poll, events, expect(ID1, READABLE));
            Event e = null;
            for (Event each : events) {
                // On kqueue the WRITE filter's event has the same token: take the READ filter's.
                if (each.token() == ID1 && each.isReadable()) {
                    e = each;
                }
            }
            Event last = e;
            assertTrue(last != null && (last.isError() || last.isReadClosed()), () -> String.valueOf(last));
        }
    }

    /** mio: priority_event_on_oob_data. Urgent (out-of-band) data gives a priority event. */
    @Test
    void priorityEventOnOobData() throws Exception {
        final int msgOob = 1; // MSG_OOB on Linux; Pollux has no API to send urgent data
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener); Arena arena = Arena.ofConfined()) {
            Events events = Events.withCapacity(16);
            if (NetSupport.ON_KQUEUE) {
                // kqueue has no filter for urgent data: PRIORITY is refused, and nothing is registered.
                UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
                        () -> poll.registry().register(pair.client(), ID1, Interest.READABLE.add(Interest.PRIORITY)));
                assertTrue(refused.getMessage().contains("PRIORITY"), refused::getMessage);
                poll.registry().register(pair.client(), ID1, Interest.READABLE);
                return;
            }
            poll.registry().register(pair.client(), ID1, Interest.READABLE.add(Interest.PRIORITY));
            MemorySegment data = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, DATA1);
            long sent = dev.pollux.ffi.epoll.Sockets.send(pair.server().io.fd(), data, DATA1.length, msgOob);
            assertEquals(DATA1.length, sent);
            expectEvents(poll, events, expect(ID1, READABLE | MioPortSupport.PRIORITY));
        }
    }

    private static boolean errorEvent(Events events, long token) {
        for (Event e : events) {
            if (e.token() == token && e.isError()) {
                return true;
            }
        }
        return false;
    }

    /** mio: peek_ok. Peeking does not consume readiness: the readable event still comes. */
    @Test
    void peekDoesNotConsumeReadiness() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.client(), ID1, Interest.READABLE);
            expectNoEvents(poll, events);
            assertEquals(1, pair.server().write(ByteBuffer.wrap(new byte[] {7})));
            ByteBuffer buf = ByteBuffer.allocate(2);
            long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
            int n;
            while ((n = pair.client().peek(buf)) == 0 && System.nanoTime() < deadline) {
                NetSupport.pause();
            }
            assertEquals(1, n);
            assertEquals(7, buf.get(0));
            expectEvents(poll, events, expect(ID1, READABLE));
            assertEquals(1, pair.client().read(ByteBuffer.allocate(2)), "the byte is still there");
        }
    }

    /** mio: peek_would_block + read_peek_would_block. Peek on an empty stream returns 0; new data gives a new event. */
    @Test
    void peekWouldBlock() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.client(), ID1, Interest.READABLE);
            ByteBuffer one = ByteBuffer.allocate(1);
            assertEquals(0, pair.client().read(one));
            assertEquals(0, pair.client().peek(one));
            assertEquals(0, one.position());

            assertEquals(1, pair.server().write(ByteBuffer.wrap(new byte[] {0})));
            expectEvents(poll, events, expect(ID1, READABLE));
            assertEquals(1, pair.client().read(one));
            one.clear();
            assertEquals(0, pair.client().peek(one), "all consumed: peek would block");

            assertEquals(4, pair.server().write(ByteBuffer.wrap(new byte[] {0, 1, 2, 3})));
            expectEvents(poll, events, expect(ID1, READABLE));
            assertEquals(1, pair.client().peek(one));
        }
    }

    /** After the peer's shutdownOutput, peek reports end of stream (-1) too. */
    @Test
    void peekAtEndOfStream() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL); NetSupport.Pair pair = connectedPair(listener)) {
            pair.server().shutdownOutput();
            awaitRead(pair.client(), -1);
            assertEquals(-1, pair.client().peek(ByteBuffer.allocate(4)));
        }
    }

    /** mio: tcp_stream registering / reregistering / no_events_after_deregister. */
    @Test
    void reregisterAndDeregister() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.client(), ID1, Interest.READABLE);
            expectNoEvents(poll, events);
            poll.registry().reregister(pair.client(), ID2, Interest.WRITABLE);
            expectEvents(poll, events, expect(ID2, WRITABLE));
            poll.registry().reregister(pair.client(), ID1, Interest.READABLE);
            poll.registry().deregister(pair.client());
            writeAll(pair.server(), DATA1);
            expectNoEvents(poll, events);
            assertArrayEquals(DATA1, readExactly(pair.client(), DATA1.length));
        }
    }

    /** An IPv6 listener on [::] is dual-stack: it accepts an IPv4 client (seen as IPv4-mapped). */
    @Test
    void dualStackListenerAcceptsIpv4() throws Exception {
        assumeTrue(hasIpv6Loopback(), "no IPv6");
        InetSocketAddress any6 = new InetSocketAddress(InetAddress.getByName("::"), 0);
        try (TcpListener listener = TcpListener.bind(any6)) {
            assertTrue(listener.localAddress().getAddress() instanceof Inet6Address);
            assertEquals(false, listener.getOption(PolluxSocketOptions.IPV6_V6ONLY));
            InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                    listener.localAddress().getPort());
            try (TcpStream client = TcpStream.connect(v4); TcpStream server = acceptWithin(listener)) {
                assertTrue(client.localAddress().getAddress() instanceof Inet4Address);
                InetAddress seen = server.peerAddress().getAddress();
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(client.localAddress().getAddress().getAddress(), 0, mapped, 12, 4);
                assertArrayEquals(mapped, seen.getAddress(), "the kernel's view: ::ffff:127.0.0.1");
                assertEquals(client.localAddress().getPort(), server.peerAddress().getPort());
                writeAll(client, DATA1);
                assertArrayEquals(DATA1, readExactly(server, DATA1.length));
            }
        }
    }

    /** With IPV6_V6ONLY set before bind, the IPv6 listener refuses IPv4 clients. */
    @Test
    void v6OnlyListenerRefusesIpv4() throws Exception {
        assumeTrue(hasIpv6Loopback(), "no IPv6");
        InetSocketAddress any6 = new InetSocketAddress(InetAddress.getByName("::"), 0);
        try (Poll poll = Poll.open();
                TcpListener listener = TcpListener.bind(any6, 0, Map.of(PolluxSocketOptions.IPV6_V6ONLY, true))) {
            assertEquals(true, listener.getOption(PolluxSocketOptions.IPV6_V6ONLY));
            int port = listener.localAddress().getPort();
            InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
            TcpStream client;
            try {
                client = TcpStream.connect(v4);
            } catch (ConnectException refusedAtOnce) {
                client = null;
            }
            if (client != null) {
                try (TcpStream c = client) {
                    Events events = Events.withCapacity(4);
                    poll.registry().register(c, ID1, Interest.WRITABLE);
                    expectEvents(poll, events, expect(ID1, 0));
                    assertInstanceOf(ConnectException.class, c.takeError()); // on libkqueue too
                }
            }
            assertNull(listener.accept(), "no IPv4 connection reached the v6-only listener");
            // IPv6 clients still get in.
            try (TcpStream v6 = TcpStream.connect(new InetSocketAddress(InetAddress.getByName("::1"), port));
                    TcpStream server = acceptWithin(listener)) {
                assertEquals(v6.localAddress(), server.peerAddress());
            }
        }
    }

    /** A read into several buffers fills them in order; -1 only at end of stream with nothing read. */
    @Test
    void scatteringReadAndGatheringWrite() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL); NetSupport.Pair pair = connectedPair(listener)) {
            for (boolean direct : List.of(false, true)) {
                ByteBuffer[] srcs = {buffer(direct, DATA1), buffer(direct, DATA2)};
                long n = pair.client().write(srcs, 0, 2);
                assertEquals(DATA1.length + DATA2.length, n);
                assertEquals(0, srcs[0].remaining() + srcs[1].remaining());

                ByteBuffer a = direct ? ByteBuffer.allocateDirect(5) : ByteBuffer.allocate(5);
                ByteBuffer b = direct ? ByteBuffer.allocateDirect(64) : ByteBuffer.allocate(64);
                long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
                long total = 0;
                while (total < n && System.nanoTime() < deadline) {
                    long r = pair.server().read(new ByteBuffer[] {a, b});
                    assertTrue(r >= 0);
                    total += r;
                    if (r == 0) {
                        NetSupport.pause();
                    }
                }
                assertEquals(n, total);
                assertEquals(5, a.position());
                byte[] got = new byte[(int) n];
                a.flip().get(got, 0, 5);
                b.flip().get(got, 5, (int) n - 5);
                byte[] want = new byte[(int) n];
                System.arraycopy(DATA1, 0, want, 0, DATA1.length);
                System.arraycopy(DATA2, 0, want, DATA1.length, DATA2.length);
                assertArrayEquals(want, got, "direct=" + direct);
            }
            pair.client().shutdownOutput();
            long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
            long r;
            while ((r = pair.server().read(new ByteBuffer[] {ByteBuffer.allocateDirect(4)})) == 0
                    && System.nanoTime() < deadline) {
                NetSupport.pause();
            }
            assertEquals(-1, r);
            assertEquals(-1, pair.server().read(new ByteBuffer[] {ByteBuffer.allocate(4), ByteBuffer.allocate(4)}));
        }
    }

    private static ByteBuffer buffer(boolean direct, byte[] data) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(data.length + 8) : ByteBuffer.allocate(data.length + 8);
        b.position(3); // position and limit are honoured
        b.put(data);
        b.flip().position(3);
        return b;
    }
}
