package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.ffi.epoll.Errno;
import dev.pollux.ffi.epoll.EventFd;
import dev.pollux.ffi.epoll.Fd;
import dev.pollux.unix.Pipe;
import dev.pollux.unix.SourceFd;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The registry and wakers used from many threads at once while another thread polls. */
class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int PIPES_PER_THREAD = 32;
    private static final long STOP = Long.MAX_VALUE;
    private static final long JUNK_BASE = 1_000_000;

    /** A thread that polls until told to stop (through a waker with token {@link #STOP}). */
    private static final class Poller {
        final Set<Long> seen = ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final Thread thread;
        private final Waker stopper;
        private volatile boolean stop;

        Poller(Poll poll) throws Exception {
            stopper = new Waker(poll.registry(), STOP);
            thread = Thread.ofPlatform().daemon().name("poller").start(() -> {
                Events events = Events.withCapacity(64);
                try {
                    while (!stop) {
                        poll.poll(events, null);
                        for (int i = 0; i < events.size(); i++) {
                            seen.add(events.token(i));
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
        }

        /** Waits until every token in {@code wanted} has been seen, or the patience runs out. */
        boolean awaitSeen(Set<Long> wanted) {
            long deadline = System.nanoTime() + TestSupport.PATIENCE.toNanos() * 2;
            while (System.nanoTime() < deadline) {
                if (seen.containsAll(wanted) || !thread.isAlive()) {
                    return seen.containsAll(wanted);
                }
                TestSupport.sleep(Duration.ofMillis(10));
            }
            return seen.containsAll(wanted);
        }

        void stop() throws Exception {
            stop = true;
            stopper.wake();
            TestSupport.join(thread);
        }
    }

    @Test
    void registryOpsFromManyThreadsWhileAnotherPolls() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.CONCURRENT_CHANGES_CRASH);
        List<Pipe> pipes = new ArrayList<>();
        try (Poll poll = Poll.open()) {
            for (int i = 0; i < THREADS * PIPES_PER_THREAD; i++) {
                pipes.add(Pipe.open());
            }
            Registry registry = poll.registry();
            Poller poller = new Poller(poll);
            Set<Long> registered = ConcurrentHashMap.newKeySet();
            Set<Long> deregistered = ConcurrentHashMap.newKeySet();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            try {
                for (int t = 0; t < THREADS; t++) {
                    int first = t * PIPES_PER_THREAD;
                    workers.add(Thread.ofPlatform().daemon().name("registrar-" + t).start(() -> {
                        try {
                            start.await();
                            for (int i = first; i < first + PIPES_PER_THREAD; i++) {
                                Pipe.Receiver r = pipes.get(i).receiver();
                                long token = i;
                                // Churn through every operation before settling.
                                registry.register(r, JUNK_BASE + token, Interest.READABLE);
                                registry.reregister(r, JUNK_BASE + token, Interest.READABLE, Trigger.LEVEL);
                                registry.deregister(r);
                                registry.register(r, JUNK_BASE + token, Interest.READABLE, Trigger.ONESHOT);
                                if (i % 2 == 0) {
                                    registry.reregister(r, token, Interest.READABLE);
                                    registered.add(token);
                                } else {
                                    registry.deregister(r);
                                    deregistered.add(token);
                                }
                            }
                            // Then make every pipe readable, registered or not.
                            for (int i = first; i < first + PIPES_PER_THREAD; i++) {
                                assertEquals(1, pipes.get(i).sender().write(ByteBuffer.wrap(new byte[] {(byte) i})));
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }));
                }
                start.countDown();
                for (Thread w : workers) {
                    TestSupport.join(w);
                }
                assertTrue(failures.isEmpty(), () -> "registrar failed: " + failures);
                assertEquals(THREADS * PIPES_PER_THREAD / 2, registered.size());

                boolean all = poller.awaitSeen(registered);
                Set<Long> missing = new TreeSet<>(registered);
                missing.removeAll(poller.seen);
                assertTrue(all, () -> missing.size() + " registered pipes were written to but never reported: " + missing);
            } finally {
                poller.stop();
            }
            assertTrue(poller.failures.isEmpty(), () -> "poller failed: " + poller.failures);

            // Pipes deregistered before they were written to were never reported, and every token
            // the poller saw is one that was registered at some point.
            Set<Long> wronglySeen = new TreeSet<>(deregistered);
            wronglySeen.retainAll(poller.seen);
            assertTrue(wronglySeen.isEmpty(), () -> "events for deregistered pipes: " + wronglySeen);
            for (long token : poller.seen) {
                boolean known = token == STOP || registered.contains(token)
                        || (token >= JUNK_BASE && token < JUNK_BASE + pipes.size());
                assertTrue(known, "unknown token " + token);
            }
        } finally {
            for (Pipe p : pipes) {
                p.close();
            }
        }
    }

    /**
     * Threads register pipe ends, make them ready, deregister and close them, while another thread
     * polls: each close closes the file (the writer sees EPIPE). On epoll at once; on io_uring at
     * once when the closing thread armed the kernel's poll request, and within microseconds when
     * the polling thread did (the kernel releases the file when that thread runs the cancellation
     * it is signalled to run). A removal racing the request's completion is refused there
     * (EALREADY) and must be retried, or the file stays open until the Poll closes.
     */
    @Test
    void sourcesDeregisteredAndClosedWhilePollingCloseTheirFiles() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.CONCURRENT_CHANGES_CRASH);
        int rounds = 300;
        int before = OpenFds.count();
        try (Poll poll = Poll.open()) {
            Registry registry = poll.registry();
            Poller poller = new Poller(poll);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            try {
                for (int t = 0; t < 4; t++) {
                    int worker = t;
                    workers.add(Thread.ofPlatform().daemon().name("closer-" + t).start(() -> {
                        ByteBuffer one = ByteBuffer.allocate(1);
                        try {
                            for (int i = 0; i < rounds; i++) {
                                try (Pipe pipe = Pipe.open()) {
                                    registry.register(pipe.receiver(), worker * rounds + i, Interest.READABLE);
                                    pipe.sender().write(one.clear());
                                    if (i % 2 == 0) {
                                        Thread.yield(); // sometimes let the poller take the completion first
                                    }
                                    registry.deregister(pipe.receiver());
                                    pipe.receiver().close();
                                    if (!writeFailsWithEpipeWithinASecond(pipe.sender())) {
                                        failures.add(new AssertionError("round " + i + ": the receiver's file is still open"));
                                        return;
                                    }
                                }
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }));
                }
                for (Thread w : workers) {
                    TestSupport.join(w);
                }
            } finally {
                poller.stop();
            }
            assertTrue(failures.isEmpty(), () -> "closing failed: " + failures);
            assertTrue(poller.failures.isEmpty(), () -> "poller failed: " + poller.failures);
        }
        OpenFds.assertBackTo(before, "pipes closed after deregistering");
    }

    /** Writes to {@code sender} until the write fails with EPIPE (its read end's file has closed). */
    private static boolean writeFailsWithEpipeWithinASecond(Pipe.Sender sender) throws Exception {
        long deadline = System.nanoTime() + 1_000_000_000L;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (System.nanoTime() < deadline) {
            try {
                sender.write(one.clear());
            } catch (OsException e) {
                assertEquals("EPIPE", e.codeName());
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /**
     * A registration made from another thread while the poller is blocked with no timeout is
     * reported by that blocked poll: otherwise a runtime that hands sources to its event loop
     * would hang.
     */
    @Test
    void registrationDuringABlockedPollWakesIt() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Waker waker = new Waker(poll.registry(), STOP);
            Events events = Events.withCapacity(4);
            AtomicInteger result = new AtomicInteger(-1);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            Thread poller = Thread.ofPlatform().daemon().name("poller").start(() -> {
                try {
                    result.set(poll.poll(events, null));
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            try {
                TestSupport.awaitInsidePoll(poller);
                pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
                poll.registry().register(pipe.receiver(), 5, Interest.READABLE);
                poller.join(TestSupport.PATIENCE);
                assertTrue(!poller.isAlive(), "the blocked poll did not report a registration made meanwhile");
            } finally {
                waker.wake();
                TestSupport.join(poller);
            }
            assertTrue(failures.isEmpty(), () -> "poller failed: " + failures);
            assertEquals(1, result.get());
            assertEquals(5, events.token(0));
        }
    }

    @Test
    void manyWakersWokenFromManyThreads() throws Exception {
        int wakerCount = 6;
        int wakingThreads = 4;
        int wakesPerThread = 20_000;
        try (Poll poll = Poll.open()) {
            List<Waker> wakers = new ArrayList<>();
            Set<Long> tokens = new TreeSet<>();
            for (int i = 0; i < wakerCount; i++) {
                wakers.add(new Waker(poll.registry(), 100 + i));
                tokens.add(100L + i);
            }
            Poller poller = new Poller(poll);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            try {
                for (int t = 0; t < wakingThreads; t++) {
                    threads.add(Thread.ofPlatform().daemon().name("waker-" + t).start(() -> {
                        try {
                            start.await();
                            ThreadLocalRandom random = ThreadLocalRandom.current();
                            for (int i = 0; i < wakesPerThread; i++) {
                                wakers.get(random.nextInt(wakerCount)).wake();
                            }
                            // Make sure every waker was woken at least once.
                            for (Waker w : wakers) {
                                w.wake();
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }));
                }
                start.countDown();
                for (Thread t : threads) {
                    TestSupport.join(t);
                }
                assertTrue(failures.isEmpty(), () -> "wake failed: " + failures);
                assertTrue(poller.awaitSeen(tokens), () -> {
                    Set<Long> missing = new TreeSet<>(tokens);
                    missing.removeAll(poller.seen);
                    return "wakers never reported: " + missing;
                });
            } finally {
                poller.stop();
            }
            assertTrue(poller.failures.isEmpty(), () -> "poller failed: " + poller.failures);
            for (long token : poller.seen) {
                assertTrue(token == STOP || tokens.contains(token), "unknown token " + token);
            }
        }
    }

    /**
     * wake() racing Waker.close() and Poll.close(): each wake succeeds or throws
     * ClosedSelectorException, and the closes finish while other threads keep calling wake()
     * (close must not wait for a moment when no wake() happens to be in flight).
     */
    @Test
    void wakeRacingClose() throws Exception {
        int before = OpenFds.count();
        for (int round = 0; round < 20; round++) {
            Poll poll = Poll.open();
            List<Waker> wakers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                wakers.add(new Waker(poll.registry(), i));
            }
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean giveUp = new AtomicBoolean();
            AtomicInteger wakes = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().daemon().name("waker-" + t).start(() -> {
                    boolean[] closed = new boolean[wakers.size()];
                    int closedCount = 0;
                    try {
                        for (int i = 0; closedCount < closed.length && !giveUp.get(); i++) {
                            int w = i % closed.length;
                            if (closed[w]) {
                                continue;
                            }
                            try {
                                wakers.get(w).wake();
                                wakes.incrementAndGet();
                            } catch (ClosedSelectorException e) {
                                closed[w] = true;
                                closedCount++;
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            try {
                awaitCount(wakes, 1000, failures);
                int r = round;
                assertTimeoutPreemptively(TestSupport.PATIENCE, () -> {
                    wakers.get(0).close();
                    wakers.get(1).close();
                    poll.close(); // closes the other two
                }, () -> "round " + r + ": Waker.close/Poll.close did not finish while other threads kept calling wake()");
                for (Thread t : threads) {
                    TestSupport.join(t);
                }
            } finally {
                giveUp.set(true);
                for (Thread t : threads) {
                    t.join(TestSupport.PATIENCE);
                }
                poll.close();
            }
            assertTrue(failures.isEmpty(), () -> "wake failed other than with ClosedSelectorException: " + failures);
        }
        OpenFds.assertBackTo(before, "wakers closed while being woken");
    }

    /**
     * Registry operations racing Poll.close(): each either succeeds or throws
     * ClosedSelectorException; none fails otherwise, and close finishes while they continue.
     */
    @Test
    void registryOpsRacingClose() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.EVENTFD_BUG);
        for (int round = 0; round < 20; round++) {
            int[] fds = new int[THREADS];
            for (int i = 0; i < fds.length; i++) {
                fds[i] = EventFd.create(0, EventFd.NONBLOCK | EventFd.CLOEXEC);
                assertTrue(fds[i] >= 0, "eventfd: " + Errno.name(-fds[i]));
            }
            Poll poll = Poll.open();
            Registry registry = poll.registry();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicInteger ops = new AtomicInteger();
            AtomicBoolean giveUp = new AtomicBoolean();
            AtomicInteger sawClosed = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            try {
                for (int t = 0; t < THREADS; t++) {
                    SourceFd source = new SourceFd(fds[t]);
                    long token = t;
                    threads.add(Thread.ofPlatform().daemon().name("registrar-" + t).start(() -> {
                        try {
                            while (!giveUp.get()) {
                                registry.register(source, token, Interest.READABLE);
                                registry.reregister(source, token, Interest.READABLE, Trigger.LEVEL);
                                registry.deregister(source);
                                ops.addAndGet(3);
                            }
                        } catch (ClosedSelectorException e) {
                            sawClosed.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }));
                }
                awaitCount(ops, 300, failures);
                int r = round;
                assertTimeoutPreemptively(TestSupport.PATIENCE, poll::close,
                        () -> "round " + r + ": Poll.close did not finish while other threads kept using the registry");
                for (Thread t : threads) {
                    TestSupport.join(t);
                }
                assertTrue(failures.isEmpty(), () -> "registry op failed other than with ClosedSelectorException: " + failures);
                assertEquals(THREADS, sawClosed.get());
            } finally {
                giveUp.set(true);
                for (Thread t : threads) {
                    t.join(TestSupport.PATIENCE);
                }
                poll.close();
                for (int fd : fds) {
                    assertEquals(0, Fd.close(fd), "the caller's eventfd must still be open");
                }
            }
        }
    }

    /**
     * Closing pipe ends while other threads keep reading and writing them: every call succeeds
     * or throws ClosedChannelException, and close finishes while they continue.
     */
    @Test
    void pipeCloseRacingIo() throws Exception {
        int before = OpenFds.count();
        for (int round = 0; round < 20; round++) {
            Pipe pipe = Pipe.open();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean giveUp = new AtomicBoolean();
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger sawClosed = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            try {
                for (int t = 0; t < 8; t++) {
                    boolean reader = t % 2 == 0;
                    threads.add(Thread.ofPlatform().daemon().name((reader ? "reader-" : "writer-") + t).start(() -> {
                        ByteBuffer buf = ByteBuffer.allocateDirect(512);
                        try {
                            while (!giveUp.get()) {
                                buf.clear();
                                if (reader) {
                                    pipe.receiver().read(buf);
                                } else {
                                    pipe.sender().write(buf);
                                }
                                calls.incrementAndGet();
                            }
                        } catch (java.nio.channels.ClosedChannelException e) {
                            sawClosed.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }));
                }
                awaitCount(calls, 1000, failures);
                int r = round;
                assertTimeoutPreemptively(TestSupport.PATIENCE, () -> {
                    pipe.sender().close();
                    pipe.receiver().close();
                }, () -> "round " + r + ": closing the pipe did not finish while other threads kept reading and writing");
                for (Thread t : threads) {
                    TestSupport.join(t);
                }
                assertTrue(failures.isEmpty(), () -> "I/O failed other than with ClosedChannelException: " + failures);
                assertEquals(8, sawClosed.get());
            } finally {
                giveUp.set(true);
                for (Thread t : threads) {
                    t.join(TestSupport.PATIENCE);
                }
                pipe.close();
            }
        }
        OpenFds.assertBackTo(before, "pipes closed during I/O");
    }

    /** Waits until {@code counter} reaches {@code target} (the racing threads are really running). */
    private static void awaitCount(AtomicInteger counter, int target, ConcurrentLinkedQueue<Throwable> failures) {
        long deadline = System.nanoTime() + TestSupport.PATIENCE.toNanos();
        while (counter.get() < target) {
            assertTrue(failures.isEmpty(), () -> "racing thread failed early: " + failures);
            assertTrue(System.nanoTime() < deadline, "racing threads did not get going");
            Thread.onSpinWait();
        }
    }
}
