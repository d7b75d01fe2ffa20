package dev.pollux.internal.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.Interest;
import dev.pollux.OsException;
import dev.pollux.Trigger;
import dev.pollux.ffi.epoll.Errno;
import dev.pollux.ffi.epoll.EventFd;
import dev.pollux.ffi.epoll.Fd;
import dev.pollux.internal.EventFormat;
import dev.pollux.internal.Readiness;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What is particular to the io_uring selector, below the public API (the whole suite also runs on
 * it with {@code -Dpollux.backend=io_uring}): the one-shot fallback, stale completions, batching,
 * and why it refuses to open. Needs a kernel that allows io_uring (5.11 or later).
 */
class IoUringSelectorTest {
    private static final long PATIENCE = 5_000_000_000L;
    private static final int CAPACITY = 16;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment events = arena.allocate(CAPACITY * IoUringEventFormat.SIZE, 8);
    private final EventFormat format = IoUringEventFormat.INSTANCE;
    private IoUringSelector selector;
    private int efd;
    private final java.util.List<Integer> pipeEnds = new java.util.ArrayList<>();

    @BeforeEach
    void openEventFd() {
        efd = EventFd.create(0, EventFd.CLOEXEC | EventFd.NONBLOCK);
        assertTrue(efd >= 0);
    }

    @AfterEach
    void close() throws IOException {
        if (selector != null) {
            selector.close();
        }
        Fd.close(efd);
        for (int fd : pipeEnds) {
            Fd.close(fd);
        }
        arena.close();
    }

    /** Whether the running kernel is at least {@code major.minor}. */
    private static boolean kernelAtLeast(int major, int minor) {
        String[] version = System.getProperty("os.version").split("[.-]");
        int runningMajor = Integer.parseInt(version[0]);
        int runningMinor = Integer.parseInt(version[1]);
        return runningMajor > major || (runningMajor == major && runningMinor >= minor);
    }

    /** Opens a selector with {@code property} set to {@code false} (a feature turned off). */
    private static IoUringSelector openWithout(String property) throws IOException {
        System.setProperty(property, "false");
        try {
            return IoUringSelector.open();
        } finally {
            System.clearProperty(property);
        }
    }

    private int select(long timeoutNanos) throws IOException {
        return selector.select(events, CAPACITY, timeoutNanos);
    }

    @Test
    void multishotPollIsDetectedOnKernelsThatHaveIt() throws IOException {
        selector = IoUringSelector.open();
        assertEquals(kernelAtLeast(5, 13), selector.multishot(), "multishot poll exists from Linux 5.13; this is " + System.getProperty("os.version"));
    }

    @Test
    void completionWorkIsDeferredOnKernelsThatHaveIt() throws IOException {
        selector = IoUringSelector.open();
        IoUringSelector.TaskRun expected = kernelAtLeast(6, 1) ? IoUringSelector.TaskRun.DEFERRED
                : kernelAtLeast(5, 19) ? IoUringSelector.TaskRun.COOPERATIVE : IoUringSelector.TaskRun.INTERRUPTING;
        assertEquals(expected, selector.taskRun(), "DEFER_TASKRUN exists from Linux 6.1, COOP_TASKRUN from 5.19; this is "
                + System.getProperty("os.version"));
    }

    @Test
    void deferredCompletionWorkCanBeTurnedOff() throws IOException {
        selector = openWithout(IoUringSelector.DEFERRED_PROPERTY);
        assertEquals(kernelAtLeast(5, 19) ? IoUringSelector.TaskRun.COOPERATIVE : IoUringSelector.TaskRun.INTERRUPTING,
                selector.taskRun());
        selector.register(efd, 4, Interest.READABLE, Trigger.EDGE);
        assertEquals(0, EventFd.add(efd, 1));
        assertEquals(1, select(PATIENCE));
        assertEquals(4, format.token(events, 0));
    }

    /**
     * A deferred ring takes submissions from the thread that enabled it only: a select from
     * another thread moves the registrations to a new ring, keeps what the old one reported, and
     * keeps every registration as it was (a fired one-shot stays disarmed).
     */
    @Test
    void aSelectFromAnotherThreadKeepsEveryRegistration() throws Exception {
        selector = IoUringSelector.open();
        int[] pair = new int[2];
        assertEquals(0, Fd.pipe2(pair, Fd.O_NONBLOCK | Fd.O_CLOEXEC));
        pipeEnds.add(pair[0]);
        pipeEnds.add(pair[1]);
        int oneShot = EventFd.create(0, EventFd.CLOEXEC | EventFd.NONBLOCK);
        pipeEnds.add(oneShot);
        selector.register(efd, 1, Interest.READABLE, Trigger.EDGE);
        selector.register(pair[0], 2, Interest.READABLE, Trigger.LEVEL);
        selector.register(oneShot, 3, Interest.READABLE, Trigger.ONESHOT);
        assertEquals(0, select(0), "armed by this thread");
        assertEquals(0, EventFd.add(oneShot, 1));
        assertEquals(1, select(PATIENCE), "the one-shot fires");
        assertEquals(3, format.token(events, 0));
        assertEquals(0, EventFd.add(efd, 1)); // reported to the next select, on another thread
        int before = dev.pollux.OpenFds.count();
        for (int handOver = 0; handOver < 3; handOver++) {
            java.util.Map<Long, Integer> seen = new java.util.HashMap<>();
            Throwable[] failure = {null};
            Thread other = Thread.ofPlatform().start(() -> {
                try (Arena own = Arena.ofConfined()) {
                    MemorySegment buffer = own.allocate(CAPACITY * IoUringEventFormat.SIZE, 8);
                    int n = selector.select(buffer, CAPACITY, PATIENCE);
                    for (int i = 0; i < n; i++) {
                        seen.put(format.token(buffer, i), format.readiness(buffer, i));
                    }
                } catch (Throwable t) {
                    failure[0] = t;
                }
            });
            other.join();
            assertEquals(null, failure[0]);
            if (handOver == 0) {
                assertEquals(java.util.Set.of(1L), seen.keySet(), "the eventfd's edge, reported once; nothing else ready");
                // Drained: else the next move's new multishot request would report it again (once).
                assertEquals(0, EventFd.reset(efd));
                assertEquals(1, Fd.write(pair[1], arena.allocate(1), 1)); // the pipe becomes readable, level-triggered
            } else {
                assertEquals(java.util.Set.of(2L), seen.keySet(), "hand-over " + handOver + ": the level-triggered pipe, still ready");
            }
        }
        assertEquals(before, dev.pollux.OpenFds.count(), "each move closed the ring it left");
        assertEquals(1, select(PATIENCE), "back on this thread: the pipe is still ready");
        assertEquals(2, format.token(events, 0));
        assertEquals(0, EventFd.add(efd, 1));
        assertEquals(0, EventFd.add(oneShot, 1));
        java.util.Set<Long> tokens = new java.util.HashSet<>();
        int n = select(PATIENCE);
        for (int i = 0; i < n; i++) {
            tokens.add(format.token(events, i));
        }
        assertEquals(java.util.Set.of(1L, 2L), tokens, "the eventfd's new edge and the pipe; the fired one-shot stays quiet");
    }

    /**
     * A completion-based stream's receive outstanding when another thread takes over polling (a
     * deferred ring moves): the old ring dropped it without reading, so it goes again on the new
     * ring and the bytes written before the move arrive whole.
     */
    @Test
    void aStreamsReceiveGoesAgainWhenAnotherThreadTakesOverPolling() throws Exception {
        selector = IoUringSelector.open();
        try (dev.pollux.net.UnixStream.Pair pair = dev.pollux.net.UnixStream.pair()) {
            CompletionStream stream = selector.openStream(dev.pollux.internal.StreamSockets.fd(pair.first()), 7);
            assertEquals(0, select(0), "the receive is submitted, and waits");
            assertEquals(2, pair.second().write(java.nio.ByteBuffer.wrap("hi".getBytes())));
            long[] token = {-1};
            Throwable[] failure = {null};
            Thread other = Thread.ofPlatform().start(() -> {
                try (Arena own = Arena.ofConfined()) {
                    MemorySegment buffer = own.allocate(CAPACITY * IoUringEventFormat.SIZE, 8);
                    if (selector.select(buffer, CAPACITY, PATIENCE) == 1) {
                        token[0] = format.token(buffer, 0);
                    }
                } catch (Throwable t) {
                    failure[0] = t;
                }
            });
            other.join();
            assertEquals(null, failure[0]);
            assertEquals(7, token[0], "the receive completed on the thread that polls now");
            java.nio.ByteBuffer dst = java.nio.ByteBuffer.allocate(8);
            assertEquals(2, stream.read(dst));
            assertEquals("hi", new String(dst.array(), 0, 2));
            stream.close();
        }
    }

    /** Closing the selector closes the descriptors of the completion-based streams still open. */
    @Test
    void closingTheSelectorClosesItsStreamsDescriptors() throws Exception {
        try (dev.pollux.net.UnixStream.Pair pair = dev.pollux.net.UnixStream.pair()) {
            int before = dev.pollux.OpenFds.count();
            selector = IoUringSelector.open();
            CompletionStream stream = selector.openStream(dev.pollux.internal.StreamSockets.fd(pair.first()), 7);
            assertEquals(0, select(0), "the receive is submitted, and waits");
            assertEquals(5, stream.write(java.nio.ByteBuffer.wrap("hello".getBytes())));
            assertEquals(0, select(0), "the send goes out (reporting nothing: no write waited)");
            selector.close();
            selector = null;
            assertEquals(before, dev.pollux.OpenFds.count(), "the ring, the kick eventfd and the stream's duplicate closed");
            java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(8);
            assertEquals(5, pair.second().read(in));
            assertThrowsClosed(() -> stream.read(java.nio.ByteBuffer.allocate(1)));
        }
    }

    private static void assertThrowsClosed(org.junit.jupiter.api.function.Executable call) {
        org.junit.jupiter.api.Assertions.assertThrows(java.nio.channels.ClosedChannelException.class, call);
    }

    @Test
    void aNonBlockingPollRunsCompletionWorkWaitingForItsThread() throws Exception {
        selector = IoUringSelector.open();
        selector.register(efd, 3, Interest.READABLE, Trigger.EDGE); // armed by this thread
        for (int round = 0; round < 100; round++) {
            java.util.concurrent.atomic.AtomicBoolean written = new java.util.concurrent.atomic.AtomicBoolean();
            Thread writer = Thread.ofPlatform().start(() -> {
                EventFd.add(efd, 1); // the completion becomes work for this test's thread
                written.set(true);
            });
            while (!written.get()) {
                Thread.onSpinWait(); // no system call here, so nothing runs that work by the way
            }
            assertEquals(1, select(0), "round " + round + ": a poll that does not wait still sees the wake-up");
            assertEquals(3, format.token(events, 0));
            assertEquals(0, EventFd.reset(efd));
            writer.join();
        }
    }

    @Test
    void oneShotFallbackRearmsEdgeRegistrations() throws IOException {
        selector = openWithout(IoUringSelector.MULTISHOT_PROPERTY);
        assertFalse(selector.multishot());
        selector.register(efd, 5, Interest.READABLE, Trigger.EDGE);
        assertEquals(0, select(0));
        for (int round = 0; round < 3; round++) {
            assertEquals(0, EventFd.add(efd, 1));
            assertEquals(1, select(PATIENCE), "round " + round);
            assertEquals(5, format.token(events, 0));
            assertTrue((format.readiness(events, 0) & Readiness.READABLE) != 0);
            assertEquals(0, EventFd.reset(efd));
            // Drained before the re-armed request reached the kernel: nothing more to report.
            assertEquals(0, select(20_000_000L));
        }
        selector.deregister(efd);
        assertEquals(0, EventFd.add(efd, 1));
        assertEquals(0, select(20_000_000L));
    }

    @Test
    void completionsOfAReplacedRequestCarryNoOldToken() throws IOException {
        selector = IoUringSelector.open();
        selector.register(efd, 1, Interest.READABLE, Trigger.EDGE);
        assertEquals(0, select(0), "armed by this thread, nothing ready");
        assertEquals(0, EventFd.add(efd, 1)); // the old request completes now, into the ring
        selector.reregister(efd, 2, Interest.READABLE, Trigger.EDGE);
        int n = select(PATIENCE);
        assertEquals(1, n, "the new request reports the descriptor, still readable, once");
        assertEquals(2, format.token(events, 0));

        assertEquals(0, EventFd.add(efd, 1)); // another completion waits in the ring...
        selector.deregister(efd); // ...and must not come out after this
        assertEquals(0, select(20_000_000L));
    }

    @Test
    void changesWaitForTheNextPollAndCoalesce() throws IOException {
        selector = IoUringSelector.open();
        selector.register(efd, 1, Interest.READABLE, Trigger.EDGE);
        assertEquals(1, selector.pendingChanges(), "register only queues: a bad descriptor is caught by fcntl");
        selector.reregister(efd, 2, Interest.READABLE.add(Interest.WRITABLE), Trigger.EDGE);
        assertEquals(1, selector.pendingChanges(), "the same descriptor is queued once");
        assertEquals(1, select(PATIENCE));
        assertEquals(0, selector.pendingChanges(), "the poll submitted it");
        assertEquals(2, format.token(events, 0));
        assertTrue((format.readiness(events, 0) & Readiness.WRITABLE) != 0);
        selector.deregister(efd);
        assertEquals(0, selector.pendingChanges(), "deregister on the polling thread submits at once: the request holds the open file");
    }

    @Test
    void ownedRegisterAndDeregisterWaitForTheNextPoll() throws IOException {
        selector = IoUringSelector.open();
        assertEquals(0, select(0), "this thread polls");
        selector.registerOwned(efd, 1, Interest.READABLE, Trigger.EDGE);
        selector.deregisterOwned(efd);
        selector.registerOwned(efd, 2, Interest.READABLE, Trigger.EDGE);
        assertEquals(1, selector.pendingChanges(), "add, remove, add: one queued descriptor, no system call yet");
        assertEquals(0, select(0), "nothing ready yet");
        assertEquals(0, selector.pendingChanges(), "the poll submitted it");
        assertEquals(0, EventFd.add(efd, 1));
        assertEquals(1, select(PATIENCE));
        assertEquals(2, format.token(events, 0), "only the live registration reports");
        selector.deregisterOwned(efd);
        assertEquals(1, selector.pendingChanges(), "an owned removal waits for the next poll or a release");
        assertEquals(0, EventFd.add(efd, 1));
        assertEquals(0, select(20_000_000L));
    }

    @Test
    void releaseHandsDeferredRemovalsToTheKernelSoThatCloseClosesTheFile() throws IOException {
        selector = IoUringSelector.open();
        int[] pair = new int[2];
        assertEquals(0, Fd.pipe2(pair, Fd.O_NONBLOCK | Fd.O_CLOEXEC));
        MemorySegment byteBuffer = arena.allocate(1);
        try {
            selector.registerOwned(pair[1], 3, Interest.WRITABLE, Trigger.EDGE);
            assertEquals(1, select(PATIENCE), "the pipe is writable");

            selector.deregisterOwned(pair[1]);
            assertEquals(0, Fd.close(pair[1]));
            // Not released: the poll request still holds the write end, so no end of stream.
            assertEquals(-Errno.EAGAIN, Fd.read(pair[0], byteBuffer, 1));
            selector.release(pair[1]);
            assertEquals(0, selector.pendingChanges());
            assertEquals(0L, Fd.read(pair[0], byteBuffer, 1), "released: the write end is closed");
        } finally {
            Fd.close(pair[0]);
        }
    }

    @Test
    void aRemovalRefusedWhileTheRequestCompletesIsRetried() throws IOException {
        selector = IoUringSelector.open();
        MemorySegment byteBuffer = arena.allocate(1);
        for (int round = 0; round < 20; round++) {
            int[] pair = new int[2];
            assertEquals(0, Fd.pipe2(pair, Fd.O_NONBLOCK | Fd.O_CLOEXEC));
            try {
                selector.registerOwned(pair[1], 8, Interest.WRITABLE, Trigger.LEVEL);
                assertEquals(1, select(0), "writable");
                // The poll wrote the level-triggered re-arm; the release submits it with the
                // removal, while the pipe is writable: the kernel completes the new request during
                // the submission and refuses the removal (EALREADY).
                assertTrue(selector.pendingChanges() > 0, "the re-arm waits in the submission ring");
                selector.deregisterOwned(pair[1]);
                selector.release(pair[1]);
                assertEquals(0, Fd.close(pair[1]));
                assertEquals(0L, Fd.read(pair[0], byteBuffer, 1), "round " + round + ": the write end is closed");
                assertEquals(0, select(0), "round " + round + ": nothing for the removed registration");
            } finally {
                Fd.close(pair[0]);
            }
        }
    }

    @Test
    void anOwnedRegistrationTheKernelRefusesReportsAnErrorEvent() throws IOException {
        selector = IoUringSelector.open();
        int closed = EventFd.create(0, EventFd.CLOEXEC | EventFd.NONBLOCK);
        assertEquals(0, Fd.close(closed));
        // An owner's descriptor is open unless the owner breaks its promise; then the kernel's
        // EBADF arrives as an error event rather than being lost.
        selector.registerOwned(closed, 4, Interest.READABLE, Trigger.EDGE);
        assertEquals(1, select(PATIENCE));
        assertEquals(4, format.token(events, 0));
        assertTrue((format.readiness(events, 0) & Readiness.ERROR) != 0);
        selector.deregisterOwned(closed);
        assertEquals(0, select(20_000_000L), "a failed request is not re-armed");
    }

    /**
     * On a cooperative ring each wake-up becomes a completion as soon as the polling thread
     * leaves the kernel (here, its own eventfd writes), so 5,000 of them overflow the ring; a
     * deferred ring makes them one completion when asked.
     */
    @Test
    void aMultishotPollEndedByCompletionOverflowIsRearmed() throws IOException {
        selector = openWithout(IoUringSelector.DEFERRED_PROPERTY);
        selector.register(efd, 6, Interest.READABLE, Trigger.EDGE);
        assertEquals(0, select(0), "armed by this thread, nothing ready");
        // Every eventfd write is a wake-up, so a completion: more than the 4096-entry completion
        // ring holds. The kernel keeps the rest in its overflow list and ends the multishot poll.
        for (int i = 0; i < 5_000; i++) {
            assertEquals(0, EventFd.add(efd, 1));
        }
        assertEquals(4096, selector.completionsWaiting(), "the completion ring is full");
        assertEquals(1, select(PATIENCE), "one event for all of them");
        assertEquals(6, format.token(events, 0));
        int polls = 0;
        while (select(20_000_000L) > 0) { // what the overflow list held: the same descriptor
            assertEquals(6, format.token(events, 0));
            assertTrue(++polls < 10, "events keep coming");
        }
        assertEquals(0, EventFd.reset(efd));
        assertEquals(0, select(20_000_000L));

        assertEquals(0, EventFd.add(efd, 1));
        assertEquals(1, select(PATIENCE), "the registration still reports after the overflow");
        assertEquals(6, format.token(events, 0));
    }

    @Test
    void completionsOfOneDescriptorMergeIntoOneEvent() throws IOException {
        selector = IoUringSelector.open();
        selector.register(efd, 9, Interest.READABLE, Trigger.EDGE);
        assertEquals(0, select(0), "armed by this thread, nothing ready");
        for (int i = 0; i < 5; i++) {
            assertEquals(0, EventFd.add(efd, 1)); // five wake-ups, five completions
        }
        assertEquals(1, select(PATIENCE));
        assertEquals(9, format.token(events, 0));
    }

    @Test
    void churnBetweenPollsCancelsOut() throws IOException {
        selector = IoUringSelector.open();
        assertEquals(0, select(0), "this thread polls");
        for (int i = 0; i < 10_000; i++) {
            selector.register(efd, i, Interest.READABLE, Trigger.EDGE);
            selector.reregister(efd, i, Interest.READABLE.add(Interest.WRITABLE), Trigger.EDGE);
            selector.deregister(efd);
        }
        assertEquals(1, selector.pendingChanges(), "one queued descriptor; nothing was submitted");
        assertEquals(0, selector.completionsWaiting());
        assertEquals(0, select(0), "the rounds cancel out");
        assertEquals(0, selector.pendingChanges());
        selector.register(efd, 77, Interest.READABLE, Trigger.EDGE);
        assertEquals(0, EventFd.add(efd, 1));
        assertEquals(1, select(PATIENCE));
        assertEquals(77, format.token(events, 0));
    }

    /**
     * A live completion at the head stops the stale ones behind it from being dropped; the
     * polling thread's raw deregisters between polls submit (the request holds the file), and
     * each leaves completions behind: a full ring ends multishot polls (one edge then reported
     * twice, once by the ending completion and once by the re-armed request). The submitting
     * thread stashes the ring's completions instead; they reach the next poll, except those of
     * registrations removed since.
     */
    @Test
    void churnBehindALiveCompletionStashesItInsteadOfFillingTheRing() throws IOException {
        selector = IoUringSelector.open();
        selector.register(efd, 1, Interest.READABLE, Trigger.EDGE);
        assertEquals(0, select(0), "armed by this thread, nothing ready");
        assertEquals(0, EventFd.add(efd, 1)); // a live completion at the head of the ring
        dev.pollux.internal.SelectorWaker waker = selector.openWaker(2);
        waker.wake();
        int[] a = new int[2];
        int[] b = new int[2];
        assertEquals(0, Fd.pipe2(a, Fd.O_NONBLOCK | Fd.O_CLOEXEC));
        assertEquals(0, Fd.pipe2(b, Fd.O_NONBLOCK | Fd.O_CLOEXEC));
        try {
            selector.register(b[1], 99, Interest.WRITABLE, Trigger.EDGE);
            for (int i = 0; i < 5_000; i++) {
                // Writable at once: each deregister submits the other pipe's new request, which
                // completes, and the removal, which ends the removed request with a completion.
                selector.register(a[1], 100 + i, Interest.WRITABLE, Trigger.EDGE);
                selector.deregister(b[1]);
                selector.register(b[1], 100 + i, Interest.WRITABLE, Trigger.EDGE);
                selector.deregister(a[1]);
                assertFalse(selector.completionRingOverflowed(), "round " + i + ": the ring filled");
            }
            selector.deregister(b[1]);
            selector.register(b[1], 3, Interest.WRITABLE, Trigger.EDGE);
            assertEquals(3, select(0), "the eventfd's edge, the wake and the live pipe registration; no removed token");
            java.util.Set<Long> tokens = new java.util.HashSet<>();
            for (int i = 0; i < 3; i++) {
                tokens.add(format.token(events, i));
            }
            assertEquals(java.util.Set.of(1L, 2L, 3L), tokens);
            assertEquals(0, select(20_000_000L), "each edge once");
            assertEquals(0, EventFd.add(efd, 1));
            waker.wake();
            assertEquals(2, select(PATIENCE), "the eventfd's multishot poll is still armed, the waker still works");
        } finally {
            Fd.close(a[0]);
            Fd.close(a[1]);
            Fd.close(b[0]);
            Fd.close(b[1]);
        }
    }

    @Test
    void interruptEndsABlockedSelect() throws Exception {
        selector = IoUringSelector.open();
        int[] result = {-1};
        Throwable[] failure = {null};
        Thread poller = new Thread(() -> {
            try {
                result[0] = select(-1);
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        poller.start();
        Thread.sleep(100); // most likely blocked in io_uring_enter by now; if not, the flag stops it
        selector.implInterrupt();
        poller.join(PATIENCE / 1_000_000L);
        assertFalse(poller.isAlive(), "select did not return after implInterrupt");
        assertEquals(null, failure[0]);
        assertEquals(0, result[0]);

        // Interrupted before it waits: the next select returns at once, then selects block again.
        selector.implInterrupt();
        assertEquals(0, select(-1));
        assertEquals(0, select(20_000_000L));
    }

    @Test
    void moreReadyLevelTriggeredDescriptorsThanSubmissionSlots() throws IOException {
        selector = IoUringSelector.open();
        int count = 600; // more re-arms per poll than the 256-entry submission ring holds
        int[] receivers = readyPipes(count);
        for (int i = 0; i < count; i++) {
            selector.register(receivers[i], i, Interest.READABLE, Trigger.LEVEL);
        }
        MemorySegment many = arena.allocate(1024 * IoUringEventFormat.SIZE, 8);
        for (int round = 0; round < 3; round++) {
            java.util.BitSet seen = new java.util.BitSet();
            long deadline = System.nanoTime() + PATIENCE;
            while (seen.cardinality() < count && System.nanoTime() < deadline) {
                int n = selector.select(many, 1024, 100_000_000L);
                for (int i = 0; i < n; i++) {
                    seen.set((int) format.token(many, i));
                }
            }
            assertEquals(count, seen.cardinality(), "round " + round + ": level-triggered, all still ready");
        }
    }

    /** Opens {@code count} pipes holding one byte each (closed after the test): their read ends. */
    private int[] readyPipes(int count) {
        int[] receivers = new int[count];
        MemorySegment one = arena.allocate(1);
        for (int i = 0; i < count; i++) {
            int[] pair = new int[2];
            assertEquals(0, Fd.pipe2(pair, Fd.O_NONBLOCK | Fd.O_CLOEXEC));
            pipeEnds.add(pair[0]);
            pipeEnds.add(pair[1]);
            assertEquals(1, Fd.write(pair[1], one, 1));
            receivers[i] = pair[0];
        }
        return receivers;
    }

    /**
     * PollScaling once saw 48 of 64 ready descriptors: the submission ring had handed the first
     * 256 registrations to the kernel on its own, their completions were in the ring, and the
     * poll returned those without submitting the rest.
     */
    @Test
    void aPollReportsEveryReadyRegistrationMadeBeforeIt() throws IOException {
        selector = IoUringSelector.open();
        int count = 600; // more than twice the 256-entry submission ring
        int[] receivers = readyPipes(count);
        for (int i = 0; i < count; i++) {
            selector.registerOwned(receivers[i], i, Interest.READABLE, Trigger.LEVEL);
        }
        MemorySegment many = arena.allocate(1024 * IoUringEventFormat.SIZE, 8);
        for (int round = 0; round < 3; round++) {
            int n = selector.select(many, 1024, 0);
            java.util.BitSet seen = new java.util.BitSet();
            for (int i = 0; i < n; i++) {
                seen.set((int) format.token(many, i));
            }
            assertEquals(count, seen.cardinality(), "poll " + round + ": every descriptor is ready and level-triggered");
            assertEquals(count, n, "one event per descriptor");
        }
    }

    /**
     * PollScaling's teardown (closing 10,000 sockets, 1,024 of them ready and level-triggered)
     * once spun for twenty minutes: relieving a crowded ring re-armed the level-triggered
     * descriptors, a full submission ring submitted the re-arms, each posted a new completion at
     * once, and the relief read on until the ring was empty, which it never became.
     */
    @Test
    void relievingACrowdedRingEndsWhileLevelTriggeredDescriptorsStayReady() throws Exception {
        selector = IoUringSelector.open();
        int count = 300; // more than the 256-entry submission ring: re-arming them fills it
        int[] receivers = readyPipes(count);
        for (int i = 0; i < count; i++) {
            selector.registerOwned(receivers[i], i, Interest.READABLE, Trigger.LEVEL);
        }
        int[] a = new int[2];
        int[] b = new int[2];
        assertEquals(0, Fd.pipe2(a, Fd.O_NONBLOCK | Fd.O_CLOEXEC));
        assertEquals(0, Fd.pipe2(b, Fd.O_NONBLOCK | Fd.O_CLOEXEC));
        for (int fd : new int[] {a[0], a[1], b[0], b[1]}) {
            pipeEnds.add(fd);
        }
        Throwable[] failure = {null};
        // On a thread of its own, so that the bug fails this test instead of hanging the suite;
        // that thread polls, so its deregisters submit.
        Thread churn = Thread.ofPlatform().daemon().start(() -> {
            try (Arena own = Arena.ofConfined()) {
                MemorySegment many = own.allocate(1024 * IoUringEventFormat.SIZE, 8);
                assertEquals(count, selector.select(many, 1024, 0), "every descriptor is ready");
                selector.register(b[1], 99, Interest.WRITABLE, Trigger.EDGE);
                for (int i = 0; i < 1_500; i++) {
                    // Completions pile up behind the live ones at the head until a relief moves them.
                    selector.register(a[1], 100_000 + i, Interest.WRITABLE, Trigger.EDGE);
                    selector.deregister(b[1]);
                    selector.register(b[1], 100_000 + i, Interest.WRITABLE, Trigger.EDGE);
                    selector.deregister(a[1]);
                }
                selector.deregister(b[1]);
                int n = selector.select(many, 1024, 0);
                java.util.BitSet seen = new java.util.BitSet();
                for (int i = 0; i < n; i++) {
                    long token = format.token(many, i);
                    assertTrue(token < count, "no removed registration's token: " + token);
                    seen.set((int) token);
                }
                assertEquals(count, seen.cardinality(), "every level-triggered descriptor is still ready");
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        if (!churn.join(java.time.Duration.ofSeconds(60))) {
            selector = null; // left open: closing it would wait for the spinning thread
            pipeEnds.clear();
            throw new AssertionError("3,000 register/deregister pairs did not end within a minute");
        }
        if (failure[0] != null) {
            throw new AssertionError("the churn failed", failure[0]);
        }
    }

    /**
     * A request's completion work runs on the thread that submitted it: had the registering
     * thread submitted, every wake-up of the descriptor would wake that thread (parked here, as
     * an executor's caller blocked on a future is), costing a context switch per event. Only
     * the polling thread submits, so the parked thread sleeps through them all.
     */
    @Test
    void aRegistrationFromAnotherThreadLeavesThatThreadAsleep() throws Exception {
        selector = IoUringSelector.open();
        java.util.concurrent.atomic.AtomicInteger reported = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Throwable[] failure = {null};
        Thread poller = Thread.ofPlatform().start(() -> {
            try (Arena own = Arena.ofConfined()) {
                MemorySegment buffer = own.allocate(CAPACITY * IoUringEventFormat.SIZE, 8);
                while (!stop.get()) {
                    int n = selector.select(buffer, CAPACITY, 100_000_000L);
                    for (int i = 0; i < n; i++) {
                        if (format.token(buffer, i) == 7) {
                            reported.incrementAndGet();
                        }
                    }
                }
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        java.util.concurrent.CountDownLatch registered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        String[] task = {null};
        Thread registrar = Thread.ofPlatform().start(() -> {
            try {
                task[0] = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self")).toString();
                Thread.sleep(50); // most likely while the poller waits: the change kicks it
                selector.register(efd, 7, Interest.READABLE, Trigger.EDGE);
                registered.countDown();
                done.await();
            } catch (Throwable t) {
                failure[0] = t;
                registered.countDown();
            }
        });
        try {
            registered.await();
            long before = voluntarySwitches(task[0]);
            int wakeUps = 200;
            for (int i = 1; i <= wakeUps; i++) {
                assertEquals(0, EventFd.add(efd, 1));
                long deadline = System.nanoTime() + PATIENCE;
                while (reported.get() < i && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(i, reported.get(), "the registration from another thread reports each wake-up");
            }
            long switches = voluntarySwitches(task[0]) - before;
            assertTrue(switches < wakeUps / 4, "the registering thread was woken " + switches + " times for " + wakeUps + " events");
        } finally {
            done.countDown();
            stop.set(true);
            registrar.join();
            poller.join();
        }
        assertEquals(null, failure[0]);
    }

    /** The voluntary context switches of the task at {@code /proc/<task>} (as /proc/thread-self names it). */
    private static long voluntarySwitches(String task) throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", task, "status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("no voluntary_ctxt_switches in /proc/" + task + "/status");
    }

    /**
     * Another thread's deregister cannot submit the removal; it kicks the waiting select, which
     * does, so the file closes with its descriptor a moment later.
     */
    @Test
    void aDeregisterFromAnotherThreadReleasesTheFileThroughTheWaitingSelect() throws Exception {
        selector = IoUringSelector.open();
        int[] pair = new int[2];
        assertEquals(0, Fd.pipe2(pair, Fd.O_NONBLOCK | Fd.O_CLOEXEC));
        pipeEnds.add(pair[0]);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        Throwable[] failure = {null};
        Thread poller = Thread.ofPlatform().start(() -> {
            try (Arena own = Arena.ofConfined()) {
                MemorySegment buffer = own.allocate(CAPACITY * IoUringEventFormat.SIZE, 8);
                while (!stop.get()) {
                    selector.select(buffer, CAPACITY, -1);
                    polls.incrementAndGet();
                }
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        try {
            selector.register(pair[1], 3, Interest.WRITABLE, Trigger.EDGE);
            long deadline = System.nanoTime() + PATIENCE;
            while (polls.get() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the kick ends a wait; the writable pipe reports
            }
            assertTrue(polls.get() > 0, "the waiting select saw the registration");
            Thread.sleep(20); // waiting again
            selector.deregister(pair[1]);
            assertEquals(0, Fd.close(pair[1]));
            MemorySegment byteBuffer = arena.allocate(1);
            long read;
            do {
                read = Fd.read(pair[0], byteBuffer, 1);
            } while (read == -Errno.EAGAIN && System.nanoTime() < deadline);
            assertEquals(0L, read, "the write end closed");
        } finally {
            stop.set(true);
            selector.implInterrupt();
            poller.join();
        }
        assertEquals(null, failure[0]);
    }

    @Test
    void refusalSaysWhy() {
        UnsupportedOperationException eperm = IoUringSelector.unavailable("io_uring_setup", Errno.EPERM);
        assertTrue(eperm.getMessage().contains("EPERM"), eperm.getMessage());
        assertTrue(eperm.getMessage().contains("io_uring_disabled"), eperm.getMessage());
        assertEquals("io_uring_setup", assertInstanceOf(OsException.class, eperm.getCause()).call());
        UnsupportedOperationException enosys = IoUringSelector.unavailable("io_uring_setup", Errno.ENOSYS);
        assertTrue(enosys.getMessage().contains("no io_uring"), enosys.getMessage());
    }
}
