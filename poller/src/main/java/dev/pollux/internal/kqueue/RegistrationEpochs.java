package dev.pollux.internal.kqueue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each descriptor's registration last changed, on a clock that ticks once per change: lets
 * the polling thread tell whether an event it collected earlier still stands, so that events kept
 * for a later poll ({@link KqueueSelector}'s surplus) never outlive a {@code deregister} (or a
 * {@code reregister}, or a {@code register} of a reused descriptor number) that returned before
 * that poll began.
 *
 * <p>Changes are recorded under a lock from any thread (a registration call makes a system call
 * anyway); the polling thread reads without one. The table grows to the highest descriptor
 * registered and never allocates otherwise.
 */
final class RegistrationEpochs {
    private final AtomicLong clock = new AtomicLong();
    private volatile AtomicLongArray changedAt = new AtomicLongArray(64);

    /** The clock now: read before a wait call, compare with {@link #changedSince} after it. */
    long now() {
        return clock.get();
    }

    /**
     * Records a change of {@code fd}'s registration; called once the change has taken effect.
     * After a failed change, {@code grow} is false: a descriptor that events can still be kept
     * for was registered successfully before, so it is in the table already, and a bad number
     * (negative, or far beyond any open descriptor) must not size the table.
     */
    synchronized void changed(int fd, boolean grow) {
        AtomicLongArray table = changedAt;
        if (fd < 0 || (fd >= table.length() && !grow)) {
            return;
        }
        if (fd >= table.length()) {
            AtomicLongArray grown = new AtomicLongArray(Math.max(fd + 1, table.length() * 2));
            for (int i = 0; i < table.length(); i++) {
                grown.set(i, table.get(i));
            }
            changedAt = table = grown;
        }
        table.set(fd, clock.incrementAndGet());
    }

    /** Whether {@code fd}'s registration changed after the clock read {@code epoch}. */
    boolean changedSince(int fd, long epoch) {
        AtomicLongArray table = changedAt;
        return fd >= 0 && fd < table.length() && table.get(fd) > epoch;
    }
}
