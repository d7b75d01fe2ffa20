package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimerTest {
    private EventLoop loop;

    @BeforeEach
    void open() throws Exception {
        loop = EventLoop.open();
    }

    @AfterEach
    void close() {
        loop.close();
    }

    private int pendingTimers() throws Exception {
        return loop.<Integer>blockOn(cx -> loop.pendingTimers());
    }

    /**
     * Sleeps made and spawned in an order that is not their deadlines' complete in deadline
     * order. Failures once seen came from stalls of 10 to 30 ms on a 2-core machine compiling
     * while the suite starts, not from the timers: a sleep whose deadline has passed by its first
     * poll completes at that poll, in spawn order ([10, 0, 20, ...], [10, 20, 0, ...]), and a
     * stall between making two sleeps pushed the later deadline past an earlier one ([0, 10, 40,
     * 20, ...]). So deadlines are fixed in ascending order (a stall only moves later ones later),
     * and the earliest is 100 ms away, so that every sleep is first polled, and queued as a
     * timer, before any is due; only the timer queue then puts them in order.
     */
    @Test
    void sleepsCompleteInDeadlineOrder() throws Exception {
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        int[] spawnOrder = {140, 110, 130, 120, 100, 150};
        java.util.Map<Integer, Async<Object>> sleeps = new java.util.HashMap<>();
        List<java.util.function.Function<Object, Object>> records = new ArrayList<>();
        for (int d = 100; d <= 150; d += 10) {
            int delay = d;
            records.add(v -> order.add(delay)); // every lambda made before any deadline
        }
        for (int d = 100; d <= 150; d += 10) {
            sleeps.put(d, Timers.sleep(Duration.ofMillis(d)).map(records.get((d - 100) / 10)));
        }
        List<TaskHandle<Object>> handles = new ArrayList<>();
        for (int d : spawnOrder) {
            handles.add(loop.spawn(sleeps.get(d)));
        }
        for (TaskHandle<Object> h : handles) {
            h.join(RuntimeTestSupport.LIVENESS);
        }
        assertEquals(List.of(100, 110, 120, 130, 140, 150), order);
    }

    @Test
    void pollTimeoutsComeFromTablesAndNeverOvershootTheTimer() {
        assertEquals(Duration.ZERO, EventLoop.pollTimeout(0));
        assertEquals(Duration.ZERO, EventLoop.pollTimeout(-5));
        assertEquals(Duration.ofMillis(1), EventLoop.pollTimeout(1));
        assertEquals(Duration.ofMillis(1), EventLoop.pollTimeout(1_000_000));
        assertEquals(Duration.ofMillis(2), EventLoop.pollTimeout(1_000_001));
        assertEquals(Duration.ofMillis(1000), EventLoop.pollTimeout(1_000_000_000));
        // Beyond a second: the last whole second before the timer, at most a minute.
        assertEquals(Duration.ofSeconds(1), EventLoop.pollTimeout(1_000_000_001));
        assertEquals(Duration.ofSeconds(1), EventLoop.pollTimeout(1_999_000_000));
        assertEquals(Duration.ofSeconds(59), EventLoop.pollTimeout(59_500_000_000L));
        assertEquals(Duration.ofSeconds(60), EventLoop.pollTimeout(3_600_000_000_000L));
        assertEquals(Duration.ofSeconds(60), EventLoop.pollTimeout(Long.MAX_VALUE));
        for (long wait : new long[] {1, 999_999_999, 1_500_000_000, 30_000_000_000L, Long.MAX_VALUE}) {
            assertTrue(EventLoop.pollTimeout(wait) == EventLoop.pollTimeout(wait), "made once: " + wait);
            assertTrue(wait > 1_000_000_000 || EventLoop.pollTimeout(wait).toNanos() >= wait, "never early: " + wait);
        }
    }

    @Test
    void aTimerNeverFiresEarly() throws Exception {
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            loop.blockOn(Timers.sleep(Duration.ofMillis(25)));
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= 25_000_000L, "woke after " + elapsed + " ns");
        }
    }

    @Test
    void theLoopBlocksUntilTheTimerInsteadOfSpinning() throws Exception {
        long before = loop.polls();
        loop.blockOn(Timers.sleep(Duration.ofMillis(200)));
        long polls = loop.polls() - before;
        // One wait for the timer, plus the wakes that spawning and finishing cause: not thousands.
        assertTrue(polls <= 10, "the loop polled " + polls + " times during a 200 ms sleep");
    }

    @Test
    void manyTimersAllFireAndLeaveTheHeapEmpty() throws Exception {
        Random random = new Random(42);
        List<Async<Void>> sleeps = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            sleeps.add(Timers.sleep(Duration.ofMillis(random.nextInt(100))));
        }
        List<Void> done = loop.blockOn(Async.all(sleeps));
        assertEquals(10_000, done.size());
        assertEquals(0, pendingTimers());
    }

    @Test
    void aCancelledTimerIsRemovedAndNeverFires() throws Exception {
        // select: the short sleep wins, the long one is cancelled and leaves the heap at once.
        String winner = loop.blockOn(Async.<String>select(
                Timers.sleep(Duration.ofMillis(5)).map(v -> "short"),
                Timers.sleep(Duration.ofHours(1)).map(v -> "long")));
        assertEquals("short", winner);
        assertEquals(0, pendingTimers());

        TaskHandle<Void> h = loop.spawn(Timers.sleep(Duration.ofHours(1)));
        long deadline = System.nanoTime() + RuntimeTestSupport.LIVENESS.toNanos();
        while (pendingTimers() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(1, pendingTimers());
        assertTrue(h.cancel());
        assertThrows(CancellationException.class, h::join);
        deadline = System.nanoTime() + RuntimeTestSupport.LIVENESS.toNanos();
        while (pendingTimers() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(0, pendingTimers());
    }

    @Test
    void timeoutFailsASlowComputationAndCancelsIt() throws Exception {
        boolean[] cancelled = {false};
        Async<String> never = new Async<>() {
            @Override
            public Object poll(Context cx) {
                return PENDING;
            }

            @Override
            public void onCancel() {
                cancelled[0] = true;
            }
        };
        assertThrows(TimeoutException.class, () -> loop.blockOn(never.timeout(Duration.ofMillis(20))));
        assertTrue(cancelled[0]);
        assertEquals("fast", loop.blockOn(Timers.timeout(Async.ready("fast"), Duration.ofMillis(20))));
        assertEquals(0, pendingTimers(), "the timeout's timer goes when the computation wins");
    }

    @Test
    void anIntervalTicksAtItsRate() throws Exception {
        Interval interval = Timers.interval(Duration.ofMillis(10));
        long start = System.nanoTime();
        long ticks = loop.blockOn(interval.tick().then(a -> interval.tick()).then(b -> interval.tick()));
        assertEquals(3, ticks);
        assertTrue(System.nanoTime() - start >= 30_000_000L, "three 10 ms ticks take at least 30 ms");
    }

    @Test
    void timersWorkFromAVirtualThread() throws Exception {
        TaskHandle<Long> h = loop.spawnBlocking(() -> {
            long start = System.nanoTime();
            Blocking.await(Timers.sleep(Duration.ofMillis(15)));
            return System.nanoTime() - start;
        });
        assertTrue(h.join(RuntimeTestSupport.LIVENESS) >= 15_000_000L);
    }

    @Test
    void negativeDurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Timers.sleep(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> Timers.interval(Duration.ZERO));
    }
}
