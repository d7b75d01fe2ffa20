package dev.pollux.net;

import static dev.pollux.MioPortSupport.READABLE;
import static dev.pollux.MioPortSupport.expect;
import static dev.pollux.MioPortSupport.expectEvents;
import static dev.pollux.MioPortSupport.expectNoEvents;
import static dev.pollux.MioPortSupport.onThread;
import static dev.pollux.net.UnixTestSupport.assertNonBlockingCloseOnExec;
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
import java.io.IOException;
import java.net.BindException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ports of mio's {@code tests/unix_listener.rs} (clients are the JDK's blocking Unix domain
 * channels), plus binding rules (no unlinking, name length), accept draining and misuse.
 */
class UnixListenerTest {
    private static final long TOKEN_1 = 0;
    private static final Interest READ_WRITE = Interest.READABLE.add(Interest.WRITABLE);

    @TempDir
    Path dir;

    /**
     * mio's open_connections: a thread connecting {@code n} JDK clients one after another, each
     * held open until the barrier is passed.
     */
    private static CompletableFuture<Void> openConnections(Path path, int n, CyclicBarrier barrier) {
        return openConnections(path, n, barrier, new CountDownLatch(n));
    }

    /** As above, counting {@code connected} down as each connect returns (the connection is queued). */
    private static CompletableFuture<Void> openConnections(Path path, int n, CyclicBarrier barrier,
            CountDownLatch connected) {
        return onThread("clients", () -> {
            for (int i = 0; i < n; i++) {
                try (SocketChannel conn = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                    connected.countDown();
                    barrier.await(10, TimeUnit.SECONDS);
                }
            }
            return null;
        });
    }

    private interface Binder {
        UnixListener bind(Path path) throws IOException;
    }

    /** mio: unix_listener_smoke, binding through each address type. */
    @Test
    void smoke() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        smokeTest(UnixListener::bind, dir.resolve("by-path"));
        smokeTest(p -> UnixListener.bind(UnixAddress.of(p)), dir.resolve("by-address"));
        smokeTest(p -> UnixListener.bind(UnixDomainSocketAddress.of(p)), dir.resolve("by-jdk-address"));
        smokeTest(p -> UnixListener.bind(UnixAddress.of(p), 1), dir.resolve("by-address-backlog"));
    }

    private static void smokeTest(Binder binder, Path path) throws Exception {
        try (Poll poll = Poll.open(); UnixListener listener = binder.bind(path)) {
            Events events = Events.withCapacity(16);
            assertNonBlockingCloseOnExec(listener);
            assertTrue(Files.exists(path), "binding creates the socket file");
            poll.registry().register(listener, TOKEN_1, READ_WRITE);
            expectNoEvents(poll, events);

            CyclicBarrier barrier = new CyclicBarrier(2);
            CompletableFuture<Void> clients = openConnections(path, 1, barrier);
            expectEvents(poll, events, expect(TOKEN_1, READABLE));

            try (UnixStream stream = listener.accept()) {
                assertNotNull(stream);
                assertNonBlockingCloseOnExec(stream);
                assertEquals(0, stream.read(ByteBuffer.allocate(64)), "nothing sent: would block");
                assertNull(listener.accept(), "no other connection: would block");
                assertNull(listener.takeError());
                barrier.await(10, TimeUnit.SECONDS);
            }
            clients.get(10, TimeUnit.SECONDS);
        }
    }

    /** mio: unix_listener_local_addr. The accepted stream's local address is the path; its peer is unnamed. */
    @Test
    void localAddress() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        Path path = dir.resolve("local-addr");
        try (Poll poll = Poll.open(); UnixListener listener = UnixListener.bind(path)) {
            Events events = Events.withCapacity(16);
            assertEquals(path, listener.localAddress().pathname());
            assertEquals(UnixAddress.of(path), listener.localAddress());
            poll.registry().register(listener, TOKEN_1, READ_WRITE);
            CyclicBarrier barrier = new CyclicBarrier(2);
            CompletableFuture<Void> clients = openConnections(path, 1, barrier);
            expectEvents(poll, events, expect(TOKEN_1, READABLE));
            try (UnixStream stream = listener.accept()) {
                assertEquals(path, stream.localAddress().pathname());
                assertNull(stream.peerAddress().pathname());
                assertTrue(stream.peerAddress().isUnnamed());
            }
            barrier.await(10, TimeUnit.SECONDS);
            clients.get(10, TimeUnit.SECONDS);
        }
    }

    /** mio: unix_listener_register. */
    @Test
    void register() throws Exception {
        try (Poll poll = Poll.open(); UnixListener listener = UnixListener.bind(dir.resolve("register"))) {
            poll.registry().register(listener, TOKEN_1, Interest.READABLE);
            expectNoEvents(poll, Events.withCapacity(16));
        }
    }

    /** mio: unix_listener_reregister. Writable interest sees no connection; readable does. */
    @Test
    void reregister() throws Exception {
        Path path = dir.resolve("reregister");
        try (Poll poll = Poll.open(); UnixListener listener = UnixListener.bind(path)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, TOKEN_1, Interest.WRITABLE);
            CyclicBarrier barrier = new CyclicBarrier(2);
            CountDownLatch connected = new CountDownLatch(1);
            CompletableFuture<Void> clients = openConnections(path, 1, barrier, connected);
            awaitConnected(connected);
            expectNoEvents(poll, events);
            poll.registry().reregister(listener, TOKEN_1, Interest.READABLE);
            expectEvents(poll, events, expect(TOKEN_1, READABLE));
            barrier.await(10, TimeUnit.SECONDS);
            clients.get(10, TimeUnit.SECONDS);
        }
    }

    /** mio: unix_listener_deregister. */
    @Test
    void deregister() throws Exception {
        Path path = dir.resolve("deregister");
        try (Poll poll = Poll.open(); UnixListener listener = UnixListener.bind(path)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, TOKEN_1, Interest.READABLE);
            CyclicBarrier barrier = new CyclicBarrier(2);
            CountDownLatch connected = new CountDownLatch(1);
            CompletableFuture<Void> clients = openConnections(path, 1, barrier, connected);
            poll.registry().deregister(listener);
            awaitConnected(connected);
            expectNoEvents(poll, events);
            barrier.await(10, TimeUnit.SECONDS);
            clients.get(10, TimeUnit.SECONDS);
        }
    }

    /** Waits until the client's blocking connect has returned: the connection is queued. */
    private static void awaitConnected(CountDownLatch connected) throws InterruptedException {
        assertTrue(connected.await(5, TimeUnit.SECONDS), "the client did not connect");
    }

    /** mio: unix_listener_abstract_namespace. */
    @Test
    void abstractNamespace() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        UnixAddress name = UnixAddress.ofAbstract(UnixTestSupport.uniqueAbstractName("listener"));
        try (Poll poll = Poll.open(); UnixListener listener = UnixListener.bind(name)) {
            Events events = Events.withCapacity(16);
            UnixAddress local = listener.localAddress();
            assertTrue(local.isAbstract());
            assertArrayEquals(name.abstractName(), local.abstractName());
            assertNull(local.pathname());
            poll.registry().register(listener, TOKEN_1, READ_WRITE);
            expectNoEvents(poll, events);

            CyclicBarrier barrier = new CyclicBarrier(2);
            CompletableFuture<Void> client = onThread("client", () -> {
                try (UnixStream conn = UnixStream.connect(name)) {
                    barrier.await(10, TimeUnit.SECONDS);
                }
                return null;
            });
            expectEvents(poll, events, expect(TOKEN_1, READABLE));
            try (UnixStream accepted = listener.accept()) {
                assertNotNull(accepted);
                assertTrue(accepted.peerAddress().isUnnamed());
            }
            barrier.await(10, TimeUnit.SECONDS);
            client.get(10, TimeUnit.SECONDS);
        }
    }

    /** An abstract name held by another socket is in use too. */
    @Test
    void abstractNameInUse() throws Exception {
        UnixAddress name = UnixAddress.ofAbstract(UnixTestSupport.uniqueAbstractName("in-use"));
        try (UnixListener first = UnixListener.bind(name)) {
            BindException e = assertThrows(BindException.class, () -> UnixListener.bind(name));
            assertEquals("EADDRINUSE", ((OsException) e.getCause()).codeName());
        }
        UnixListener.bind(name).close(); // free again once the holder closed
    }

    /** With edge triggering, every queued connection is accepted by draining to null; then it re-arms. */
    @Test
    void acceptDrainsEveryPendingConnection() throws Exception {
        Path path = dir.resolve("drain");
        try (Poll poll = Poll.open(); UnixListener listener = UnixListener.bind(path)) {
            Events events = Events.withCapacity(16);
            poll.registry().register(listener, TOKEN_1, Interest.READABLE);
            for (int round = 0; round < 2; round++) {
                List<SocketChannel> clients = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    clients.add(SocketChannel.open(UnixDomainSocketAddress.of(path)));
                }
                expectEvents(poll, events, expect(TOKEN_1, READABLE));
                List<UnixStream> accepted = new ArrayList<>();
                UnixStream s;
                while ((s = listener.accept()) != null) {
                    accepted.add(s);
                }
                assertEquals(5, accepted.size());
                // Each accepted stream is connected to one client.
                for (int i = 0; i < 5; i++) {
                    clients.get(i).write(ByteBuffer.wrap(new byte[] {(byte) i}));
                }
                int sum = 0;
                for (UnixStream a : accepted) {
                    ByteBuffer one = ByteBuffer.allocate(2);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (a.read(one) == 0) {
                        assertTrue(System.nanoTime() < deadline);
                        UnixTestSupport.sleep(1);
                    }
                    assertEquals(1, one.position());
                    sum += one.get(0);
                    a.close();
                }
                assertEquals(0 + 1 + 2 + 3 + 4, sum);
                expectNoEvents(poll, events);
                for (SocketChannel c : clients) {
                    c.close();
                }
            }
        }
    }

    /** Binding a path that exists fails with EADDRINUSE; Pollux never unlinks, before or after. */
    @Test
    void bindingAnExistingPathFailsAndNothingIsUnlinked() throws Exception {
        Path path = dir.resolve("exists");
        int before = OpenFds.count();
        try (UnixListener first = UnixListener.bind(path)) {
            BindException e = assertThrows(BindException.class, () -> UnixListener.bind(path));
            OsException cause = assertInstanceOf(OsException.class, e.getCause());
            assertEquals("EADDRINUSE", cause.codeName());
            assertEquals("bind", cause.call());
        }
        assertTrue(Files.exists(path), "close leaves the socket file in place");
        // A stale socket file is still in the way.
        assertThrows(BindException.class, () -> UnixListener.bind(path));
        // So is any other file; its contents are untouched.
        Path regular = dir.resolve("regular");
        Files.writeString(regular, "keep me");
        assertThrows(BindException.class, () -> UnixListener.bind(regular));
        assertEquals("keep me", Files.readString(regular));
        // Removing it is the caller's choice.
        Files.delete(path);
        UnixListener.bind(path).close();
        OpenFds.assertBackTo(before, "failed binds");
    }

    /** A missing directory: ENOENT. */
    @Test
    void bindInMissingDirectory() throws Exception {
        int before = OpenFds.count();
        OsException e = assertThrows(OsException.class, () -> UnixListener.bind(dir.resolve("no/such/dir/sock")));
        assertEquals("ENOENT", e.codeName());
        OpenFds.assertBackTo(before, "failed bind");
    }

    /**
     * sun_path holds 108 bytes: a pathname of 107 and its NUL binds, 108 is refused before a socket
     * is made; an abstract name (after its leading NUL) likewise takes at most 107.
     */
    @Test
    void nameLengthLimit() throws Exception {
        Path longest = UnixTestSupport.pathOfLength(dir, UnixTestSupport.MAX_NAME_BYTES);
        try (UnixListener listener = UnixListener.bind(longest)) {
            assertEquals(longest, listener.localAddress().pathname());
        }
        int before = OpenFds.count();
        Path tooLong = UnixTestSupport.pathOfLength(dir, UnixTestSupport.MAX_NAME_BYTES + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnixListener.bind(tooLong));
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
        assertFalse(Files.exists(tooLong));

        byte[] longestAbstract = new byte[UnixTestSupport.MAX_NAME_BYTES]; // NUL + 107 fill sun_path
        java.util.Arrays.fill(longestAbstract, (byte) 'a');
        byte[] unique = UnixTestSupport.uniqueAbstractName("l").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(unique, 0, longestAbstract, 0, unique.length);
        try (UnixListener listener = UnixListener.bind(UnixAddress.ofAbstract(longestAbstract))) {
            assertArrayEquals(longestAbstract, listener.localAddress().abstractName());
        }
        assertThrows(IllegalArgumentException.class,
                () -> UnixListener.bind(UnixAddress.ofAbstract(new byte[UnixTestSupport.MAX_NAME_BYTES + 1])));
        OpenFds.assertBackTo(before, "rejected names");
    }

    /** Misuse: nulls and the unnamed address. */
    @Test
    void badArguments() throws Exception {
        int before = OpenFds.count();
        assertThrows(NullPointerException.class, () -> UnixListener.bind((Path) null));
        assertThrows(NullPointerException.class, () -> UnixListener.bind((UnixAddress) null));
        assertThrows(NullPointerException.class, () -> UnixListener.bind((UnixDomainSocketAddress) null));
        assertThrows(IllegalArgumentException.class, () -> UnixListener.bind(UnixAddress.unnamed()));
        assertThrows(IllegalArgumentException.class, () -> UnixListener.bind(Path.of("")));
        OpenFds.assertBackTo(before, "rejected arguments");
    }

    /** Use after close: ClosedChannelException; close is idempotent and deregisters. */
    @Test
    void useAfterClose() throws Exception {
        Path path = dir.resolve("closed");
        try (Poll poll = Poll.open()) {
            UnixListener listener = UnixListener.bind(path);
            poll.registry().register(listener, TOKEN_1, Interest.READABLE);
            listener.close();
            listener.close();
            assertFalse(listener.isOpen());
            Executable[] calls = {
                listener::accept,
                listener::localAddress,
                listener::takeError,
                () -> poll.registry().register(listener, TOKEN_1, Interest.READABLE),
                () -> poll.registry().deregister(listener),
            };
            for (Executable call : calls) {
                assertThrows(ClosedChannelException.class, call);
            }
            expectNoEvents(poll, Events.withCapacity(4));
        }
    }

    /** No descriptor leaks across binds, accepts and closes. */
    @Test
    void noDescriptorLeaks() throws Exception {
        int before = -1;
        for (int i = -1; i < 50; i++) {
            if (i == 0) {
                before = OpenFds.count(); // after one warm-up round: the JDK client opens what it needs once
            }
            Path path = dir.resolve("leak-" + i);
            try (UnixListener listener = UnixListener.bind(path);
                    SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                UnixStreamTest.awaitAccept(listener).close();
            }
        }
        OpenFds.assertBackTo(before, "50 listeners");
    }

}
