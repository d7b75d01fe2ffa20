package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.ffi.kqueue.KqueuePlatform;
import dev.pollux.unix.Pipe;
import dev.pollux.unix.SourceFd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every descriptor Pollux opens is closed again, also when an operation fails. */
class FdLeakTest {
    private static final int ROUNDS = 200;

    /** Lets the JVM open whatever it opens once (class loading, native libraries) before counting. */
    @BeforeEach
    void warmUp() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Waker waker = new Waker(poll.registry(), 1);
            poll.registry().register(pipe.receiver(), 2, Interest.READABLE);
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
            waker.wake();
            poll.poll(Events.withCapacity(4), Duration.ZERO);
            waker.close();
            assertThrows(OsException.class,
                    () -> poll.registry().register(new SourceFd(Integer.MAX_VALUE), 3, Interest.READABLE));
        }
        // libkqueue releases a closed kqueue's descriptors asynchronously: let that finish too.
        OpenFds.settledCount();
    }

    @Test
    void countingSeesDescriptorsOpenAndClose() throws Exception {
        // The measure itself must be able to fail: each Poll holds two descriptors on epoll (the
        // epoll instance and its interrupt eventfd) and on io_uring (the ring and its kick
        // eventfd), one on kqueue (on libkqueue the write end of its pipe), each Pipe two, each
        // Waker one on epoll (an eventfd) and none on kqueue (an EVFILT_USER event) or io_uring (a
        // flag). Counts are taken once settled: opening a kqueue Poll also opens and closes a
        // scratch kqueue (the receipts probe), whose descriptors libkqueue releases asynchronously.
        int before = OpenFds.settledCount();
        int poll1 = KqueueSupport.descriptorsPerPoll();
        int waker1 = KqueueSupport.descriptorsPerWaker();
        try (Poll poll = Poll.open()) {
            assertEquals(before + poll1, OpenFds.settledCount(), "a Poll holds " + poll1 + " descriptor(s)");
            try (Pipe pipe = Pipe.open()) {
                assertEquals(before + poll1 + 2, OpenFds.settledCount(), "a Pipe holds two descriptors");
                Waker waker = new Waker(poll.registry(), 1);
                assertEquals(before + poll1 + 2 + waker1, OpenFds.settledCount(), "a Waker holds " + waker1 + " descriptor(s)");
                waker.close();
                assertEquals(before + poll1 + 2, OpenFds.settledCount(), "Waker.close releases its descriptor");
            }
            assertEquals(before + poll1, OpenFds.settledCount(), "Pipe.close releases both descriptors");
        }
        OpenFds.assertBackTo(before, "Poll.close");
    }

    @Test
    void openingAndClosingManyPolls() throws Exception {
        int before = OpenFds.count();
        for (int i = 0; i < ROUNDS; i++) {
            Poll poll = Poll.open();
            poll.poll(Events.withCapacity(1), Duration.ZERO);
            poll.close();
            poll.close();
        }
        OpenFds.assertBackTo(before, ROUNDS + " Polls opened and closed");
    }

    @Test
    void openingAndClosingManyPipes() throws Exception {
        int before = OpenFds.count();
        for (int i = 0; i < ROUNDS; i++) {
            Pipe pipe = Pipe.open();
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
            pipe.close();
            pipe.close();
        }
        // Ends closed one at a time, in both orders.
        for (int i = 0; i < ROUNDS; i++) {
            Pipe pipe = Pipe.open();
            if (i % 2 == 0) {
                pipe.receiver().close();
                pipe.sender().close();
            } else {
                pipe.sender().close();
                pipe.receiver().close();
            }
        }
        OpenFds.assertBackTo(before, 2 * ROUNDS + " Pipes opened and closed");
    }

    @Test
    void openingAndClosingManyWakers() throws Exception {
        int before = OpenFds.count();
        try (Poll poll = Poll.open()) {
            for (int i = 0; i < ROUNDS; i++) {
                Waker waker = new Waker(poll.registry(), i);
                waker.wake();
                waker.close();
                waker.close();
            }
            poll.poll(Events.withCapacity(4), Duration.ZERO);
        }
        OpenFds.assertBackTo(before, ROUNDS + " Wakers opened and closed");
    }

    @Test
    void pollCloseClosesWakersThatWereNotClosed() throws Exception {
        int before = OpenFds.count();
        for (int round = 0; round < 20; round++) {
            Poll poll = Poll.open();
            List<Waker> wakers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                wakers.add(new Waker(poll.registry(), i));
            }
            wakers.get(0).close(); // one closed early, the others left to the Poll
            wakers.get(1).wake();
            poll.close();
            for (Waker w : wakers) {
                assertThrows(ClosedSelectorException.class, w::wake);
            }
        }
        OpenFds.assertBackTo(before, "Polls closed with open Wakers");
    }

    @Test
    void registeredSourcesClosedBeforeOrAfterThePoll() throws Exception {
        int before = OpenFds.count();
        for (int i = 0; i < ROUNDS / 4; i++) {
            Poll poll = Poll.open();
            Pipe pipe = Pipe.open();
            poll.registry().register(pipe.receiver(), 1, Interest.READABLE);
            poll.registry().register(pipe.sender(), 2, Interest.WRITABLE);
            if (i % 2 == 0) {
                pipe.close();
                poll.close();
            } else {
                poll.close();
                pipe.close();
            }
        }
        OpenFds.assertBackTo(before, "registered pipes closed with their Polls");
    }

    @Test
    void failingRegistryOperationsDoNotLeak() throws Exception {
        int before = OpenFds.count();
        try (Poll poll = Poll.open(); Poll other = Poll.open()) {
            Registry registry = poll.registry();
            for (int i = 0; i < ROUNDS; i++) {
                assertThrows(OsException.class,
                        () -> registry.register(new SourceFd(Integer.MAX_VALUE), 1, Interest.READABLE));
                assertThrows(OsException.class, () -> registry.deregister(new SourceFd(Integer.MAX_VALUE)));
                try (Pipe pipe = Pipe.open()) {
                    assertThrows(IllegalStateException.class, () -> registry.deregister(pipe.receiver()));
                    registry.register(pipe.receiver(), 1, Interest.READABLE);
                    assertThrows(IllegalStateException.class, () -> registry.register(pipe.receiver(), 1, Interest.READABLE));
                    assertThrows(IllegalStateException.class,
                            () -> other.registry().register(pipe.receiver(), 1, Interest.READABLE));
                    assertThrows(NullPointerException.class, () -> registry.register(pipe.sender(), 1, null));
                    pipe.sender().close();
                    assertThrows(ClosedChannelException.class, () -> registry.register(pipe.sender(), 1, Interest.WRITABLE));
                    assertThrows(ClosedChannelException.class, () -> pipe.sender().write(ByteBuffer.wrap(new byte[] {1})));
                    assertThrows(IllegalArgumentException.class,
                            () -> pipe.receiver().read(ByteBuffer.allocate(1).asReadOnlyBuffer()));
                }
            }
        }
        OpenFds.assertBackTo(before, "failing registry operations");
    }

    @Test
    void operationsOnAClosedPollDoNotLeak() throws Exception {
        int before = OpenFds.count();
        for (int i = 0; i < ROUNDS / 4; i++) {
            Poll poll = Poll.open();
            Registry registry = poll.registry();
            poll.close();
            assertThrows(ClosedSelectorException.class, () -> new Waker(registry, 1));
            assertThrows(ClosedSelectorException.class, () -> poll.poll(Events.withCapacity(1), Duration.ZERO));
            try (Pipe pipe = Pipe.open()) {
                assertThrows(ClosedSelectorException.class, () -> registry.register(pipe.receiver(), 1, Interest.READABLE));
            }
        }
        OpenFds.assertBackTo(before, "operations on closed Polls");
    }

    @Test
    void failingOpensDoNotLeak() throws Exception {
        int before = OpenFds.count();
        String old = System.getProperty(Backend.PROPERTY);
        String oldLibrary = System.getProperty(KqueuePlatform.LIBRARY_PROPERTY);
        System.setProperty(KqueuePlatform.LIBRARY_PROPERTY, "/nonexistent/libkqueue.so.0");
        try {
            for (int i = 0; i < ROUNDS / 4; i++) {
                assertThrows(UnsupportedOperationException.class, () -> Poll.open(Backend.KQUEUE));
                assertThrows(UnsupportedOperationException.class, () -> Poll.open(Backend.IOCP));
                System.setProperty(Backend.PROPERTY, "bogus");
                assertThrows(IllegalArgumentException.class, Poll::open);
                System.clearProperty(Backend.PROPERTY);
            }
        } finally {
            if (old == null) {
                System.clearProperty(Backend.PROPERTY);
            } else {
                System.setProperty(Backend.PROPERTY, old);
            }
            if (oldLibrary == null) {
                System.clearProperty(KqueuePlatform.LIBRARY_PROPERTY);
            } else {
                System.setProperty(KqueuePlatform.LIBRARY_PROPERTY, oldLibrary);
            }
        }
        OpenFds.assertBackTo(before, "failing Poll.open");
    }

    @Test
    void closingAPollUnderABlockedPollDoesNotLeak() throws Exception {
        int before = OpenFds.count();
        Poll poll = Poll.open();
        Waker waker = new Waker(poll.registry(), 9);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread poller = Thread.ofPlatform().daemon().start(() -> {
            try {
                poll.poll(Events.withCapacity(1), null);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        TestSupport.awaitInsidePoll(poller);
        assertTrue(OpenFds.count() > before, "the Poll holds descriptors");
        poll.close();
        TestSupport.join(poller);
        assertInstanceOf(ClosedSelectorException.class, failure.get());
        assertThrows(ClosedSelectorException.class, waker::wake);
        OpenFds.assertBackTo(before, "Poll closed under a blocked poll");
    }
}
