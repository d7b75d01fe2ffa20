package dev.pollux.net;

import static dev.pollux.MioPortSupport.READABLE;
import static dev.pollux.MioPortSupport.READ_CLOSED;
import static dev.pollux.MioPortSupport.WRITABLE;
import static dev.pollux.MioPortSupport.WRITE_CLOSED;
import static dev.pollux.MioPortSupport.expect;
import static dev.pollux.MioPortSupport.expectEvents;
import static dev.pollux.MioPortSupport.expectNoEvents;
import static dev.pollux.net.UnixTestSupport.assertNonBlockingCloseOnExec;
import static dev.pollux.net.UnixTestSupport.written;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.KqueueSupport;
import dev.pollux.OpenFds;
import dev.pollux.OsException;
import dev.pollux.Poll;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.BindException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ports of mio's {@code tests/unix_datagram.rs}, plus unbound and abstract senders, truncation,
 * empty datagrams, segments, would-block and re-arm, and misuse.
 */
class UnixDatagramTest {
    private static final byte[] DATA1 = "Hello same host!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA2 = "Why hello mio!".getBytes(StandardCharsets.US_ASCII);
    private static final long TOKEN_1 = 0;
    private static final long TOKEN_2 = 1;
    private static final Interest READ_WRITE = Interest.READABLE.add(Interest.WRITABLE);

    @TempDir
    Path dir;

    /** mio: unix_datagram_smoke_unconnected. */
    @Test
    void smokeUnconnected() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        Path path1 = dir.resolve("unconnected1");
        Path path2 = dir.resolve("unconnected2");
        try (Poll poll = Poll.open();
                UnixDatagram d1 = UnixDatagram.bind(path1);
                UnixDatagram d2 = UnixDatagram.bind(UnixDomainSocketAddress.of(path2))) {
            Events events = Events.withCapacity(16);
            assertNonBlockingCloseOnExec(d1);
            assertNonBlockingCloseOnExec(d2);
            UnixAddress addr1 = d1.localAddress();
            UnixAddress addr2 = d2.localAddress();
            assertEquals(path1, addr1.pathname());
            assertEquals(path2, addr2.pathname());

            poll.registry().register(d1, TOKEN_1, READ_WRITE);
            poll.registry().register(d2, TOKEN_2, READ_WRITE);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE), expect(TOKEN_2, WRITABLE));

            ByteBuffer buf = ByteBuffer.allocate(64);
            assertNull(d1.receive(buf), "nothing sent: would block");
            assertNull(d2.receive(buf));
            assertEquals(0, buf.position());

            assertEquals(DATA1.length, d1.send(ByteBuffer.wrap(DATA1), addr2));
            assertEquals(DATA2.length, d2.send(ByteBuffer.wrap(DATA2), UnixAddress.of(path1)));
            expectEvents(poll, events, expect(TOKEN_1, READABLE), expect(TOKEN_2, READABLE));

            assertEquals(addr2, d1.receive(buf.clear()));
            assertArrayEquals(DATA2, written(buf));
            assertEquals(addr1, d2.receive(buf.clear()));
            assertArrayEquals(DATA1, written(buf));

            assertNull(d1.takeError());
            assertNull(d2.takeError());
        }
    }

    /** mio: unix_datagram_smoke_connected. */
    @Test
    void smokeConnected() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        Path path1 = dir.resolve("connected1");
        Path path2 = dir.resolve("connected2");
        try (Poll poll = Poll.open();
                UnixDatagram d1 = UnixDatagram.bind(UnixAddress.of(path1));
                UnixDatagram d2 = UnixDatagram.bind(path2)) {
            Events events = Events.withCapacity(16);
            d1.connect(path2);
            d2.connect(UnixDomainSocketAddress.of(path1));
            assertEquals(d1.localAddress(), d2.peerAddress());
            assertEquals(d2.localAddress(), d1.peerAddress());
            assertEquals(path1, d2.peerAddress().pathname());

            poll.registry().register(d1, TOKEN_1, READ_WRITE);
            poll.registry().register(d2, TOKEN_2, READ_WRITE);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE), expect(TOKEN_2, WRITABLE));

            ByteBuffer buf = ByteBuffer.allocate(64);
            assertEquals(0, d1.read(buf), "nothing sent: would block");
            assertEquals(0, d2.read(buf));

            assertEquals(DATA1.length, d1.write(ByteBuffer.wrap(DATA1)));
            assertEquals(DATA2.length, d2.write(ByteBuffer.wrap(DATA2)));
            expectEvents(poll, events, expect(TOKEN_1, READABLE), expect(TOKEN_2, READABLE));

            assertEquals(DATA2.length, d1.read(buf.clear()));
            assertArrayEquals(DATA2, written(buf));
            assertEquals(DATA1.length, d2.read(buf.clear()));
            assertArrayEquals(DATA1, written(buf));

            assertNull(d1.takeError());
            assertNull(d2.takeError());
        }
    }

    /** mio: unix_datagram_connect. A socket may connect to itself. */
    @Test
    void connectToSelf() throws Exception {
        try (UnixDatagram d1 = UnixDatagram.bind(dir.resolve("self1"));
                UnixDatagram d2 = UnixDatagram.bind(dir.resolve("self2"))) {
            d1.connect(d1.localAddress().pathname());
            d2.connect(d2.localAddress());
            assertEquals(DATA1.length, d1.write(ByteBuffer.wrap(DATA1)));
            ByteBuffer buf = ByteBuffer.allocate(64);
            assertEquals(d1.localAddress(), d1.receive(buf));
            assertArrayEquals(DATA1, written(buf));
        }
    }

    /** mio: unix_datagram_pair. */
    @Test
    void pair() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); UnixDatagram.Pair pair = UnixDatagram.pair()) {
            Events events = Events.withCapacity(16);
            UnixDatagram d1 = pair.first();
            UnixDatagram d2 = pair.second();
            assertNonBlockingCloseOnExec(d1);
            poll.registry().register(d1, TOKEN_1, READ_WRITE);
            poll.registry().register(d2, TOKEN_2, READ_WRITE);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE), expect(TOKEN_2, WRITABLE));

            ByteBuffer buf = ByteBuffer.allocate(64);
            assertEquals(0, d1.read(buf));
            assertEquals(0, d2.read(buf));
            assertEquals(DATA1.length, d1.write(ByteBuffer.wrap(DATA1)));
            assertEquals(DATA2.length, d2.write(ByteBuffer.wrap(DATA2)));
            expectEvents(poll, events, expect(TOKEN_1, READABLE), expect(TOKEN_2, READABLE));

            assertEquals(DATA2.length, d1.read(buf.clear()));
            assertArrayEquals(DATA2, written(buf));
            assertTrue(d2.receive(buf.clear()).isUnnamed(), "a pair end is unnamed");
            assertArrayEquals(DATA1, written(buf));
            assertTrue(d1.peerAddress().isUnnamed());
            assertNull(d1.takeError());
            assertNull(d2.takeError());
        }
    }

    /** mio: unix_datagram_shutdown. Read-closed, then write-closed events; sends fail with EPIPE. */
    @Test
    void shutdown() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        Path path1 = dir.resolve("shutdown1");
        Path path2 = dir.resolve("shutdown2");
        try (Poll poll = Poll.open();
                UnixDatagram d1 = UnixDatagram.bind(path1);
                UnixDatagram d2 = UnixDatagram.bind(path2)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(d1, TOKEN_1, READ_WRITE);
            poll.registry().register(d2, TOKEN_2, READ_WRITE);
            d1.connect(path2);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE));

            assertEquals(DATA1.length, d1.write(ByteBuffer.wrap(DATA1)));
            expectEvents(poll, events, expect(TOKEN_2, READABLE));

            d1.shutdownInput();
            expectEvents(poll, events, expect(TOKEN_1, READ_CLOSED));
            d1.shutdownOutput();
            expectEvents(poll, events, expect(TOKEN_1, WRITE_CLOSED));

            OsException e = assertThrows(OsException.class, () -> d1.write(ByteBuffer.wrap(DATA2)));
            assertEquals("EPIPE", e.codeName());
            OsException e2 = assertThrows(OsException.class, () -> d1.send(ByteBuffer.wrap(DATA2), UnixAddress.of(path2)));
            assertEquals("EPIPE", e2.codeName());
            assertNull(d1.takeError());
        }
    }

    /** shutdown() shuts both halves at once. */
    @Test
    void shutdownBoth() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); UnixDatagram.Pair pair = UnixDatagram.pair()) {
            Events events = Events.withCapacity(16);
            poll.registry().register(pair.first(), TOKEN_1, READ_WRITE);
            pair.first().shutdown();
            expectEvents(poll, events, NetSupport.expectReadAndWriteClosed(TOKEN_1));
            assertThrows(OsException.class, () -> pair.first().write(ByteBuffer.wrap(DATA1)));
        }
    }

    /** mio: unix_datagram_register. */
    @Test
    void register() throws Exception {
        try (Poll poll = Poll.open(); UnixDatagram d = UnixDatagram.bind(dir.resolve("register"))) {
            poll.registry().register(d, TOKEN_1, Interest.READABLE);
            expectNoEvents(poll, Events.withCapacity(16));
        }
    }

    /** mio: unix_datagram_reregister. */
    @Test
    void reregister() throws Exception {
        Path path1 = dir.resolve("reregister1");
        try (Poll poll = Poll.open();
                UnixDatagram d1 = UnixDatagram.bind(path1);
                UnixDatagram d2 = UnixDatagram.bind(dir.resolve("reregister2"))) {
            Events events = Events.withCapacity(16);
            poll.registry().register(d1, TOKEN_1, Interest.READABLE);
            d2.connect(path1);
            poll.registry().reregister(d1, TOKEN_1, Interest.WRITABLE);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE));
        }
    }

    /** mio: unix_datagram_deregister; no event after deregister, even with a datagram waiting. */
    @Test
    void deregister() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        Path path1 = dir.resolve("deregister1");
        try (Poll poll = Poll.open();
                UnixDatagram d1 = UnixDatagram.bind(path1);
                UnixDatagram d2 = UnixDatagram.bind(dir.resolve("deregister2"))) {
            Events events = Events.withCapacity(16);
            poll.registry().register(d1, TOKEN_1, READ_WRITE);
            d2.connect(path1);
            poll.registry().deregister(d1);
            d2.write(ByteBuffer.wrap(DATA1));
            expectNoEvents(poll, events);
        }
    }

    /** An unbound socket: unnamed locally, its datagrams arrive from an unnamed sender. */
    @Test
    void unboundSender() throws Exception {
        Path path = dir.resolve("receiver");
        try (UnixDatagram receiver = UnixDatagram.bind(path); UnixDatagram sender = UnixDatagram.unbound()) {
            assertNonBlockingCloseOnExec(sender);
            assertTrue(sender.localAddress().isUnnamed());
            assertThrows(NotYetConnectedException.class, sender::peerAddress);
            assertThrows(NotYetConnectedException.class, () -> sender.write(ByteBuffer.wrap(DATA1)));
            assertEquals(DATA1.length, sender.send(ByteBuffer.wrap(DATA1), UnixAddress.of(path)));
            ByteBuffer buf = ByteBuffer.allocate(64);
            UnixAddress from = receiver.receive(buf);
            assertTrue(from.isUnnamed(), "sender: " + from);
            assertArrayEquals(DATA1, written(buf));

            sender.connect(path);
            assertEquals(UnixAddress.of(path), sender.peerAddress());
            assertEquals(DATA2.length, sender.write(ByteBuffer.wrap(DATA2)));
            assertTrue(receiver.receive(buf.clear()).isUnnamed());
            assertArrayEquals(DATA2, written(buf));
        }
    }

    /** Abstract names: bind, the local address round-trips, senders are reported by name. */
    @Test
    void abstractAddresses() throws Exception {
        UnixAddress name1 = UnixAddress.ofAbstract(UnixTestSupport.uniqueAbstractName("dgram1"));
        UnixAddress name2 = UnixAddress.ofAbstract(UnixTestSupport.uniqueAbstractName("dgram2"));
        try (UnixDatagram d1 = UnixDatagram.bind(name1); UnixDatagram d2 = UnixDatagram.bind(name2)) {
            assertEquals(name1, d1.localAddress());
            assertTrue(d1.localAddress().isAbstract());
            assertEquals(DATA1.length, d1.send(ByteBuffer.wrap(DATA1), name2));
            ByteBuffer buf = ByteBuffer.allocate(64);
            assertEquals(name1, d2.receive(buf));
            assertArrayEquals(DATA1, written(buf));
            d2.connect(name1);
            assertEquals(name1, d2.peerAddress());
        }
    }

    /** A datagram longer than the buffer is truncated and the rest discarded; the next one is whole. */
    @Test
    void truncation() throws Exception {
        try (UnixDatagram.Pair pair = UnixDatagram.pair()) {
            pair.first().write(ByteBuffer.wrap(DATA1));
            pair.first().write(ByteBuffer.wrap(DATA2));
            ByteBuffer small = ByteBuffer.allocate(5);
            assertEquals(5, pair.second().read(small));
            assertArrayEquals(Arrays.copyOf(DATA1, 5), written(small));
            ByteBuffer buf = ByteBuffer.allocate(64);
            assertEquals(DATA2.length, pair.second().read(buf), "the rest of the first datagram is gone");
            assertArrayEquals(DATA2, written(buf));
        }
    }

    /** An empty datagram is sent and received (receive tells it from would-block). */
    @Test
    void emptyDatagram() throws Exception {
        Path path = dir.resolve("empty");
        try (UnixDatagram receiver = UnixDatagram.bind(path); UnixDatagram sender = UnixDatagram.bind(dir.resolve("s"))) {
            assertEquals(0, sender.send(ByteBuffer.allocate(0), UnixAddress.of(path)));
            ByteBuffer buf = ByteBuffer.allocate(8);
            assertEquals(sender.localAddress(), receiver.receive(buf), "the empty datagram arrived");
            assertEquals(0, buf.position());
            assertNull(receiver.receive(buf), "and nothing else");
        }
    }

    /** MemorySegment overloads: send, write and read, heap and native. */
    @Test
    void memorySegments() throws Exception {
        Path path = dir.resolve("segments");
        try (UnixDatagram receiver = UnixDatagram.bind(path);
                UnixDatagram sender = UnixDatagram.unbound();
                Arena arena = Arena.ofConfined()) {
            assertEquals(DATA1.length, sender.send(arena.allocateFrom(ValueLayout.JAVA_BYTE, DATA1), UnixAddress.of(path)));
            MemorySegment dst = arena.allocate(64);
            assertEquals(DATA1.length, receiver.read(dst));
            assertArrayEquals(DATA1, dst.asSlice(0, DATA1.length).toArray(ValueLayout.JAVA_BYTE));

            sender.connect(path);
            assertEquals(DATA2.length, sender.write(MemorySegment.ofArray(DATA2.clone())));
            byte[] heap = new byte[64];
            assertEquals(DATA2.length, receiver.read(MemorySegment.ofArray(heap)));
            assertArrayEquals(DATA2, Arrays.copyOf(heap, DATA2.length));
            assertEquals(0, receiver.read(arena.allocate(8)), "would block");
            assertThrows(IllegalArgumentException.class,
                    () -> receiver.read(MemorySegment.ofArray(new byte[8]).asReadOnly()));
        }
    }

    /**
     * Sending until the peer's queue is full returns 0 (would block); once the peer drains it, the
     * sender gets a writable event (edge-triggered re-arm).
     */
    @Test
    void sendWouldBlockThenWritableAgain() throws Exception {
        try (Poll poll = Poll.open(); UnixDatagram.Pair pair = UnixDatagram.pair()) {
            Events events = Events.withCapacity(16);
            UnixDatagram sender = pair.first();
            poll.registry().register(sender, TOKEN_1, Interest.WRITABLE);
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE));
            int sent = 0;
            int n;
            while ((n = sender.write(ByteBuffer.wrap(DATA1))) > 0) {
                assertEquals(DATA1.length, n, "a datagram goes whole");
                sent++;
            }
            assertEquals(0, n);
            assertTrue(sent > 0);
            expectNoEvents(poll, events);
            int received = 0;
            ByteBuffer buf = ByteBuffer.allocate(64);
            while (pair.second().read(buf.clear()) > 0) {
                received++;
            }
            assertEquals(sent, received, "every datagram sent arrives");
            expectEvents(poll, events, expect(TOKEN_1, WRITABLE));
        }
    }

    /** Binding an existing path fails; nothing is unlinked. */
    @Test
    void bindExistingPath() throws Exception {
        Path path = dir.resolve("exists");
        try (UnixDatagram first = UnixDatagram.bind(path)) {
            assertThrows(BindException.class, () -> UnixDatagram.bind(path));
        }
        assertTrue(Files.exists(path));
        assertThrows(BindException.class, () -> UnixDatagram.bind(path));
    }

    /** Connecting or sending where no socket is bound fails with the OS error. */
    @Test
    void unreachablePeers() throws Exception {
        Path stale = dir.resolve("stale");
        UnixDatagram.bind(stale).close();
        try (UnixDatagram d = UnixDatagram.unbound()) {
            assertThrows(ConnectException.class, () -> d.connect(stale));
            IOException refused = assertThrows(IOException.class, () -> d.send(ByteBuffer.wrap(DATA1), UnixAddress.of(stale)));
            assertEquals("ECONNREFUSED", ((OsException) (refused instanceof OsException ? refused : refused.getCause())).codeName());
            OsException missing = assertThrows(OsException.class,
                    () -> d.send(ByteBuffer.wrap(DATA1), UnixAddress.of(dir.resolve("missing"))));
            assertEquals("ENOENT", missing.codeName());
            assertTrue(d.isOpen(), "a failed send leaves the socket usable");
        }
    }

    /** Misuse: nulls, unnamed and too-long addresses, read-only buffers. */
    @Test
    void badArguments() throws Exception {
        int before = OpenFds.count();
        assertThrows(NullPointerException.class, () -> UnixDatagram.bind((Path) null));
        assertThrows(NullPointerException.class, () -> UnixDatagram.bind((UnixAddress) null));
        assertThrows(NullPointerException.class, () -> UnixDatagram.bind((UnixDomainSocketAddress) null));
        assertThrows(IllegalArgumentException.class, () -> UnixDatagram.bind(UnixAddress.unnamed()));
        Path tooLong = UnixTestSupport.pathOfLength(dir, UnixTestSupport.MAX_NAME_BYTES + 1);
        assertThrows(IllegalArgumentException.class, () -> UnixDatagram.bind(tooLong));
        OpenFds.assertBackTo(before, "rejected binds");
        try (UnixDatagram d = UnixDatagram.unbound()) {
            assertThrows(NullPointerException.class, () -> d.connect((Path) null));
            assertThrows(NullPointerException.class, () -> d.send(ByteBuffer.wrap(DATA1), null));
            assertThrows(IllegalArgumentException.class, () -> d.send(ByteBuffer.wrap(DATA1), UnixAddress.unnamed()));
            assertThrows(IllegalArgumentException.class, () -> d.send(ByteBuffer.wrap(DATA1), UnixAddress.of(tooLong)));
            assertThrows(IllegalArgumentException.class, () -> d.connect(tooLong));
            assertThrows(IllegalArgumentException.class, () -> d.receive(ByteBuffer.allocate(8).asReadOnlyBuffer()));
            assertThrows(IllegalArgumentException.class, () -> d.read(ByteBuffer.allocate(8).asReadOnlyBuffer()));
            assertTrue(d.isOpen());
        }
    }

    /** Use after close: ClosedChannelException from every call. */
    @Test
    void useAfterClose() throws Exception {
        Path path = dir.resolve("closed-peer");
        try (Poll poll = Poll.open(); UnixDatagram peer = UnixDatagram.bind(path); Arena arena = Arena.ofConfined()) {
            UnixDatagram d = UnixDatagram.unbound();
            d.close();
            d.close();
            assertFalse(d.isOpen());
            Executable[] calls = {
                () -> d.send(ByteBuffer.wrap(DATA1), UnixAddress.of(path)),
                () -> d.send(arena.allocate(4), UnixAddress.of(path)),
                () -> d.receive(ByteBuffer.allocate(8)),
                () -> d.read(ByteBuffer.allocate(8)),
                () -> d.read(arena.allocate(8)),
                () -> d.write(ByteBuffer.wrap(DATA1)),
                () -> d.write(arena.allocate(4)),
                () -> d.connect(path),
                d::shutdown,
                d::shutdownInput,
                d::shutdownOutput,
                d::takeError,
                d::localAddress,
                d::peerAddress,
                () -> poll.registry().register(d, TOKEN_1, Interest.READABLE),
            };
            for (Executable call : calls) {
                assertThrows(ClosedChannelException.class, call);
            }
        }
    }

    /** No descriptor leaks across binds, pairs and closes. */
    @Test
    void noDescriptorLeaks() throws Exception {
        int before = OpenFds.count();
        for (int i = 0; i < 50; i++) {
            UnixDatagram.bind(dir.resolve("leak-" + i)).close();
            UnixDatagram.pair().close();
            UnixDatagram.unbound().close();
            assertThrows(BindException.class, () -> UnixDatagram.bind(dir.resolve("leak-0")));
        }
        OpenFds.assertBackTo(before, "150 sockets and 50 failed binds");
    }
}
