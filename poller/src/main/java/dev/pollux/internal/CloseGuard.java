package dev.pollux.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a descriptor open while calls that use it are in flight, so that closing it never races
 * with a call that would then act on a reused descriptor number.
 *
 * <p>Short calls {@link #enter()} and {@link #exit()} (any number at once, from any thread). One
 * long, exclusive call (a blocking wait) uses {@link #enterExclusive()} and
 * {@link #exitExclusive()}. {@link #close()} refuses new calls at once, then spins until the
 * short calls in flight have finished (they never block); it refuses while the exclusive call
 * runs. {@link #closeUnderExclusive()} does not refuse, nor wait for the exclusive call, which
 * may block for ever: it reports whether one is running, and the owner then makes it return (a
 * selector through {@code Selector.implInterrupt}) and waits for it with
 * {@link #awaitExclusiveExit()} before releasing the resource.
 */
public final class CloseGuard {
    private static final int CLOSED = 1 << 31;
    private static final int EXCLUSIVE = 1 << 30;
    private static final int COUNT_MASK = EXCLUSIVE - 1;

    /** What {@link #enterExclusive()} found. */
    public enum Entry { ENTERED, CLOSED, BUSY }

    /** What {@link #closeUnderExclusive()} found. */
    public enum Closing { CLOSED_ALREADY, CLOSED, CLOSED_WHILE_EXCLUSIVE }

    private final AtomicInteger state = new AtomicInteger();
    /** The thread in {@link #awaitExclusiveExit()}, unparked by {@link #exitExclusive()}. */
    private volatile Thread closer;

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

    /** Ends the exclusive call; wakes a {@link #closeUnderExclusive()} waiting for it. */
    public void exitExclusive() {
        int s = state.getAndAdd(-EXCLUSIVE);
        if ((s & CLOSED) != 0) {
            Thread t = closer;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /**
     * Closes a guard that has no exclusive call running: true if this call closed it (the caller
     * now releases the resource), false if it was closed already. New calls are refused from the
     * moment this is called; it returns once the short calls already in flight have finished.
     *
     * @throws IllegalStateException while the exclusive call is in progress (use
     *     {@link #closeUnderExclusive()} where one may be)
     */
    public boolean close() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if ((s & EXCLUSIVE) != 0) {
                throw new IllegalStateException("cannot close while the exclusive call runs");
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                break;
            }
        }
        awaitShortCalls();
        return true;
    }

    /**
     * Closes the guard also while the exclusive call runs. New calls, the exclusive one included,
     * are refused from the moment this is called; it returns once the short calls already in
     * flight have finished. What it returns tells the caller what to do:
     * {@link Closing#CLOSED_ALREADY}, nothing (another call closed it); {@link Closing#CLOSED},
     * release the resource; {@link Closing#CLOSED_WHILE_EXCLUSIVE}, make the exclusive call
     * return, {@link #awaitExclusiveExit()}, then release the resource.
     */
    public Closing closeUnderExclusive() {
        int s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) {
                return Closing.CLOSED_ALREADY;
            }
        } while (!state.compareAndSet(s, s | CLOSED));
        awaitShortCalls();
        return (s & EXCLUSIVE) != 0 ? Closing.CLOSED_WHILE_EXCLUSIVE : Closing.CLOSED;
    }

    private void awaitShortCalls() {
        while ((state.get() & COUNT_MASK) != 0) {
            Thread.onSpinWait();
        }
    }

    /**
     * Waits until the exclusive call that {@link #closeUnderExclusive()} found running has ended.
     * Only for the thread whose {@code closeUnderExclusive()} returned {@link Closing#CLOSED_WHILE_EXCLUSIVE}. Not
     * interruptible: the resource cannot be released earlier, and the caller has already made
     * the call return.
     */
    public void awaitExclusiveExit() {
        closer = Thread.currentThread();
        while ((state.get() & EXCLUSIVE) != 0) {
            // Bounded park: a lost unpark (another park permit consumed elsewhere) costs 1 ms.
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
        }
        closer = null;
    }

    /** Whether {@link #close()} has been called (the resource may still be draining). */
    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }
}
