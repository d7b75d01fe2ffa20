package dev.pollux.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The reactor's record of one registered source: the readiness the OS reported and not yet
 * consumed, and the wakers of the task waiting to read and the task waiting to write (tokio's
 * {@code ScheduledIo}).
 *
 * <p>Sources are registered edge-triggered for reading and writing once, so an edge that
 * arrives while no task is waiting must be remembered: the loop ORs the event into the
 * readiness word, and an operation clears it only after the OS said would-block (or, for a
 * stream, after a short read: see {@link AsyncStream#pollRead}). The word
 * carries a tick that every event advances; clearing is done against the snapshot taken before
 * the system call, so an edge that arrived during the call (a newer tick) is never erased (the
 * next attempt sees it and tries again, as mio's draining rule requires).
 *
 * <p>Thread-safe: the loop thread records events while tasks poll from the loop thread or, for
 * {@link Blocking#await}, from virtual threads. At most one waker per direction is kept: when two
 * tasks wait to read from one source, only the later is woken (as in tokio's
 * {@code poll_read_ready}).
 */
final class ScheduledIo {
    static final int READABLE = 1;
    static final int WRITABLE = 1 << 1;
    static final int READ_CLOSED = 1 << 2;
    static final int WRITE_CLOSED = 1 << 3;
    static final int ERROR = 1 << 4;
    /** Set when the source is closed: every operation proceeds (and fails with ClosedChannelException). */
    static final int CLOSED = 1 << 5;

    /** The readiness bits that let a read (accept, receive) proceed, and what would-block clears. */
    static final int READ_DIRECTION = READABLE | READ_CLOSED | ERROR | CLOSED;
    /** The readiness bits that let a write (connect, send) proceed. */
    static final int WRITE_DIRECTION = WRITABLE | WRITE_CLOSED | ERROR | CLOSED;

    private static final int TICK_SHIFT = 8;
    private static final long FLAGS = (1L << TICK_SHIFT) - 1;

    private static final VarHandle READINESS;

    static {
        try {
            READINESS = MethodHandles.lookup().findVarHandle(ScheduledIo.class, "readiness", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The registration token: slot index in the low 32 bits, slot generation above. */
    final long token;
    final int index;
    /** What the loop closes at shutdown if the owner has not: the async wrapper. */
    final AutoCloseable owner;
    /**
     * Set when the source wants both directions but is registered for reading only, adding
     * writing while a write waits (see {@link Reactor}); null when both are registered for good.
     */
    private final WriteInterest onDemand;

    @SuppressWarnings("unused") // through READINESS
    private volatile long readiness;
    private volatile TaskWaker reader;
    private volatile TaskWaker writer;

    ScheduledIo(long token, int index, AutoCloseable owner) {
        this(token, index, owner, null);
    }

    ScheduledIo(long token, int index, AutoCloseable owner, WriteInterest onDemand) {
        this.token = token;
        this.index = index;
        this.owner = owner;
        this.onDemand = onDemand;
        if (onDemand != null) {
            readiness = WRITABLE; // optimistic: try writing; a would-block adds the write interest
        }
    }

    /** Adds and drops the write interest of a source registered for reading only. */
    interface WriteInterest {
        void set(boolean write) throws java.io.IOException;
    }

    private volatile boolean writeRegistered;

    /**
     * Makes sure a writable event will come: with on-demand write interest, registers it (which
     * reports the source at once if it is writable already). Call after a write would block.
     */
    void needWriteEvent() throws java.io.IOException {
        if (onDemand != null && !writeRegistered) {
            synchronized (this) {
                if (!writeRegistered) {
                    onDemand.set(true);
                    writeRegistered = true;
                }
            }
        }
    }

    /** After a write went through: with on-demand write interest, drops it again. */
    void wroteSome() throws java.io.IOException {
        if (onDemand != null && writeRegistered) {
            synchronized (this) {
                if (writeRegistered) {
                    onDemand.set(false);
                    writeRegistered = false;
                }
            }
        }
    }

    /** Records readiness from an event (loop thread) and wakes the waiters it concerns. */
    void setReadiness(int bits) {
        long current;
        long next;
        do {
            current = (long) READINESS.getVolatile(this);
            next = ((((current >>> TICK_SHIFT) + 1) << TICK_SHIFT)) | (current & FLAGS) | bits;
        } while (!READINESS.compareAndSet(this, current, next));
        if ((bits & READ_DIRECTION) != 0) {
            wake(reader);
        }
        if ((bits & WRITE_DIRECTION) != 0) {
            wake(writer);
        }
    }

    private static void wake(TaskWaker waker) {
        if (waker != null) {
            waker.wake();
        }
    }

    /**
     * The readiness snapshot to pass to {@link #clearReadiness} if {@code direction} is ready,
     * otherwise -1 after keeping {@code cx}'s waker for that direction (checked again after
     * storing the waker, so an event recorded meanwhile is not missed).
     */
    long pollReady(Context cx, int direction) {
        long r = (long) READINESS.getVolatile(this);
        if ((r & direction) != 0) {
            return r;
        }
        TaskWaker waker = cx.waker();
        if (direction == READ_DIRECTION) {
            reader = waker;
        } else {
            writer = waker;
        }
        r = (long) READINESS.getVolatile(this);
        return (r & direction) != 0 ? r : -1;
    }

    /**
     * After an operation would block: clears {@code direction}'s readiness, unless an event has
     * arrived since {@code snapshot} was taken (its tick differs), which must not be erased.
     */
    void clearReadiness(long snapshot, int direction) {
        long tick = snapshot >>> TICK_SHIFT;
        long clear = direction & ~CLOSED;
        for (;;) {
            long current = (long) READINESS.getVolatile(this);
            if (current >>> TICK_SHIFT != tick) {
                return;
            }
            if (READINESS.compareAndSet(this, current, current & ~clear)) {
                return;
            }
        }
    }

    /** Whether {@code bits} are set now (for tests and the connect error check). */
    boolean has(int bits) {
        return (((long) READINESS.getVolatile(this)) & bits) != 0;
    }

    /** Marks the source closed and wakes both waiters, which then see the closed source. */
    void markClosed() {
        setReadiness(CLOSED);
    }

    @Override
    public String toString() {
        long r = (long) READINESS.getVolatile(this);
        return "ScheduledIo[token=" + Long.toHexString(token) + ", tick=" + (r >>> TICK_SHIFT) + ", flags=" + (r & FLAGS) + "]";
    }
}
