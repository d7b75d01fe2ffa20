package dev.pollux.net;

import static dev.pollux.MioPortSupport.READABLE;
import static dev.pollux.MioPortSupport.READ_CLOSED;
import static dev.pollux.MioPortSupport.WRITABLE;
import static dev.pollux.MioPortSupport.expect;
import static dev.pollux.MioPortSupport.expectEvents;
import static dev.pollux.MioPortSupport.expectNoEvents;
import static dev.pollux.net.NetSupport.ANY_LOCAL;
import static dev.pollux.net.NetSupport.acceptWithin;
import static dev.pollux.net.NetSupport.awaitRead;
import static dev.pollux.net.NetSupport.connectedPair;
import static dev.pollux.net.NetSupport.readExactly;
import static dev.pollux.net.NetSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pollux.Event;
import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.KqueueSupport;
import dev.pollux.MioPortSupport;
import dev.pollux.OsException;
import dev.pollux.Poll;
import dev.pollux.Waker;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ports of mio's {@code tests/tcp.rs}, {@code tests/close_on_drop.rs} and the TCP cases of
 * {@code tests/regressions.rs}: behaviours, not code.
 */
class TcpTest {
    private static final long LISTENER = 0;
    private static final long CLIENT = 1;
    private static final long SERVER = 2;
    private static final long WAKE = 10;
    private static final byte[] DATA1 = "Hello world!".getBytes(StandardCharsets.US_ASCII);

    /** mio: accept. The listener turns readable; accept gives the connection, then null. */
    @Test
    void accept() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, LISTENER, Interest.READABLE);
            expectNoEvents(poll, events);
            assertNull(listener.accept(), "nothing pending yet");

            try (TcpStream client = TcpStream.connect(listener.localAddress())) {
                expectEvents(poll, events, expect(LISTENER, READABLE));
                try (TcpStream server = listener.accept()) {
                    assertNotNull(server, "a readable listener has a connection to accept");
                    assertNull(listener.accept(), "only one connection was pending");
                    assertEquals(client.localAddress(), server.peerAddress());
                    assertEquals(listener.localAddress(), server.localAddress());
                    assertTrue(server.peerAddress().getAddress().isLoopbackAddress());
                }
            }
        }
    }

    /**
     * mio: connect. The stream turns writable once connected, with no error and the listener as
     * its peer; when the server closes, it turns readable and reads end of stream.
     */
    @Test
    void connect() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                TcpStream client = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(client, CLIENT, Interest.READABLE.add(Interest.WRITABLE));
            expectEvents(poll, events, expect(CLIENT, WRITABLE));
            assertNull(client.takeError(), "a successful connect leaves no error");
            assertEquals(listener.localAddress(), client.peerAddress());
            assertNotEquals(0, client.localAddress().getPort());

            TcpStream server = acceptWithin(listener);
            server.close();
            expectEvents(poll, events, expect(CLIENT, READABLE));
            assertEquals(-1, client.read(ByteBuffer.allocate(16)), "the server closed: end of stream");
        }
    }

    /** mio: read. The server writes many chunks; the client, edge-triggered, drains them all. */
    @Test
    void read() throws Exception {
        final int chunks = 100;
        final int chunk = 1024;
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.client(), CLIENT, Interest.READABLE);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < chunks; i++) {
                        byte[] data = new byte[chunk];
                        Arrays.fill(data, (byte) i);
                        writeAll(pair.server(), data);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ByteBuffer buf = ByteBuffer.allocate(chunks * chunk);
            long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos() * 4;
            while (buf.hasRemaining()) {
                if (System.nanoTime() > deadline) {
                    fail("read only " + buf.position() + " bytes");
                }
                poll.poll(events, MioPortSupport.MUST_COME);
                int r;
                while (buf.hasRemaining() && (r = pair.client().read(buf)) != 0) {
                    assertTrue(r > 0, "no end of stream expected");
                }
            }
            writer.join(MioPortSupport.MUST_COME);
            for (int i = 0; i < chunks * chunk; i++) {
                assertEquals((byte) (i / chunk), buf.get(i), "byte " + i);
            }
        }
    }

    /** mio: peek. Peeking shows the data without consuming it; the read then gets the same bytes. */
    @Test
    void peek() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.client(), CLIENT, Interest.READABLE);
            ByteBuffer peeked = ByteBuffer.allocate(64);
            assertEquals(0, pair.client().peek(peeked), "nothing arrived: peek would block");
            assertEquals(0, peeked.position());

            writeAll(pair.server(), DATA1);
            expectEvents(poll, events, expect(CLIENT, READABLE));
            assertEquals(DATA1.length, pair.client().peek(peeked));
            ByteBuffer again = ByteBuffer.allocateDirect(64);
            assertEquals(DATA1.length, pair.client().peek(again), "peek does not consume");
            ByteBuffer read = ByteBuffer.allocate(64);
            assertEquals(DATA1.length, pair.client().read(read));
            assertArrayEquals(DATA1, Arrays.copyOf(peeked.array(), peeked.position()));
            assertArrayEquals(DATA1, Arrays.copyOf(read.array(), read.position()));
            again.flip();
            byte[] direct = new byte[again.remaining()];
            again.get(direct);
            assertArrayEquals(DATA1, direct);
            assertEquals(0, pair.client().peek(ByteBuffer.allocate(8)), "all read: peek would block again");
        }
    }

    /** mio: write. Writes of many chunks all reach the peer intact. */
    @Test
    void write() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL); NetSupport.Pair pair = connectedPair(listener)) {
            byte[] all = new byte[64 * 1024];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) (i * 7 + (i >> 9));
            }
            for (int off = 0; off < all.length; off += 4096) {
                writeAll(pair.client(), Arrays.copyOfRange(all, off, off + 4096));
            }
            assertArrayEquals(all, readExactly(pair.server(), all.length));
        }
    }

    /** mio: multiple_writes_immediate_success. Small writes on a fresh connection succeed at once. */
    @Test
    void multipleWritesImmediateSuccess() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.client(), CLIENT, Interest.WRITABLE);
            expectEvents(poll, events, expect(CLIENT, WRITABLE));
            for (int i = 0; i < 100; i++) {
                assertEquals(1024, pair.client().write(ByteBuffer.wrap(new byte[1024])), "write " + i);
            }
            readExactly(pair.server(), 100 * 1024);
        }
    }

    /** mio: connect_then_close. A client that closes at once is still accepted; the server reads end of stream. */
    @Test
    void connectThenClose() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, LISTENER, Interest.READABLE);
            TcpStream client = TcpStream.connect(listener.localAddress());
            poll.registry().register(client, CLIENT, Interest.READABLE.add(Interest.WRITABLE));
            client.close();
            expectEvents(poll, events, expect(LISTENER, READABLE));
            try (TcpStream server = acceptWithin(listener)) {
                poll.registry().register(server, SERVER, Interest.READABLE);
                expectEvents(poll, events, expect(SERVER, READABLE));
                assertEquals(-1, server.read(ByteBuffer.allocate(8)));
            }
            // Nothing ever arrives for the closed client's token.
            for (int i = 0; i < 3; i++) {
                poll.poll(events, MioPortSupport.NO_EVENT_WAIT);
                for (Event e : events) {
                    assertNotEquals(CLIENT, e.token(), "event for a closed stream: " + e);
                }
            }
        }
    }

    /** mio: listen_then_close. A closed listener reports nothing. */
    @Test
    void listenThenClose() throws Exception {
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(16);
            TcpListener listener = TcpListener.bind(ANY_LOCAL);
            poll.registry().register(listener, LISTENER, Interest.READABLE);
            listener.close();
            expectNoEvents(poll, events);
        }
    }

    /** mio: bind_twice_bad. A second listener on the same address fails with BindException. */
    @Test
    void bindTwiceBad() throws Exception {
        try (TcpListener first = TcpListener.bind(ANY_LOCAL)) {
            BindException e = assertThrows(BindException.class, () -> TcpListener.bind(first.localAddress()));
            OsException cause = assertInstanceOf(OsException.class, e.getCause());
            assertEquals("EADDRINUSE", cause.codeName());
            assertEquals("bind", cause.call());
        }
    }

    /**
     * mio: connection_reset_by_peer. The client sets SO_LINGER 0 and closes: the server sees an
     * error or read-closed event, and its read fails with ECONNRESET (then reads end of stream).
     */
    @Test
    void connectionResetByPeer() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL)) {
            Events events = Events.withCapacity(16);
            TcpStream client = TcpStream.connect(listener.localAddress());
            try (TcpStream server = acceptWithin(listener)) {
                poll.registry().register(server, SERVER, Interest.READABLE);
                client.setOption(StandardSocketOptions.SO_LINGER, 0);
                client.close();

                List<String> seen = expectEvents(poll, events, expect(SERVER, READABLE));
                boolean errorOrClosed = false;
                for (int i = 0; i < events.size(); i++) {
                    if (events.token(i) == SERVER) {
                        errorOrClosed |= events.isError(i) || events.isReadClosed(i);
                    }
                }
                assertTrue(errorOrClosed, "a reset shows as error or read-closed: " + seen);
                // On every backend, libkqueue included (it clears SO_ERROR to build the event).
                OsException e = assertThrows(OsException.class, () -> server.read(ByteBuffer.allocate(16)));
                assertEquals("ECONNRESET", e.codeName());
                assertEquals(-1, server.read(ByteBuffer.allocate(16)), "after the reset: end of stream");
            }
        }
    }

    /**
     * mio: connect_error. Connecting to a port nobody listens on fails, either at once with a
     * ConnectException or later: a writable/error + write-closed event and takeError giving it.
     */
    @Test
    void connectError() throws Exception {
        InetSocketAddress closed;
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL)) {
            closed = listener.localAddress();
        }
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(16);
            TcpStream stream;
            try {
                stream = TcpStream.connect(closed);
            } catch (ConnectException e) {
                assertEquals("ECONNREFUSED", assertInstanceOf(OsException.class, e.getCause()).codeName());
                return; // refused synchronously: allowed, as in mio
            }
            try (stream) {
                poll.registry().register(stream, CLIENT, Interest.WRITABLE);
                expectEvents(poll, events, expect(CLIENT, 0));
                Event e = events.get(0);
                assertTrue(e.isWritable() || e.isError(), e::toString);
                assertTrue(e.isWriteClosed(), e::toString);
                // Also on libkqueue, which reads (and so clears) SO_ERROR to build the event:
                // the Poll keeps the error from the event.
                IOException error = stream.takeError();
                ConnectException refused = assertInstanceOf(ConnectException.class, error);
                assertEquals("ECONNREFUSED", assertInstanceOf(OsException.class, refused.getCause()).codeName());
                assertNull(stream.takeError(), "takeError clears the error");
                assertThrows(java.nio.channels.NotYetConnectedException.class, stream::peerAddress);
            }
        }
    }

    /** mio: write_error. Writing to a connection the peer closed ends in an error, never SIGPIPE. */
    @Test
    void writeError() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                TcpStream client = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(client, CLIENT, Interest.READABLE.add(Interest.WRITABLE));
            expectEvents(poll, events, expect(CLIENT, WRITABLE));
            acceptWithin(listener).close();

            ByteBuffer buf = ByteBuffer.allocate(1024);
            long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
            while (true) {
                if (System.nanoTime() > deadline) {
                    fail("writes to a closed peer never failed");
                }
                buf.clear();
                int n;
                try {
                    n = client.write(buf);
                } catch (OsException e) {
                    assertTrue(List.of("EPIPE", "ECONNRESET").contains(e.codeName()), e::toString);
                    break;
                }
                if (n == 0) {
                    poll.poll(events, Duration.ofMillis(10));
                }
            }
        }
    }

    /**
     * mio: write_shutdown. The server shuts down its writing half: the client sees readable and
     * read-closed, and reads end of stream; it can still write to the server.
     */
    @Test
    void writeShutdown() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.client(), CLIENT, Interest.READABLE.add(Interest.WRITABLE));
            expectEvents(poll, events, expect(CLIENT, WRITABLE));
            for (Event e : events) {
                assertTrue(!e.isReadClosed() && !e.isWriteClosed(), e::toString);
            }
            expectNoEvents(poll, events);

            pair.server().shutdownOutput();
            expectEvents(poll, events, expect(CLIENT, READABLE | READ_CLOSED));
            assertEquals(-1, pair.client().read(ByteBuffer.allocate(8)));
            writeAll(pair.client(), DATA1);
            assertArrayEquals(DATA1, readExactly(pair.server(), DATA1.length));
        }
    }

    /** mio: local_addr_ready. Addresses are available in every event handler. */
    @Test
    void localAddrReady() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                TcpStream client = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, LISTENER, Interest.READABLE);
            poll.registry().register(client, CLIENT, Interest.READABLE);
            TcpStream accepted = null;
            boolean done = false;
            long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
            try {
                while (!done) {
                    assertTrue(System.nanoTime() < deadline, "handshake did not finish");
                    poll.poll(events, MioPortSupport.MUST_COME);
                    for (Event e : events) {
                        if (e.token() == LISTENER) {
                            TcpStream s = listener.accept();
                            if (s != null) {
                                accepted = s;
                                poll.registry().register(accepted, SERVER, Interest.WRITABLE);
                            }
                        } else if (e.token() == SERVER) {
                            assertEquals(client.localAddress(), accepted.peerAddress());
                            assertEquals(listener.localAddress(), accepted.localAddress());
                            assertEquals(3, accepted.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
                            accepted.close();
                        } else if (e.token() == CLIENT) {
                            assertEquals(listener.localAddress(), client.peerAddress());
                            assertNotNull(client.localAddress());
                            done = true;
                        } else {
                            fail("unexpected " + e);
                        }
                    }
                }
            } finally {
                if (accepted != null) {
                    accepted.close();
                }
            }
        }
    }

    /** mio: write_then_drop. Data written just before close still reaches the peer. */
    @Test
    void writeThenDrop() throws Exception {
        writeThenGoAway(true);
    }

    /** mio: write_then_deregister. Data written just before deregister still reaches the peer. */
    @Test
    void writeThenDeregister() throws Exception {
        writeThenGoAway(false);
    }

    private static void writeThenGoAway(boolean close) throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                TcpStream client = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, LISTENER, Interest.READABLE);
            poll.registry().register(client, CLIENT, Interest.READABLE);
            expectEvents(poll, events, expect(LISTENER, READABLE));
            assertEquals(1, events.size(), events::toString);

            try (TcpStream server = notNullAccept(listener)) {
                poll.registry().register(server, SERVER, Interest.WRITABLE);
                expectEvents(poll, events, expect(SERVER, WRITABLE));
                assertEquals(4, server.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4})));
                if (close) {
                    server.close();
                } else {
                    poll.registry().deregister(server);
                }
                poll.registry().reregister(client, CLIENT, Interest.READABLE);
                expectEvents(poll, events, expect(CLIENT, READABLE));
                for (Event e : events) {
                    assertEquals(CLIENT, e.token(), () -> "only the client may report: " + events);
                }
                ByteBuffer buf = ByteBuffer.allocate(10);
                assertEquals(4, client.read(buf));
                assertArrayEquals(new byte[] {1, 2, 3, 4}, Arrays.copyOf(buf.array(), 4));
            }
        }
    }

    private static TcpStream notNullAccept(TcpListener listener) throws IOException {
        TcpStream s = listener.accept();
        assertNotNull(s, "the listener was readable");
        return s;
    }

    /** mio: tcp_no_events_after_deregister. Nothing is reported for deregistered sockets. */
    @Test
    void noEventsAfterDeregister() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                TcpStream client = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, LISTENER, Interest.READABLE);
            poll.registry().register(client, CLIENT, Interest.READABLE);
            expectEvents(poll, events, expect(LISTENER, READABLE));

            try (TcpStream server = notNullAccept(listener)) {
                assertTrue(server.peerAddress().getAddress().isLoopbackAddress());
                assertEquals(listener.localAddress(), server.localAddress());
                poll.registry().deregister(listener);
                poll.registry().deregister(client);

                // Another connection and data for the client: neither is reported.
                try (TcpStream other = TcpStream.connect(listener.localAddress())) {
                    writeAll(server, DATA1);
                    expectNoEvents(poll, events);
                    // The data is there all the same.
                    assertArrayEquals(DATA1, readExactly(client, DATA1.length));
                    acceptWithin(listener).close();
                }
                expectNoEvents(poll, events);
            }
        }
    }

    /**
     * mio: close_on_drop. The client reads what the server sent, and once the server is gone its
     * next read gives end of stream (after a read-closed event).
     */
    @Test
    void closeOnDrop() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                TcpStream client = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, LISTENER, Interest.READABLE);
            poll.registry().register(client, CLIENT, Interest.WRITABLE);
            expectEvents(poll, events, expect(CLIENT, WRITABLE), expect(LISTENER, READABLE));
            try (TcpStream server = notNullAccept(listener)) {
                writeAll(server, DATA1);
            }
            poll.registry().reregister(client, CLIENT, Interest.READABLE);
            expectEvents(poll, events, expect(CLIENT, READABLE));
            assertArrayEquals(DATA1, readExactly(client, DATA1.length));
            awaitRead(client, -1);
            assertEquals(-1, client.read(ByteBuffer.allocate(8)), "end of stream stays");
        }
    }

    /** mio regression issue_776: a connected stream with nothing to read returns 0, not an error. */
    @Test
    void issue776ReadOnFreshConnectionWouldBlock() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                TcpStream client = TcpStream.connect(listener.localAddress())) {
            Events events = Events.withCapacity(16);
            poll.registry().register(client, CLIENT, Interest.READABLE.add(Interest.WRITABLE));
            expectEvents(poll, events, expect(CLIENT, WRITABLE));
            assertEquals(0, client.read(ByteBuffer.allocate(1024)));
            assertEquals(0, client.read(ByteBuffer.allocateDirect(1024)));
            acceptWithin(listener).close();
        }
    }

    /**
     * mio regression issue_1205: a listener deregistered while a connection is pending gives no
     * event; a later poll returns only the waker's.
     */
    @Test
    void issue1205DeregisteredListenerStaysSilent() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL)) {
            Events events = Events.withCapacity(16);
            Waker waker = new Waker(poll.registry(), WAKE);
            try {
                poll.registry().register(listener, LISTENER, Interest.READABLE);
                assertEquals(0, poll.poll(events, Duration.ZERO));
                try (TcpStream client = TcpStream.connect(listener.localAddress())) {
                    poll.registry().deregister(listener);
                    Thread wake = Thread.ofPlatform().start(() -> {
                        try {
                            Thread.sleep(200);
                            waker.wake();
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
                    assertEquals(1, poll.poll(events, MioPortSupport.MUST_COME), events::toString);
                    assertEquals(WAKE, events.token(0));
                    assertTrue(events.isReadable(0));
                    wake.join();
                    acceptWithin(listener).close();
                }
            } finally {
                waker.close();
            }
        }
    }
}
