package dev.pollux.net;

import static dev.pollux.MioPortSupport.READABLE;
import static dev.pollux.MioPortSupport.READ_CLOSED;
import static dev.pollux.MioPortSupport.WRITABLE;
import static dev.pollux.MioPortSupport.WRITE_CLOSED;
import static dev.pollux.MioPortSupport.expect;
import static dev.pollux.MioPortSupport.expectEvents;
import static dev.pollux.MioPortSupport.expectNoEvents;
import static dev.pollux.MioPortSupport.onThread;
import static dev.pollux.net.UnixTestSupport.assertNonBlockingCloseOnExec;
import static dev.pollux.net.UnixTestSupport.direct;
import static dev.pollux.net.UnixTestSupport.written;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.KqueueSupport;
import dev.pollux.OpenFds;
import dev.pollux.OsException;
import dev.pollux.Poll;
import dev.pollux.Trigger;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ports of mio's {@code tests/unix_stream.rs} (the peers are the JDK's own blocking Unix domain
 * channels, as mio's are std's), plus the NIO channel contract, abstract names, peek and misuse.
 */
class UnixStreamTest {
    private static final byte[] DATA1 = "Hello same host!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA2 = "Why hello mio!".getBytes(StandardCharsets.US_ASCII);
    private static final long TOKEN_1 = 0;
    private static final long TOKEN_2 = 1;
    private static final Interest READ_WRITE = Interest.READABLE.add(Interest.WRITABLE);

    @TempDir
    Path dir;

    /**
     * mio's new_echo_listener: a JDK blocking listener that accepts one connection on another
     * thread and echoes it until end of stream (or until the connection breaks).
     */
    private static final class EchoServer implements AutoCloseable {
        final Path path;
        private final ServerSocketChannel server;
        private final CompletableFuture<Long> done;

        EchoServer(Path path) throws IOException {
            this.path = path;
            this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            this.done = onThread("echo", () -> {
                try (SocketChannel s = server.accept()) {
                    ByteBuffer buf = ByteBuffer.allocate(64);
                    long total = 0;
                    while (true) {
                        int n;
                        try {
                            n = s.read(buf.clear());
                        } catch (IOException e) {
                            return total; // reset after the peer shut down its reading half
                        }
                        if (n < 0) {
                            return total;
                        }
                        total += n;
                        buf.flip();
                        try {
                            while (buf.hasRemaining()) {
                                s.write(buf);
                            }
                        } catch (IOException e) {
                            return total; // broken pipe: the peer shut down its reading half
                        }
                    }
                }
            });
        }

        /** Waits for the connection to end; the number of bytes echoed. */
        long join() throws Exception {
            return done.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private Path path(String name) {
        return dir.resolve(name);
    }

    private static byte[] readExactly(UnixStream s, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        buf.limit(n);
        int r = s.read(buf);
        assertEquals(n, r, "bytes read");
        return written(buf);
    }

    /** mio: smoke_test, through connect(Path). */
    @Test
    void smoke() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (EchoServer server = new EchoServer(path("smoke"))) {
            smokeTest(UnixStream.connect(server.path), server);
        }
    }

    /** mio: unix_stream_connect_addr, and connecting by every address type. */
    @Test
    void smokeThroughEveryAddressType() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (EchoServer server = new EchoServer(path("by-address"))) {
            smokeTest(UnixStream.connect(UnixAddress.of(server.path)), server);
        }
        try (EchoServer server = new EchoServer(path("by-jdk-address"))) {
            smokeTest(UnixStream.connect(UnixDomainSocketAddress.of(server.path)), server);
        }
    }

    private static void smokeTest(UnixStream stream, EchoServer server) throws Exception {
        try (Poll poll = Poll.open(); stream) {
            Events events = Events.withCapacity(16);
            assertNonBlockingCloseOnExec(stream);
            poll.registry().register(stream, TOKEN_1, READ_WRITE);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE));

            ByteBuffer buf = ByteBuffer.allocate(64);
            assertEquals(0, stream.read(buf), "nothing sent yet: would block");

            assertEquals(DATA1.length, stream.write(ByteBuffer.wrap(DATA1)));
            expectEvents(poll, events, expect(TOKEN_1, READABLE));
            assertArrayEquals(DATA1, readExactly(stream, DATA1.length));
            assertNull(stream.takeError());
            assertEquals(0, stream.read(buf.clear()), "drained: would block");

            // Gathering write from direct buffers (one sendmsg), scattering read into direct ones.
            ByteBuffer[] out = {direct(DATA1), direct(DATA2)};
            assertEquals(DATA1.length + DATA2.length, stream.write(out));
            assertFalse(out[0].hasRemaining() || out[1].hasRemaining(), "positions advanced");
            expectEvents(poll, events, expect(TOKEN_1, READABLE));
            awaitAvailable(stream, DATA1.length + DATA2.length);
            ByteBuffer buf1 = ByteBuffer.allocateDirect(DATA1.length);
            ByteBuffer buf2 = ByteBuffer.allocateDirect(DATA2.length + 1);
            buf2.put(DATA2.length, (byte) 2);
            assertEquals(DATA1.length + DATA2.length, stream.read(new ByteBuffer[] {buf1, buf2}));
            assertArrayEquals(DATA1, written(buf1));
            assertArrayEquals(DATA2, written(buf2));
            assertEquals(2, buf2.get(DATA2.length), "the last byte is untouched");

            // The same with heap buffers (buffer by buffer).
            assertEquals(DATA1.length + DATA2.length,
                    stream.write(new ByteBuffer[] {ByteBuffer.wrap(DATA1), ByteBuffer.wrap(DATA2)}));
            awaitAvailable(stream, DATA1.length + DATA2.length);
            ByteBuffer heap1 = ByteBuffer.allocate(DATA1.length);
            ByteBuffer heap2 = ByteBuffer.allocate(DATA2.length + 1);
            assertEquals(DATA1.length + DATA2.length, stream.read(new ByteBuffer[] {heap1, heap2}));
            assertArrayEquals(DATA1, written(heap1));
            assertArrayEquals(DATA2, written(heap2));
        }
        assertEquals(DATA1.length + 2L * (DATA1.length + DATA2.length),
                server.join(), "bytes the server echoed");
    }

    /** Waits (peeking, without polling) until {@code n} bytes can be read at once. */
    private static void awaitAvailable(UnixStream stream, int n) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        ByteBuffer peek = ByteBuffer.allocate(n);
        while (stream.peek(peek.clear()) < n) {
            assertTrue(System.nanoTime() < deadline, "the echo did not arrive");
            UnixTestSupport.sleep(5);
        }
    }

    /** mio: unix_stream_connect. Writable once connected; readable (end of stream) once the peer closes. */
    @Test
    void connectThenPeerClose() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        Path path = path("connect");
        try (Poll poll = Poll.open();
                ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(path));
            Events events = Events.withCapacity(16);
            UnixStream stream = UnixStream.connect(path);
            CyclicBarrier barrier = new CyclicBarrier(2);
            CompletableFuture<Void> peer = onThread("peer", () -> {
                SocketChannel accepted = listener.accept();
                barrier.await(10, TimeUnit.SECONDS);
                accepted.close();
                return null;
            });
            poll.registry().register(stream, TOKEN_1, READ_WRITE);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE));

            barrier.await(10, TimeUnit.SECONDS);
            expectEvents(poll, events, expect(TOKEN_1, READABLE | READ_CLOSED));
            peer.get(10, TimeUnit.SECONDS);
            assertEquals(-1, stream.read(ByteBuffer.allocate(8)), "end of stream");
            assertEquals(-1, stream.read(ByteBuffer.allocate(8)), "end of stream is sticky");
            assertEquals(-1, stream.peek(ByteBuffer.allocate(8)), "peek sees end of stream too");
            stream.close();
        }
    }

    /** mio: unix_stream_pair. */
    @Test
    void pair() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); UnixStream.Pair pair = UnixStream.pair()) {
            Events events = Events.withCapacity(16);
            UnixStream s1 = pair.first();
            UnixStream s2 = pair.second();
            assertNonBlockingCloseOnExec(s1);
            assertNonBlockingCloseOnExec(s2);
            poll.registry().register(s1, TOKEN_1, READ_WRITE);
            poll.registry().register(s2, TOKEN_2, READ_WRITE);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE));

            ByteBuffer buf = ByteBuffer.allocate(64);
            assertEquals(0, s1.read(buf));
            assertEquals(DATA1.length, s1.write(ByteBuffer.wrap(DATA1)));
            assertArrayEquals(DATA1, readExactly(s2, DATA1.length));
            assertEquals(0, s2.read(buf));

            assertEquals(DATA2.length, s2.write(ByteBuffer.wrap(DATA2)));
            assertArrayEquals(DATA2, readExactly(s1, DATA2.length));
            assertEquals(0, s2.read(buf));

            assertTrue(s1.localAddress().isUnnamed());
            assertTrue(s1.peerAddress().isUnnamed());
            assertTrue(s2.localAddress().isUnnamed());
        }
    }

    /** Closing a pair closes both ends. */
    @Test
    void closingPairClosesBoth() throws Exception {
        UnixStream.Pair pair = UnixStream.pair();
        pair.close();
        assertFalse(pair.first().isOpen());
        assertFalse(pair.second().isOpen());
    }

    /** mio: unix_stream_peer_addr. */
    @Test
    void peerAddress() throws Exception {
        try (EchoServer server = new EchoServer(path("peer-addr"))) {
            try (UnixStream stream = UnixStream.connect(server.path)) {
                assertEquals(server.path, stream.peerAddress().pathname());
                assertEquals(UnixAddress.of(server.path), stream.peerAddress());
                assertNull(stream.localAddress().pathname());
                assertTrue(stream.localAddress().isUnnamed());
            }
            server.join();
        }
    }

    /** mio: unix_stream_shutdown_read. Read-closed event; Linux still reads what had arrived, then -1. */
    @Test
    void shutdownRead() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); EchoServer server = new EchoServer(path("shutdown-read"))) {
            Events events = Events.withCapacity(16);
            UnixStream stream = UnixStream.connect(server.path);
            poll.registry().register(stream, TOKEN_1, READ_WRITE);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE));

            assertEquals(DATA1.length, stream.write(ByteBuffer.wrap(DATA1)));
            expectEvents(poll, events, expect(TOKEN_1, READABLE));

            stream.shutdownInput();
            expectEvents(poll, events, expect(TOKEN_1, READ_CLOSED));
            assertArrayEquals(DATA1, readExactly(stream, DATA1.length));
            assertEquals(-1, stream.read(ByteBuffer.allocate(64)));
            stream.close();
            server.join();
        }
    }

    /** mio: unix_stream_shutdown_write. Writes fail with EPIPE; reading still works. */
    @Test
    void shutdownWrite() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); EchoServer server = new EchoServer(path("shutdown-write"))) {
            Events events = Events.withCapacity(16);
            UnixStream stream = UnixStream.connect(server.path);
            poll.registry().register(stream, TOKEN_1, READ_WRITE);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE));

            assertEquals(DATA1.length, stream.write(ByteBuffer.wrap(DATA1)));
            expectEvents(poll, events, expect(TOKEN_1, READABLE));

            stream.shutdownOutput();
            OsException e = assertThrows(OsException.class, () -> stream.write(ByteBuffer.wrap(DATA2)));
            assertEquals("EPIPE", e.codeName());

            assertArrayEquals(DATA1, readExactly(stream, DATA1.length));
            // The server saw end of stream and closed: the stream now reads end of stream.
            assertEquals(DATA1.length, server.join());
            expectEvents(poll, events, expect(TOKEN_1, READ_CLOSED));
            assertEquals(-1, stream.read(ByteBuffer.allocate(64)));
            stream.close();
        }
    }

    /** mio: unix_stream_shutdown_both. Write-closed event; writes fail with EPIPE. */
    @Test
    void shutdownBoth() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); EchoServer server = new EchoServer(path("shutdown-both"))) {
            Events events = Events.withCapacity(16);
            UnixStream stream = UnixStream.connect(server.path);
            poll.registry().register(stream, TOKEN_1, READ_WRITE);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE));

            assertEquals(DATA1.length, stream.write(ByteBuffer.wrap(DATA1)));
            expectEvents(poll, events, expect(TOKEN_1, READABLE));

            stream.shutdown();
            expectEvents(poll, events, expect(TOKEN_1, WRITE_CLOSED));
            OsException e = assertThrows(OsException.class, () -> stream.write(ByteBuffer.wrap(DATA2)));
            assertEquals("EPIPE", e.codeName());
            stream.close();
            server.join();
        }
    }

    /** mio: unix_stream_shutdown_listener_write. The peer shutting down its writing half gives read-closed. */
    @Test
    void peerShutdownWriteGivesReadClosed() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        Path path = path("listener-write");
        try (Poll poll = Poll.open();
                ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(path));
            Events events = Events.withCapacity(16);
            CyclicBarrier barrier = new CyclicBarrier(2);
            CompletableFuture<Void> peer = onThread("noop-listener", () -> {
                try (SocketChannel accepted = listener.accept()) {
                    barrier.await(10, TimeUnit.SECONDS);
                    accepted.shutdownOutput();
                    barrier.await(10, TimeUnit.SECONDS);
                }
                return null;
            });
            try (UnixStream stream = UnixStream.connect(path)) {
                poll.registry().register(stream, TOKEN_1, READ_WRITE);
                expectEvents(poll, events, expect(TOKEN_1, WRITABLE));
                barrier.await(10, TimeUnit.SECONDS);
                expectEvents(poll, events, expect(TOKEN_1, READ_CLOSED));
                assertEquals(-1, stream.read(ByteBuffer.allocate(8)));
                // Only the peer's writing half is shut: this side can still write.
                assertEquals(DATA1.length, stream.write(ByteBuffer.wrap(DATA1)));
                barrier.await(10, TimeUnit.SECONDS);
            }
            peer.get(10, TimeUnit.SECONDS);
        }
    }

    /** mio: unix_stream_register. Registered for reading with nothing sent: no event. */
    @Test
    void register() throws Exception {
        try (Poll poll = Poll.open(); EchoServer server = new EchoServer(path("register"))) {
            Events events = Events.withCapacity(16);
            try (UnixStream stream = UnixStream.connect(server.path)) {
                poll.registry().register(stream, TOKEN_1, Interest.READABLE);
                expectNoEvents(poll, events);
            }
            server.join();
        }
    }

    /** mio: unix_stream_reregister. */
    @Test
    void reregister() throws Exception {
        try (Poll poll = Poll.open(); EchoServer server = new EchoServer(path("reregister"))) {
            Events events = Events.withCapacity(16);
            try (UnixStream stream = UnixStream.connect(server.path)) {
                poll.registry().register(stream, TOKEN_1, Interest.READABLE);
                poll.registry().reregister(stream, TOKEN_1, Interest.WRITABLE);
                expectEvents(poll, events, expect(TOKEN_1, WRITABLE));
            }
            server.join();
        }
    }

    /** mio: unix_stream_deregister. No event after deregister returns, even with data waiting. */
    @Test
    void deregister() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); UnixStream.Pair pair = UnixStream.pair()) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.first(), TOKEN_1, READ_WRITE);
            poll.registry().deregister(pair.first());
            pair.second().write(ByteBuffer.wrap(DATA1));
            expectNoEvents(poll, events);
            // Registering again works and reports the waiting data.
            poll.registry().register(pair.first(), TOKEN_1, Interest.READABLE);
            expectEvents(poll, events, expect(TOKEN_1, READABLE));
        }
    }

    /** Closing a registered stream deregisters it: no event for its token after close. */
    @Test
    void noEventAfterClose() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); UnixStream.Pair pair = UnixStream.pair()) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.first(), TOKEN_1, READ_WRITE);
            pair.second().write(ByteBuffer.wrap(DATA1));
            pair.first().close();
            expectNoEvents(poll, events);
        }
    }

    /** Edge-triggered (the default): one event per arrival; draining to would-block re-arms it. */
    @Test
    void edgeTriggeredRearmsAfterDrain() throws Exception {
        try (Poll poll = Poll.open(); UnixStream.Pair pair = UnixStream.pair()) {
            Events events = Events.withCapacity(16);
            UnixStream reader = pair.first();
            poll.registry().register(reader, TOKEN_1, Interest.READABLE, Trigger.EDGE);
            for (int round = 0; round < 3; round++) {
                pair.second().write(ByteBuffer.wrap(DATA1));
                expectEvents(poll, events, expect(TOKEN_1, READABLE));
                expectNoEvents(poll, events); // no new arrival, no new event, though unread
                ByteBuffer buf = ByteBuffer.allocate(4);
                int total = 0;
                int n;
                while ((n = reader.read(buf.clear())) > 0) {
                    total += n;
                }
                assertEquals(0, n, "drained until would block");
                assertEquals(DATA1.length, total);
                expectNoEvents(poll, events);
            }
        }
    }

    /** Level-triggered: the event repeats while data is unread. */
    @Test
    void levelTriggeredRepeatsUntilRead() throws Exception {
        try (Poll poll = Poll.open(); UnixStream.Pair pair = UnixStream.pair()) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.first(), TOKEN_1, Interest.READABLE, Trigger.LEVEL);
            pair.second().write(ByteBuffer.wrap(DATA1));
            expectEvents(poll, events, expect(TOKEN_1, READABLE));
            expectEvents(poll, events, expect(TOKEN_1, READABLE));
            readExactly(pair.first(), DATA1.length);
            expectNoEvents(poll, events);
        }
    }

    /** Peek copies without consuming; 0 when nothing has arrived; position honoured. */
    @Test
    void peek() throws Exception {
        try (UnixStream.Pair pair = UnixStream.pair()) {
            UnixStream a = pair.first();
            UnixStream b = pair.second();
            assertEquals(0, b.peek(ByteBuffer.allocate(8)), "nothing yet: would block");
            a.write(ByteBuffer.wrap(DATA1));
            ByteBuffer p = ByteBuffer.allocate(32);
            p.position(3);
            assertEquals(DATA1.length, b.peek(p));
            assertEquals(3 + DATA1.length, p.position());
            assertArrayEquals(DATA1, Arrays.copyOfRange(p.array(), 3, 3 + DATA1.length));
            assertEquals(5, b.peek(ByteBuffer.allocateDirect(5)), "a smaller buffer peeks a prefix");
            assertEquals(0, b.peek(ByteBuffer.allocate(0)), "no room: 0");
            assertArrayEquals(DATA1, readExactly(b, DATA1.length), "peek consumed nothing");
            assertEquals(0, b.peek(ByteBuffer.allocate(8)));
            assertThrows(IllegalArgumentException.class, () -> b.peek(ByteBuffer.allocate(8).asReadOnlyBuffer()));
        }
    }

    /** MemorySegment overloads, heap and native, read and write. */
    @Test
    void memorySegments() throws Exception {
        try (UnixStream.Pair pair = UnixStream.pair(); Arena arena = Arena.ofConfined()) {
            UnixStream a = pair.first();
            UnixStream b = pair.second();
            assertEquals(DATA1.length, a.write(arena.allocateFrom(ValueLayout.JAVA_BYTE, DATA1)));
            MemorySegment nativeDst = arena.allocate(64);
            assertEquals(DATA1.length, b.read(nativeDst));
            assertArrayEquals(DATA1, nativeDst.asSlice(0, DATA1.length).toArray(ValueLayout.JAVA_BYTE));

            assertEquals(DATA2.length, b.write(MemorySegment.ofArray(DATA2.clone())));
            byte[] heap = new byte[64];
            assertEquals(DATA2.length, a.read(MemorySegment.ofArray(heap)));
            assertArrayEquals(DATA2, Arrays.copyOf(heap, DATA2.length));

            assertEquals(0, a.read(arena.allocate(8)), "would block");
            b.close();
            assertEquals(-1, a.read(arena.allocate(8)), "end of stream");
            assertThrows(IllegalArgumentException.class, () -> a.read(MemorySegment.ofArray(new byte[8]).asReadOnly()));
        }
    }

    /** Writing until would-block returns 0, and the writable event comes back once the peer reads. */
    @Test
    void writeWouldBlockThenWritableAgain() throws Exception {
        try (Poll poll = Poll.open(); UnixStream.Pair pair = UnixStream.pair()) {
            Events events = Events.withCapacity(16);
            UnixStream writer = pair.first();
            poll.registry().register(writer, TOKEN_1, Interest.WRITABLE);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE));
            ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
            long total = 0;
            int n;
            while ((n = writer.write(chunk.clear())) > 0) {
                total += n;
            }
            assertEquals(0, n);
            assertTrue(total > 0);
            expectNoEvents(poll, events);
            ByteBuffer sink = ByteBuffer.allocateDirect(64 * 1024);
            long drained = 0;
            while ((n = pair.second().read(sink.clear())) > 0) {
                drained += n;
            }
            assertEquals(total, drained, "every byte written arrives");
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE));
        }
    }

    /** A peer that closed: writes fail with EPIPE (or ECONNRESET), never SIGPIPE. */
    @Test
    void writeAfterPeerClosed() throws Exception {
        try (UnixStream.Pair pair = UnixStream.pair()) {
            pair.second().close();
            OsException e = assertThrows(OsException.class, () -> pair.first().write(ByteBuffer.wrap(DATA1)));
            assertTrue(e.codeName().equals("EPIPE") || e.codeName().equals("ECONNRESET"), e.getMessage());
        }
    }

    /** Abstract names: connect, and both ends report the name (round trip through the kernel). */
    @Test
    void abstractAddress() throws Exception {
        UnixAddress name = UnixAddress.ofAbstract(UnixTestSupport.uniqueAbstractName("stream"));
        try (Poll poll = Poll.open(); UnixListener listener = UnixListener.bind(name)) {
            Events events = Events.withCapacity(16);
            assertEquals(name, listener.localAddress());
            try (UnixStream client = UnixStream.connect(name)) {
                poll.registry().register(listener, TOKEN_1, Interest.READABLE);
                expectEvents(poll, events, expect(TOKEN_1, READABLE));
                try (UnixStream accepted = listener.accept()) {
                    assertNotNull(accepted);
                    assertEquals(name, client.peerAddress());
                    assertTrue(client.peerAddress().isAbstract());
                    assertArrayEquals(name.abstractName(), client.peerAddress().abstractName());
                    assertEquals(name, accepted.localAddress());
                    assertTrue(accepted.peerAddress().isUnnamed());
                    client.write(ByteBuffer.wrap(DATA1));
                    awaitAvailable(accepted, DATA1.length);
                    assertArrayEquals(DATA1, readExactly(accepted, DATA1.length));
                }
            }
        }
        // The name is gone with the listener: nothing listens there any more.
        assertThrows(ConnectException.class, () -> UnixStream.connect(name));
    }

    /** Connecting where nobody listens: ConnectException; to a missing path: ENOENT. */
    @Test
    void connectFailures() throws Exception {
        int before = OpenFds.count();
        OsException missing = assertThrows(OsException.class, () -> UnixStream.connect(path("missing")));
        assertEquals("ENOENT", missing.codeName());
        assertEquals("connect", missing.call());

        // A socket file nobody listens on any more (mio and std never unlink it).
        Path stale = path("stale");
        UnixListener.bind(stale).close();
        assertTrue(Files.exists(stale), "close leaves the socket file");
        ConnectException refused = assertThrows(ConnectException.class, () -> UnixStream.connect(stale));
        assertInstanceOf(OsException.class, refused.getCause());
        assertEquals("ECONNREFUSED", ((OsException) refused.getCause()).codeName());
        OpenFds.assertBackTo(before, "failed connects");
    }

    /** Misuse: null, unnamed or too-long addresses fail before a descriptor is made. */
    @Test
    void badAddresses() throws Exception {
        int before = OpenFds.count();
        assertThrows(NullPointerException.class, () -> UnixStream.connect((Path) null));
        assertThrows(NullPointerException.class, () -> UnixStream.connect((UnixAddress) null));
        assertThrows(NullPointerException.class, () -> UnixStream.connect((UnixDomainSocketAddress) null));
        assertThrows(IllegalArgumentException.class, () -> UnixStream.connect(UnixAddress.unnamed()));
        Path tooLong = UnixTestSupport.pathOfLength(dir, UnixTestSupport.MAX_NAME_BYTES + 1);
        assertThrows(IllegalArgumentException.class, () -> UnixStream.connect(tooLong));
        byte[] longName = new byte[UnixTestSupport.MAX_NAME_BYTES + 1];
        assertThrows(IllegalArgumentException.class, () -> UnixStream.connect(UnixAddress.ofAbstract(longName)));
        OpenFds.assertBackTo(before, "rejected addresses");
    }

    /** Use after close: ClosedChannelException from every call; close is idempotent. */
    @Test
    void useAfterClose() throws Exception {
        UnixStream.Pair pair = UnixStream.pair();
        UnixStream s = pair.first();
        s.close();
        s.close();
        assertFalse(s.isOpen());
        try (Poll poll = Poll.open(); Arena arena = Arena.ofConfined()) {
            Executable[] calls = {
                () -> s.read(ByteBuffer.allocate(8)),
                () -> s.read(ByteBuffer.allocate(0)),
                () -> s.read(new ByteBuffer[] {ByteBuffer.allocateDirect(8)}),
                () -> s.read(arena.allocate(8)),
                () -> s.write(ByteBuffer.wrap(DATA1)),
                () -> s.write(ByteBuffer.allocate(0)),
                () -> s.write(new ByteBuffer[] {direct(DATA1)}),
                () -> s.write(arena.allocate(8)),
                () -> s.peek(ByteBuffer.allocate(8)),
                s::shutdown,
                s::shutdownInput,
                s::shutdownOutput,
                s::takeError,
                s::localAddress,
                s::peerAddress,
                () -> s.getOption(java.net.StandardSocketOptions.SO_RCVBUF),
                () -> poll.registry().register(s, TOKEN_1, Interest.READABLE),
            };
            for (Executable call : calls) {
                assertThrows(ClosedChannelException.class, call);
            }
        }
        pair.close();
    }

    /** Socket options work on Unix streams (the buffer sizes). */
    @Test
    void socketOptions() throws Exception {
        try (UnixStream.Pair pair = UnixStream.pair()) {
            pair.first().setOption(java.net.StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            assertTrue(pair.first().getOption(java.net.StandardSocketOptions.SO_SNDBUF) >= 64 * 1024);
        }
    }

    /** No descriptor leaks: connect, accept, pair, close, many times. */
    @Test
    void noDescriptorLeaks() throws Exception {
        Path path = path("leaks");
        try (UnixListener listener = UnixListener.bind(path)) {
            int before = OpenFds.count();
            for (int i = 0; i < 100; i++) {
                try (UnixStream client = UnixStream.connect(path)) {
                    UnixStream accepted = awaitAccept(listener);
                    accepted.close();
                }
                UnixStream.pair().close();
            }
            OpenFds.assertBackTo(before, "100 connections and pairs");
        }
    }

    static UnixStream awaitAccept(UnixListener listener) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        UnixStream s;
        while ((s = listener.accept()) == null) {
            assertTrue(System.nanoTime() < deadline, "no connection to accept");
            UnixTestSupport.sleep(1);
        }
        return s;
    }
}
