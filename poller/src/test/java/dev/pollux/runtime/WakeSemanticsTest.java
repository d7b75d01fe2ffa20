package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WakeSemanticsTest {
    private EventLoop loop;

    @BeforeEach
    void open() throws Exception {
        loop = EventLoop.open();
    }

    @AfterEach
    void close() {
        loop.close();
    }

    /** A task that counts its polls, exposes its waker, and finishes when told to. */
    static final class Probe implements Async<String> {
        final AtomicInteger polls = new AtomicInteger();
        final AtomicReference<TaskWaker> waker = new AtomicReference<>();
        final CountDownLatch firstPoll = new CountDownLatch(1);
        volatile boolean finish;
        volatile Runnable duringPoll;

        @Override
        public Object poll(Context cx) {
            polls.incrementAndGet();
            waker.set(cx.waker());
            Runnable r = duringPoll;
            if (r != null) {
                duringPoll = null;
                r.run();
            }
            firstPoll.countDown();
            return finish ? "done" : Async.PENDING;
        }
    }

    /** Runs {@code r} on the loop thread and waits for it. */
    private void onLoop(Runnable r) throws Exception {
        loop.blockOn(cx -> {
            r.run();
            return null;
        });
    }

    @Test
    void twoWakesBeforeTheTaskRunsPollItOnce() throws Exception {
        Probe p = new Probe();
        loop.spawn(p);
        assertTrue(p.firstPoll.await(30, TimeUnit.SECONDS));
        onLoop(() -> {
            // On the loop thread the task cannot run in between: both wakes find it queued or idle.
            p.waker.get().wake();
            p.waker.get().wake();
            p.waker.get().wake();
        });
        onLoop(() -> {}); // a full turn of the run queue later
        assertEquals(2, p.polls.get(), "three wakes before it ran must give one poll");
    }

    @Test
    void aWakeWhileRunningPollsOnceMoreAfterwards() throws Exception {
        Probe p = new Probe();
        p.duringPoll = () -> p.waker.get().wake();
        loop.spawn(p);
        assertTrue(p.firstPoll.await(30, TimeUnit.SECONDS));
        onLoop(() -> {});
        onLoop(() -> {});
        assertEquals(2, p.polls.get(), "woken while running: polled exactly once more");
    }

    @Test
    void wakesFromOtherThreadsRunTheTaskAndCoalesce() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        AtomicReference<TaskWaker> waker = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        int target = 5;
        TaskHandle<Integer> h = loop.spawn(cx -> {
            waker.set(cx.waker());
            started.countDown();
            return polls.incrementAndGet() > target ? (Object) polls.get() : Async.PENDING;
        });
        assertTrue(started.await(30, TimeUnit.SECONDS));
        Thread[] wakers = new Thread[4];
        for (int i = 0; i < wakers.length; i++) {
            wakers[i] = Thread.ofPlatform().start(() -> {
                while (!h.isDone()) {
                    waker.get().wake();
                    Thread.onSpinWait();
                }
            });
        }
        int polled = h.join(Duration.ofSeconds(30));
        for (Thread t : wakers) {
            t.join();
        }
        assertEquals(target + 1, polled);
    }

    @Test
    void aCrossThreadWakeReachesALoopBlockedInPoll() throws Exception {
        Probe p = new Probe();
        loop.spawn(p);
        assertTrue(p.firstPoll.await(30, TimeUnit.SECONDS));
        long pollsBefore = loop.polls();
        // The loop has nothing to do: it blocks in Poll.poll with no timeout until the wake.
        Thread.sleep(50);
        p.finish = true;
        Thread.ofPlatform().start(() -> p.waker.get().wake()).join();
        long deadline = System.nanoTime() + RuntimeTestSupport.LIVENESS.toNanos();
        while (p.polls.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(2, p.polls.get());
        assertTrue(loop.polls() - pollsBefore <= 3, "an idle loop blocks instead of spinning");
    }

    @Test
    void wakingAFinishedTaskDoesNothing() throws Exception {
        Probe p = new Probe();
        p.finish = true;
        TaskHandle<String> h = loop.spawn(p);
        assertEquals("done", h.join());
        p.waker.get().wake();
        onLoop(() -> p.waker.get().wake());
        onLoop(() -> {});
        assertEquals(1, p.polls.get());
        assertEquals(0, loop.taskCount());
    }
}
