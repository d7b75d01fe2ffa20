package dev.pollux.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a descriptor open while calls that use it are in flight, so that closing it never races
 * with a call that would then act on a reused descriptor number.
 *
 * <p>Short calls {@link #enter()} and {@link #exit()} (any number at once, from any thread). One
 * long, exclusive call (a blocking wait) uses {@link #enterExclusive()} and
 * {@link #exitExclusive()}. {@link #close()} refuses new calls at once, then spins until the
 * short calls in flight have finished (they never block); it refuses while the exclusive call
 * runs.
 */
public final class CloseGuard {
    private static final int CLOSED = 1 << 31;
    private static final int EXCLUSIVE = 1 << 30;
    private static final int COUNT_MASK = EXCLUSIVE - 1;

    /** What {@link #enterExclusive()} found. */
    public enum Entry { ENTERED, CLOSED, BUSY }

    private final AtomicInteger state = new AtomicInteger();

    /** Starts a short call; false when the guard is closed. */
    public boolean enter() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if ((s & COUNT_MASK) == COUNT_MASK) {
                throw new IllegalStateException("too many concurrent calls");
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Ends a short call started by a successful {@link #enter()}. */
    public void exit() {
        state.decrementAndGet();
    }

    /** Starts the exclusive call. */
    public Entry enterExclusive() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return Entry.CLOSED;
            }
            if ((s & EXCLUSIVE) != 0) {
                return Entry.BUSY;
            }
            if (state.compareAndSet(s, s | EXCLUSIVE)) {
                return Entry.ENTERED;
            }
        }
    }

    /** Ends the exclusive call. */
    public void exitExclusive() {
        state.getAndAdd(-EXCLUSIVE);
    }

    /**
     * Closes the guard: true if this call closed it (the caller now releases the resource), false
     * if it was closed already. New calls are refused from the moment this is called; it returns
     * once the short calls already in flight have finished.
     *
     * @throws IllegalStateException while the exclusive call is in progress
     */
    public boolean close() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if ((s & EXCLUSIVE) != 0) {
                throw new IllegalStateException("cannot close while another thread is polling; wake it and close from the polling thread");
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                break;
            }
        }
        while ((state.get() & COUNT_MASK) != 0) {
            Thread.onSpinWait();
        }
        return true;
    }

    /** Whether {@link #close()} has been called successfully (the resource may still be draining). */
    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }
}
