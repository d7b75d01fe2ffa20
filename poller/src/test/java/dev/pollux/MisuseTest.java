package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.ffi.epoll.EventFd;
import dev.pollux.ffi.epoll.Fd;
import dev.pollux.unix.Pipe;
import dev.pollux.unix.SourceFd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import dev.pollux.ffi.kqueue.KqueuePlatform;
import org.junit.jupiter.api.Test;

/** Every misuse gets a clear exception: never a crash, a hang, or a silent no-op. */
class MisuseTest {
    private static final long WAKE = 1000;

    // ---- Events -------------------------------------------------------------------------------

    @Test
    void eventsCapacityMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Events.withCapacity(0));
        assertThrows(IllegalArgumentException.class, () -> Events.withCapacity(-1));
        assertThrows(IllegalArgumentException.class, () -> Events.withCapacity(Integer.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Events.withCapacity(Integer.MAX_VALUE));
        assertEquals(1, Events.withCapacity(1).capacity());
    }

    // ---- Poll lifecycle -----------------------------------------------------------------------

    @Test
    void pollAfterCloseThrowsClosedSelectorException() throws Exception {
        Poll poll = Poll.open();
        poll.close();
        Events events = Events.withCapacity(4);
        assertTimeoutPreemptively(TestSupport.PATIENCE, () -> {
            assertThrows(ClosedSelectorException.class, () -> poll.poll(events, Duration.ZERO));
            assertThrows(ClosedSelectorException.class, () -> poll.poll(events, Duration.ofMillis(10)));
            assertThrows(ClosedSelectorException.class, () -> poll.poll(events, null));
        });
    }

    @Test
    void closeTwiceIsFine() throws Exception {
        Poll poll = Poll.open();
        poll.close();
        assertDoesNotThrow(poll::close);
        assertDoesNotThrow(poll::close);
    }

    @Test
    void registryOpsOnRawFdAfterCloseThrowClosedSelectorException() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.EVENTFD_BUG);
        int fd = EventFd.create(0, EventFd.NONBLOCK | EventFd.CLOEXEC);
        assertTrue(fd >= 0);
        try {
            Poll poll = Poll.open();
            Registry registry = poll.registry();
            SourceFd source = new SourceFd(fd);
            registry.register(source, 1, Interest.READABLE);
            poll.close();
            assertThrows(ClosedSelectorException.class, () -> registry.register(source, 1, Interest.READABLE));
            assertThrows(ClosedSelectorException.class, () -> registry.reregister(source, 1, Interest.READABLE));
            assertThrows(ClosedSelectorException.class, () -> registry.deregister(source));
            assertThrows(ClosedSelectorException.class, () -> new Waker(registry, WAKE));
        } finally {
            Fd.close(fd);
        }
    }

    @Test
    void registeringAPipeEndAfterCloseThrowsClosedSelectorException() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Poll poll = Poll.open();
            Registry registry = poll.registry();
            poll.close();
            assertThrows(ClosedSelectorException.class, () -> registry.register(pipe.receiver(), 1, Interest.READABLE));
            assertThrows(ClosedSelectorException.class,
                    () -> registry.register(pipe.sender(), 2, Interest.WRITABLE, Trigger.LEVEL));
        }
    }

    /**
     * Registry's contract: after the Poll is closed <em>every</em> method throws
     * ClosedSelectorException, also for a source that was registered with it when it closed.
     */
    @Test
    void changingAPipeRegistrationAfterCloseThrowsClosedSelectorException() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Poll poll = Poll.open();
            Registry registry = poll.registry();
            registry.register(pipe.receiver(), 1, Interest.READABLE);
            poll.close();
            assertAll(
                    () -> assertThrows(ClosedSelectorException.class,
                            () -> registry.reregister(pipe.receiver(), 1, Interest.READABLE)),
                    () -> assertThrows(ClosedSelectorException.class, () -> registry.deregister(pipe.receiver())),
                    // Never registered: still the closed Poll is what is wrong.
                    () -> assertThrows(ClosedSelectorException.class,
                            () -> registry.reregister(pipe.sender(), 2, Interest.WRITABLE)),
                    () -> assertThrows(ClosedSelectorException.class, () -> registry.deregister(pipe.sender())));
        }
    }

    @Test
    void twoThreadsPollingAtOnce() throws Exception {
        try (Poll poll = Poll.open()) {
            Waker waker = new Waker(poll.registry(), WAKE);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger firstResult = new AtomicInteger(-1);
            Events firstEvents = Events.withCapacity(4);
            Thread first = Thread.ofPlatform().daemon().name("first-poller").start(() -> {
                try {
                    firstResult.set(poll.poll(firstEvents, null));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            try {
                TestSupport.awaitInsidePoll(first);
                Events events = Events.withCapacity(4);
                assertTimeoutPreemptively(TestSupport.PATIENCE, () -> {
                    IllegalStateException e =
                            assertThrows(IllegalStateException.class, () -> poll.poll(events, Duration.ZERO));
                    assertTrue(e.getMessage().contains("poll"), e.getMessage());
                    assertThrows(IllegalStateException.class, () -> poll.poll(events, null));
                    assertThrows(IllegalStateException.class, () -> poll.poll(events, Duration.ofSeconds(1)));
                });
            } finally {
                waker.wake();
                TestSupport.join(first);
            }
            assertNull(failure.get(), () -> "first poller failed: " + failure.get());
            assertEquals(1, firstResult.get(), "the first poll ends with the waker's event");
            assertEquals(WAKE, firstEvents.token(0));
            // The second thread's failure did not disturb anything: polling works again.
            assertEquals(0, poll.poll(Events.withCapacity(4), Duration.ZERO));
        }
    }

    @Test
    void closeWhileAnotherThreadPolls() throws Exception {
        Poll poll = Poll.open();
        Waker waker = new Waker(poll.registry(), WAKE);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Events firstEvents = Events.withCapacity(4);
        Thread poller = Thread.ofPlatform().daemon().name("poller").start(() -> {
            try {
                poll.poll(firstEvents, null);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        TestSupport.awaitInsidePoll(poller);
        // NIO's Selector.close() wakes a thread blocked in select(); Poll.close() does the same.
        assertTimeoutPreemptively(TestSupport.PATIENCE, poll::close);
        TestSupport.join(poller);
        assertInstanceOf(ClosedSelectorException.class, failure.get(), "the blocked poll ends with ClosedSelectorException");
        assertEquals(0, firstEvents.size());
        assertThrows(ClosedSelectorException.class, () -> poll.poll(Events.withCapacity(1), Duration.ZERO));
        assertThrows(ClosedSelectorException.class, waker::wake);
        try (Pipe pipe = Pipe.open()) {
            assertThrows(ClosedSelectorException.class, () -> poll.registry().register(pipe.receiver(), 5, Interest.READABLE));
        }
    }

    @Test
    void negativeTimeout() throws Exception {
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(4);
            assertThrows(IllegalArgumentException.class, () -> poll.poll(events, Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class, () -> poll.poll(events, Duration.ofNanos(-1)));
            assertThrows(IllegalArgumentException.class, () -> poll.poll(events, Duration.ofSeconds(Long.MIN_VALUE)));
            // Refused before entering: the Poll is not left marked as busy.
            assertEquals(0, poll.poll(events, Duration.ZERO));
        }
    }

    // ---- Backend selection --------------------------------------------------------------------

    @Test
    void bogusBackendProperty() {
        String old = System.getProperty(Backend.PROPERTY);
        System.setProperty(Backend.PROPERTY, "bogus");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Poll::open);
            String m = e.getMessage();
            assertTrue(m.contains("bogus"), m);
            assertTrue(m.contains("epoll"), m);
            assertTrue(m.contains("kqueue"), m);
            assertTrue(m.contains("iocp"), m);
            assertTrue(m.contains("io_uring"), m);
        } finally {
            restore(old);
        }
    }

    @Test
    void backendPropertyIsCaseInsensitive() throws Exception {
        String old = System.getProperty(Backend.PROPERTY);
        System.setProperty(Backend.PROPERTY, "EPoll");
        try (Poll poll = Poll.open()) {
            assertEquals(Backend.EPOLL, poll.backend());
        } finally {
            restore(old);
        }
    }

    @Test
    void backendPropertyNamingAnUnimplementedBackend() {
        String old = System.getProperty(Backend.PROPERTY);
        System.setProperty(Backend.PROPERTY, "iocp");
        try {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, Poll::open);
            assertTrue(e.getMessage().contains("iocp"), e.getMessage());
        } finally {
            restore(old);
        }
    }

    @Test
    void kqueueWithoutLibkqueueSaysWhatToInstall() {
        String old = System.getProperty(KqueuePlatform.LIBRARY_PROPERTY);
        System.setProperty(KqueuePlatform.LIBRARY_PROPERTY, "/nonexistent/libkqueue.so.0");
        try {
            UnsupportedOperationException e =
                    assertThrows(UnsupportedOperationException.class, () -> Poll.open(Backend.KQUEUE));
            assertTrue(e.getMessage().contains("libkqueue"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(KqueuePlatform.LIBRARY_PROPERTY);
            } else {
                System.setProperty(KqueuePlatform.LIBRARY_PROPERTY, old);
            }
        }
    }

    private static void restore(String old) {
        if (old == null) {
            System.clearProperty(Backend.PROPERTY);
        } else {
            System.setProperty(Backend.PROPERTY, old);
        }
    }

    @Test
    void unimplementedBackends() {
        UnsupportedOperationException iocp =
                assertThrows(UnsupportedOperationException.class, () -> Poll.open(Backend.IOCP));
        assertTrue(iocp.getMessage() != null && iocp.getMessage().contains("iocp"), iocp.getMessage());
    }

    // ---- Waker --------------------------------------------------------------------------------

    @Test
    void wakeAfterWakerClose() throws Exception {
        try (Poll poll = Poll.open()) {
            Waker waker = new Waker(poll.registry(), WAKE);
            waker.wake();
            waker.close();
            assertThrows(ClosedSelectorException.class, waker::wake);
            assertDoesNotThrow(waker::close, "close is idempotent");
            // A closed waker produces no event, not even the wake made before it closed.
            Events events = Events.withCapacity(4);
            assertEquals(0, poll.poll(events, Duration.ofMillis(50)), events.toString());
        }
    }

    @Test
    void wakeAfterPollClose() throws Exception {
        Poll poll = Poll.open();
        Waker waker = new Waker(poll.registry(), WAKE);
        poll.close();
        assertThrows(ClosedSelectorException.class, waker::wake);
        assertDoesNotThrow(waker::close, "closing a waker whose Poll closed is harmless");
        assertThrows(ClosedSelectorException.class, waker::wake);
    }

    // ---- Pipe ends ----------------------------------------------------------------------------

    @Test
    void pipeEndUsedAfterClose() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Registry registry = poll.registry();
            Pipe.Receiver receiver = pipe.receiver();
            Pipe.Sender sender = pipe.sender();
            receiver.close();
            sender.close();
            assertFalse(receiver.isOpen());
            assertFalse(sender.isOpen());

            assertThrows(ClosedChannelException.class, () -> receiver.read(ByteBuffer.allocate(8)));
            assertThrows(ClosedChannelException.class, () -> receiver.read(ByteBuffer.allocateDirect(8)));
            assertThrows(ClosedChannelException.class,
                    () -> receiver.read(new ByteBuffer[] {ByteBuffer.allocate(8), ByteBuffer.allocate(8)}));
            assertThrows(ClosedChannelException.class,
                    () -> receiver.read(new ByteBuffer[] {ByteBuffer.allocateDirect(8)}));
            assertThrows(ClosedChannelException.class, () -> receiver.read(MemorySegment.ofArray(new byte[8])));
            assertThrows(ClosedChannelException.class, () -> sender.write(ByteBuffer.wrap(new byte[8])));
            assertThrows(ClosedChannelException.class, () -> sender.write(ByteBuffer.allocateDirect(8)));
            assertThrows(ClosedChannelException.class, () -> sender.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[8])}));
            assertThrows(ClosedChannelException.class, () -> sender.write(MemorySegment.ofArray(new byte[8])));

            assertThrows(ClosedChannelException.class, () -> registry.register(receiver, 1, Interest.READABLE));
            assertThrows(ClosedChannelException.class, () -> registry.reregister(receiver, 1, Interest.READABLE));
            assertThrows(ClosedChannelException.class, () -> registry.deregister(receiver));
            assertThrows(ClosedChannelException.class, () -> registry.register(sender, 2, Interest.WRITABLE));

            assertDoesNotThrow(receiver::close);
            assertDoesNotThrow(pipe::close);
        }
    }

    /** NIO channels check for close first: an empty buffer does not turn use-after-close into a no-op. */
    @Test
    void zeroLengthIoAfterCloseIsStillUseAfterClose() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.close();
            assertAll(
                    () -> assertThrows(ClosedChannelException.class, () -> pipe.receiver().read(ByteBuffer.allocate(0))),
                    () -> assertThrows(ClosedChannelException.class,
                            () -> pipe.receiver().read(MemorySegment.ofArray(new byte[0]))),
                    () -> assertThrows(ClosedChannelException.class, () -> pipe.receiver().read(new ByteBuffer[0])),
                    () -> assertThrows(ClosedChannelException.class, () -> pipe.sender().write(ByteBuffer.allocate(0))),
                    () -> assertThrows(ClosedChannelException.class,
                            () -> pipe.sender().write(MemorySegment.ofArray(new byte[0]))),
                    () -> assertThrows(ClosedChannelException.class, () -> pipe.sender().write(new ByteBuffer[0])));
        }
    }

    @Test
    void doubleRegistrationOfAPipeEnd() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Registry registry = poll.registry();
            registry.register(pipe.receiver(), 1, Interest.READABLE);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> registry.register(pipe.receiver(), 1, Interest.READABLE));
            assertTrue(e.getMessage().contains("reregister"), e.getMessage());
            assertThrows(IllegalStateException.class,
                    () -> registry.register(pipe.receiver(), 2, Interest.READABLE, Trigger.LEVEL));

            // The refused registration changed nothing: still token 1, edge-triggered.
            Events events = Events.withCapacity(4);
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
            assertEquals(1, poll.poll(events, TestSupport.PATIENCE));
            assertEquals(1, events.token(0));
            assertEquals(0, poll.poll(events, Duration.ofMillis(50)), "still edge-triggered");
        }
    }

    @Test
    void pipeEndRegisteredWithASecondPoll() throws Exception {
        try (Poll first = Poll.open(); Poll second = Poll.open(); Pipe pipe = Pipe.open()) {
            first.registry().register(pipe.receiver(), 1, Interest.READABLE);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> second.registry().register(pipe.receiver(), 2, Interest.READABLE));
            assertTrue(e.getMessage().contains("another Poll"), e.getMessage());
            assertThrows(IllegalStateException.class,
                    () -> second.registry().reregister(pipe.receiver(), 2, Interest.READABLE));
            assertThrows(IllegalStateException.class, () -> second.registry().deregister(pipe.receiver()));

            // Still registered with the first, and only with it.
            Events events = Events.withCapacity(4);
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
            assertEquals(1, first.poll(events, TestSupport.PATIENCE));
            assertEquals(1, events.token(0));
            assertEquals(0, second.poll(events, Duration.ofMillis(50)));

            // After deregistering from the first, the second may have it.
            first.registry().deregister(pipe.receiver());
            second.registry().register(pipe.receiver(), 2, Interest.READABLE, Trigger.LEVEL);
            assertEquals(1, second.poll(events, TestSupport.PATIENCE));
            assertEquals(2, events.token(0));
            assertEquals(0, first.poll(events, Duration.ofMillis(50)));
        }
    }

    @Test
    void reregisterOrDeregisterWhenNotRegistered() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Registry registry = poll.registry();
            assertThrows(IllegalStateException.class, () -> registry.reregister(pipe.receiver(), 1, Interest.READABLE));
            assertThrows(IllegalStateException.class, () -> registry.deregister(pipe.receiver()));
            assertThrows(IllegalStateException.class, () -> registry.deregister(pipe.sender()));

            registry.register(pipe.receiver(), 1, Interest.READABLE);
            registry.deregister(pipe.receiver());
            assertThrows(IllegalStateException.class, () -> registry.deregister(pipe.receiver()));
            assertThrows(IllegalStateException.class,
                    () -> registry.reregister(pipe.receiver(), 1, Interest.READABLE, Trigger.ONESHOT));
        }
    }

    @Test
    void pipeEndMayJoinANewPollAfterTheFirstCloses() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Poll first = Poll.open();
            first.registry().register(pipe.receiver(), 1, Interest.READABLE);
            first.close();
            assertTrue(pipe.receiver().isOpen(), "closing a Poll does not close its sources");

            try (Poll second = Poll.open()) {
                second.registry().register(pipe.receiver(), 2, Interest.READABLE);
                pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
                Events events = Events.withCapacity(4);
                assertEquals(1, second.poll(events, TestSupport.PATIENCE));
                assertEquals(2, events.token(0));
                second.registry().reregister(pipe.receiver(), 3, Interest.READABLE, Trigger.LEVEL);
                assertEquals(1, second.poll(events, TestSupport.PATIENCE));
                assertEquals(3, events.token(0));
                second.registry().deregister(pipe.receiver());
                assertEquals(0, second.poll(events, Duration.ofMillis(50)));
            }
        }
    }

    @Test
    void readIntoReadOnlyBuffer() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            Pipe.Receiver r = pipe.receiver();
            assertThrows(IllegalArgumentException.class, () -> r.read(ByteBuffer.allocate(8).asReadOnlyBuffer()));
            assertThrows(IllegalArgumentException.class, () -> r.read(ByteBuffer.allocateDirect(8).asReadOnlyBuffer()));
            assertThrows(IllegalArgumentException.class,
                    () -> r.read(new ByteBuffer[] {ByteBuffer.allocate(8), ByteBuffer.allocate(8).asReadOnlyBuffer()}));
            assertThrows(IllegalArgumentException.class,
                    () -> r.read(MemorySegment.ofArray(new byte[8]).asReadOnly()));
            try (Arena arena = Arena.ofConfined()) {
                assertThrows(IllegalArgumentException.class, () -> r.read(arena.allocate(8).asReadOnly()));
            }
            // Nothing was consumed by the refused reads.
            ByteBuffer buf = ByteBuffer.allocate(8);
            assertEquals(3, r.read(buf));
        }
    }

    @Test
    void nullArguments() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Registry registry = poll.registry();
            Source source = pipe.receiver();
            Events events = Events.withCapacity(4);
            assertThrows(NullPointerException.class, () -> Poll.open(null));
            assertThrows(NullPointerException.class, () -> poll.poll(null, Duration.ZERO));
            assertThrows(NullPointerException.class, () -> poll.poll(null, null));
            assertThrows(NullPointerException.class, () -> registry.register(null, 1, Interest.READABLE));
            assertThrows(NullPointerException.class, () -> registry.register(source, 1, null));
            assertThrows(NullPointerException.class, () -> registry.register(source, 1, Interest.READABLE, null));
            assertThrows(NullPointerException.class, () -> registry.reregister(null, 1, Interest.READABLE));
            assertThrows(NullPointerException.class, () -> registry.deregister(null));
            assertThrows(NullPointerException.class, () -> new Waker(null, 1));
            assertThrows(NullPointerException.class, () -> pipe.receiver().register(null, 1, Interest.READABLE, Trigger.EDGE));
            assertThrows(NullPointerException.class, () -> pipe.receiver().read((ByteBuffer) null));
            assertThrows(NullPointerException.class, () -> pipe.receiver().read((ByteBuffer[]) null));
            assertThrows(NullPointerException.class, () -> pipe.receiver().read((MemorySegment) null));
            assertThrows(NullPointerException.class, () -> pipe.sender().write((ByteBuffer) null));
            assertThrows(NullPointerException.class, () -> pipe.sender().write((ByteBuffer[]) null));
            assertThrows(NullPointerException.class, () -> pipe.sender().write((MemorySegment) null));

            // None of the refused calls registered anything or left the Poll busy.
            registry.register(source, 1, Interest.READABLE);
            registry.reregister(source, 1, Interest.READABLE);
            assertThrows(NullPointerException.class, () -> registry.reregister(source, 1, null));
            assertThrows(NullPointerException.class, () -> registry.reregister(source, 1, Interest.READABLE, null));
            assertEquals(0, poll.poll(events, Duration.ZERO));
        }
    }

    @Test
    void closingARegisteredPipeEndDeregistersIt() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Registry registry = poll.registry();
            registry.register(pipe.sender(), 1, Interest.WRITABLE, Trigger.LEVEL);
            registry.register(pipe.receiver(), 2, Interest.READABLE, Trigger.LEVEL);
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            Events events = Events.withCapacity(8);
            assertTrue(TestSupport.pollFor(poll, events, 2), "receiver reported while open");

            pipe.receiver().close();
            for (int i = 0; i < 3; i++) {
                poll.poll(events, Duration.ofMillis(20));
                assertFalse(TestSupport.contains(events, 2), "event for a closed receiver: " + events);
            }
            // Closed, it is no longer registered: a new registration is refused as use after close.
            assertThrows(ClosedChannelException.class, () -> registry.register(pipe.receiver(), 2, Interest.READABLE));
            // The sender, still registered, sees the receiver gone.
            assertTrue(TestSupport.pollFor(poll, events, 1));
        }
    }

    @Test
    void closingAPipeEndRegisteredWithAClosedPollIsFine() throws Exception {
        Pipe pipe = Pipe.open();
        Poll poll = Poll.open();
        poll.registry().register(pipe.receiver(), 1, Interest.READABLE);
        poll.registry().register(pipe.sender(), 2, Interest.WRITABLE);
        poll.close();
        assertDoesNotThrow(pipe::close);
    }
}
