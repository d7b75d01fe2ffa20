package dev.pollux.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * Timers on the event loop of the task that polls them: {@link #sleep}, {@link #timeout} and
 * {@link #interval}. Each event loop keeps its timers in a heap (O(log n) per timer) whose
 * earliest deadline is the timeout of its {@link dev.pollux.Poll#poll}; resolution is 1 ms (the
 * poll timeout is rounded up, so a timer never fires early) and nothing busy-waits.
 *
 * <p>Durations count from the call that creates the timer. A timer that is polled from a thread
 * other than its loop's (through {@link Blocking#await}) is handed to the loop; a timer that is
 * cancelled (its future cancelled, or the enclosing {@code timeout} completed first) is removed
 * from the heap at once on the loop thread, and on the loop's next turn from other threads.
 *
 * <p>Allocation: each timer allocates its future and one heap entry (an {@link Interval}, one of
 * each per tick); a timer polled and cancelled inside a task measures 40 bytes (the entry; the
 * JIT removes the future). Waiting for the earliest timer allocates nothing: the loop's poll
 * timeouts come from tables made once.
 */
public final class Timers {
    private Timers() {}

    /**
     * Completes (with {@code null}) once {@code duration} has passed.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public static Async<Void> sleep(Duration duration) {
        return new Sleep(System.nanoTime() + nanos(duration));
    }

    /**
     * {@code async}, or a {@link TimeoutException} if it has not completed within {@code limit}; on
     * timeout {@code async} is {@link Async#onCancel() cancelled}.
     */
    public static <T> Async<T> timeout(Async<T> async, Duration limit) {
        return new Timeout<>(Objects.requireNonNull(async, "async"), new Sleep(System.nanoTime() + nanos(limit, "limit")), limit);
    }

    /**
     * A fixed-rate ticker: the first tick comes one {@code period} from now, then every
     * {@code period}. When ticks are missed (the task was busy), the next tick is one period after
     * the moment it is noticed: no burst of catch-up ticks.
     *
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public static Interval interval(Duration period) {
        long p = nanos(period, "period");
        if (p == 0) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        return new Interval(p);
    }

    static long nanos(Duration d) {
        return nanos(d, "duration");
    }

    /** {@code d} in nanoseconds (capped far beyond any real wait); errors name the argument {@code name}. */
    static long nanos(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " is negative: " + d);
        }
        return d.getSeconds() >= Long.MAX_VALUE / 4_000_000_000L ? Long.MAX_VALUE / 4 : d.toNanos();
    }

    /** A one-shot timer future. */
    static final class Sleep implements Async<Void> {
        private final long deadline;
        private TimerQueue.Entry entry;
        private EventLoop loop;

        Sleep(long deadline) {
            this.deadline = deadline;
        }

        @Override
        public Object poll(Context cx) {
            if (entry == null) {
                if (System.nanoTime() - deadline >= 0) {
                    return null;
                }
                loop = cx.loop();
                entry = loop.addTimer(deadline, cx.waker());
                return Async.PENDING;
            }
            if (entry.fired) {
                return null;
            }
            entry.waker = cx.waker();
            return entry.fired ? null : Async.PENDING;
        }

        @Override
        public void onCancel() {
            if (entry != null && !entry.fired) {
                loop.cancelTimer(entry);
            }
        }
    }

    static final class Timeout<T> implements Async<T> {
        private final Async<T> inner;
        private final Sleep timer;
        private final Duration limit;

        Timeout(Async<T> inner, Sleep timer, Duration limit) {
            this.inner = inner;
            this.timer = timer;
            this.limit = limit;
        }

        @Override
        public Object poll(Context cx) throws Exception {
            Object r;
            try {
                r = inner.poll(cx);
            } catch (Exception | Error e) {
                timer.onCancel();
                throw e;
            }
            if (r != PENDING) {
                timer.onCancel();
                return r;
            }
            if (timer.poll(cx) != PENDING) {
                inner.onCancel();
                throw new TimeoutException("timed out after " + limit);
            }
            return Async.PENDING;
        }

        @Override
        public void onCancel() {
            try {
                inner.onCancel();
            } finally {
                timer.onCancel();
            }
        }
    }
}
