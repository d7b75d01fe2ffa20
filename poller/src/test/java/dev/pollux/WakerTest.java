package dev.pollux;

import static dev.pollux.MioPortSupport.expectNoEvents;
import static dev.pollux.MioPortSupport.onThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ports of mio's {@code tests/waker.rs}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WakerTest {
    private static final long TOKEN = 10;

    /**
     * mio's expect_waker_event: a poll returns (non-empty) and every event is the waker's token,
     * readable. Pollux also promises exactly one event per coalesced batch of wakes.
     */
    private static void expectWakerEvent(Poll poll, Events events, long token) throws Exception {
        int n = poll.poll(events, MioPortSupport.MUST_COME);
        assertEquals(1, n, () -> "expected exactly one waker event, got " + events);
        for (Event e : events) {
            assertEquals(token, e.token(), e::toString);
            assertTrue(e.isReadable(), e::toString);
        }
    }

    /** mio: waker. */
    @Test
    void singleWake() throws Exception {
        try (Poll poll = Poll.open(); Waker waker = new Waker(poll.registry(), TOKEN)) {
            Events events = Events.withCapacity(10);
            waker.wake();
            expectWakerEvent(poll, events, TOKEN);
            // Nothing needs draining, and no further event without a further wake.
            expectNoEvents(poll, events);
        }
    }

    /** mio: waker_multiple_wakeups_same_thread. Wakes coalesce into one event. */
    @Test
    void multipleWakeupsSameThreadCoalesce() throws Exception {
        try (Poll poll = Poll.open(); Waker waker = new Waker(poll.registry(), TOKEN)) {
            Events events = Events.withCapacity(10);
            for (int i = 0; i < 3; i++) {
                waker.wake();
            }
            expectWakerEvent(poll, events, TOKEN);
            expectNoEvents(poll, events);
        }
    }

    /** Many wakes before a poll: still exactly one event, and the waker keeps working afterwards. */
    @Test
    void manyWakeupsCoalesceAndWakerStaysUsable() throws Exception {
        try (Poll poll = Poll.open(); Waker waker = new Waker(poll.registry(), TOKEN)) {
            Events events = Events.withCapacity(10);
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 1000; i++) {
                    waker.wake();
                }
                expectWakerEvent(poll, events, TOKEN);
                expectNoEvents(poll, events);
            }
        }
    }

    /** A wake made while nobody polls makes the next poll return at once, even with a zero timeout. */
    @Test
    void wakeBeforePoll() throws Exception {
        try (Poll poll = Poll.open(); Waker waker = new Waker(poll.registry(), TOKEN)) {
            Events events = Events.withCapacity(10);
            waker.wake();
            assertEquals(1, poll.poll(events, Duration.ZERO), events::toString);
            assertEquals(TOKEN, events.token(0));
            assertTrue(events.isReadable(0));
            assertEquals(0, poll.poll(events, Duration.ZERO), events::toString);
        }
    }

    /** mio: waker_wakeup_different_thread. */
    @Test
    void wakeupDifferentThread() throws Exception {
        try (Poll poll = Poll.open(); Waker waker = new Waker(poll.registry(), TOKEN)) {
            Events events = Events.withCapacity(10);
            CompletableFuture<Void> thread = onThread("waker", () -> {
                waker.wake();
                return null;
            });
            expectWakerEvent(poll, events, TOKEN);
            expectNoEvents(poll, events);
            thread.get(10, TimeUnit.SECONDS);
        }
    }

    /** A wake from another thread ends a poll that is blocked with no timeout. */
    @Test
    void wakeFromAnotherThreadWhilePolling() throws Exception {
        try (Poll poll = Poll.open(); Waker waker = new Waker(poll.registry(), TOKEN)) {
            Events events = Events.withCapacity(10);
            CountDownLatch aboutToPoll = new CountDownLatch(1);
            CompletableFuture<Void> thread = onThread("waker", () -> {
                aboutToPoll.await();
                Thread.sleep(200); // let the main thread block in poll
                waker.wake();
                return null;
            });
            aboutToPoll.countDown();
            // A generous timeout rather than null, so a broken waker fails instead of hanging.
            int n = poll.poll(events, Duration.ofSeconds(30));
            assertEquals(1, n, "the poll was not woken");
            assertEquals(TOKEN, events.token(0));
            assertTrue(events.isReadable(0));
            thread.get(10, TimeUnit.SECONDS);
        }
    }

    /** mio: waker_multiple_wakeups_different_thread. A wake after the event gives a new event. */
    @Test
    void multipleWakeupsDifferentThreads() throws Exception {
        try (Poll poll = Poll.open(); Waker waker = new Waker(poll.registry(), TOKEN)) {
            Events events = Events.withCapacity(10);
            CompletableFuture<Void> first = onThread("waker-1", () -> {
                waker.wake();
                return null;
            });
            CyclicBarrier barrier = new CyclicBarrier(2);
            CompletableFuture<Void> second = onThread("waker-2", () -> {
                barrier.await(10, TimeUnit.SECONDS);
                waker.wake();
                return null;
            });
            expectWakerEvent(poll, events, TOKEN);
            barrier.await(10, TimeUnit.SECONDS);
            expectWakerEvent(poll, events, TOKEN);
            expectNoEvents(poll, events);
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        }
    }

    /** Concurrent wakes from many threads while polling: every poll that returns reports only the waker. */
    @Test
    void concurrentWakesFromManyThreads() throws Exception {
        try (Poll poll = Poll.open(); Waker waker = new Waker(poll.registry(), TOKEN)) {
            Events events = Events.withCapacity(10);
            int threads = 4;
            CyclicBarrier start = new CyclicBarrier(threads);
            CompletableFuture<?>[] wakers = new CompletableFuture<?>[threads];
            for (int t = 0; t < threads; t++) {
                wakers[t] = onThread("waker-" + t, () -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < 10_000; i++) {
                        waker.wake();
                    }
                    return null;
                });
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(wakers);
            int polls = 0;
            while (!all.isDone()) {
                poll.poll(events, Duration.ofMillis(50));
                assertTrue(events.size() <= 1, events::toString);
                for (Event e : events) {
                    assertEquals(TOKEN, e.token());
                    polls++;
                }
            }
            all.get();
            // The last wakes are reported (at most one event left, then nothing).
            polls += poll.poll(events, Duration.ZERO);
            assertTrue(events.size() <= 1, events::toString);
            expectNoEvents(poll, events);
            assertTrue(polls >= 1, "40,000 wakes produced no event");
        }
    }

    /**
     * mio: using_multiple_wakers_panics. mio allows one waker per Poll; Pollux allows several, each
     * with its own token (documented divergence): each reports only its own token.
     */
    @Test
    void multipleWakersReportTheirOwnTokens() throws Exception {
        try (Poll poll = Poll.open();
                Waker first = new Waker(poll.registry(), 10);
                Waker second = new Waker(poll.registry(), 11)) {
            Events events = Events.withCapacity(10);
            first.wake();
            expectWakerEvent(poll, events, 10);
            second.wake();
            expectWakerEvent(poll, events, 11);
            first.wake();
            second.wake();
            Set<Long> tokens = new HashSet<>();
            long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
            while (tokens.size() < 2 && System.nanoTime() < deadline) {
                poll.poll(events, MioPortSupport.MUST_COME);
                for (Event e : events) {
                    tokens.add(e.token());
                }
            }
            assertEquals(Set.of(10L, 11L), tokens);
            expectNoEvents(poll, events);
        }
    }

    /** After the waker or its Poll is closed, wake fails with ClosedSelectorException. */
    @Test
    void wakeAfterClose() throws Exception {
        try (Poll poll = Poll.open()) {
            Waker waker = new Waker(poll.registry(), TOKEN);
            waker.close();
            waker.close(); // idempotent
            assertThrows(ClosedSelectorException.class, waker::wake);
            // A closed waker no longer reports.
            expectNoEvents(poll, Events.withCapacity(4));
        }
        Poll poll = Poll.open();
        Waker waker = new Waker(poll.registry(), TOKEN);
        poll.close();
        assertThrows(ClosedSelectorException.class, waker::wake);
        waker.close();
    }

    /**
     * Closing a waker while another thread closes its Poll is safe: neither close fails, nothing
     * leaks, and the waker is closed afterwards. (On kqueue a waker's close deletes its
     * EVFILT_USER event with kevent on the queue's descriptor, which must not be closed, or
     * reused by another queue, meanwhile.)
     */
    @Test
    void closingWakerWhileItsPollClosesIsSafe() throws Exception {
        int before = OpenFds.settledCount();
        CyclicBarrier start = new CyclicBarrier(2);
        for (int round = 0; round < 500; round++) {
            Poll poll = Poll.open();
            Waker waker = new Waker(poll.registry(), TOKEN);
            CompletableFuture<Void> closer = onThread("waker closer", () -> {
                start.await();
                waker.close();
                return null;
            });
            start.await();
            poll.close();
            closer.get(MioPortSupport.MUST_COME.toSeconds(), TimeUnit.SECONDS);
            assertThrows(ClosedSelectorException.class, waker::wake, "round " + round);
        }
        OpenFds.assertBackTo(before, "500 Polls and Wakers closed concurrently");
    }
}
