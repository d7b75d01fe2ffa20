package dev.pollux.runtime;

/**
 * A fixed-rate ticker made by {@link Timers#interval}: {@link #pollTick} (allocation-free) or
 * {@link #tick()} completes once per period. Owned by one task: not thread-safe. Call
 * {@link #cancel()} to drop a pending timer when the ticker is no longer used.
 */
public final class Interval {
    private final long period;
    private long next;
    private Timers.Sleep sleep;
    private long count;

    Interval(long period) {
        this.period = period;
        this.next = System.nanoTime() + period;
    }

    /**
     * Whether the next tick has come (then the ticker moves to the following one); otherwise false
     * after arranging a wake of {@code cx.waker()} at the tick.
     */
    public boolean pollTick(Context cx) {
        if (sleep == null) {
            sleep = new Timers.Sleep(next);
        }
        if (sleep.poll(cx) == Async.PENDING) {
            return false;
        }
        sleep = null;
        count++;
        long now = System.nanoTime();
        next += period;
        if (next - now <= 0) {
            next = now + period; // missed ticks: no burst
        }
        return true;
    }

    /** A future of the next tick, completing with the number of ticks so far (1 for the first). */
    public Async<Long> tick() {
        return new Async<>() {
            @Override
            public Object poll(Context cx) {
                return pollTick(cx) ? count : Async.PENDING;
            }

            @Override
            public void onCancel() {
                Interval.this.cancel();
            }
        };
    }

    /** Drops the pending timer, if any. */
    public void cancel() {
        if (sleep != null) {
            sleep.onCancel();
            sleep = null;
        }
    }
}
