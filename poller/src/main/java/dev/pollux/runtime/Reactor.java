package dev.pollux.runtime;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.Registry;
import dev.pollux.Source;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * One event loop's reactor: registers sources with the loop's {@link dev.pollux.Poll}, maps event
 * tokens to their {@link ScheduledIo} and turns events into readiness and wakes.
 *
 * <p>Tokens index a slab: the low 32 bits are the slot, the high bits the slot's generation, so an
 * event for a source deregistered since (its slot reused) is recognised and dropped without a map
 * lookup or boxing. Registration and removal may come from any thread (a lock); the loop's
 * lookups are lock-free (the slot array is published with release/acquire).
 */
final class Reactor {
    /** The token of the loop's own {@link dev.pollux.Waker}: slot 0 is never handed out. */
    static final long WAKER_TOKEN = 0;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(ScheduledIo[].class);

    private final Registry registry;
    /**
     * Whether sources wanting both directions are registered for reading only, with writing added
     * while a write waits: on libkqueue, whose kevent drops events once the event list fills with
     * descriptors registered both ways (one epoll event becomes two kevents in a list it caps at
     * the same length as the epoll_wait it made), which loses edge-triggered readiness for good.
     * The kqueue selector's 512-event batches make that drop need more than 512 ready filters in
     * one wait, which a server with a few hundred busy connections still reaches; with one filter
     * per descriptor it cannot happen at all, so the executor keeps this on libkqueue.
     */
    private final boolean writeOnDemand;
    private final Object lock = new Object();
    private volatile ScheduledIo[] slots = new ScheduledIo[64];
    private int[] generations = new int[64];
    private int[] free = new int[64];
    private int freeCount;
    private int nextUnused = 1;
    private volatile int count;

    Reactor(Registry registry, boolean writeOnDemand) {
        this.registry = registry;
        this.writeOnDemand = writeOnDemand;
    }

    /** How many sources are registered now. */
    int count() {
        return count;
    }

    /**
     * Registers {@code source} edge-triggered for {@code interest} and returns its record.
     *
     * @param owner what closing at loop shutdown closes
     */
    ScheduledIo register(Source source, Interest interest, AutoCloseable owner) throws IOException {
        boolean both = interest.isReadable() && interest.isWritable();
        ScheduledIo io = allocate(owner, writeOnDemand && both ? source : null);
        if (writeOnDemand && both) {
            interest = Interest.READABLE;
        }
        try {
            registry.register(source, io.token, interest);
        } catch (IOException | RuntimeException e) {
            release(io);
            throw e;
        }
        return io;
    }

    /**
     * A record and token for a source that is not registered with the Poll: a completion-based
     * stream, whose completions the selector reports as events for the token.
     */
    ScheduledIo reserve(AutoCloseable owner) {
        return allocate(owner, null);
    }

    /** A slot and its record; with {@code onDemandSource}, adding and dropping the write interest on demand. */
    private ScheduledIo allocate(AutoCloseable owner, Source onDemandSource) {
        synchronized (lock) {
            int index = freeCount > 0 ? free[--freeCount] : nextUnused++;
            if (index >= slots.length) {
                ScheduledIo[] grown = java.util.Arrays.copyOf(slots, slots.length * 2);
                generations = java.util.Arrays.copyOf(generations, grown.length);
                slots = grown;
            }
            int generation = ++generations[index];
            long token = ((long) generation << 32) | index;
            ScheduledIo io = onDemandSource != null
                    ? new ScheduledIo(token, index, owner, write -> registry.reregister(onDemandSource, token,
                            write ? Interest.READABLE.add(Interest.WRITABLE) : Interest.READABLE))
                    : new ScheduledIo(token, index, owner);
            SLOT.setRelease(slots, index, io);
            count++;
            return io;
        }
    }

    /** Forgets {@code io}'s slot (the caller deregisters or closes the source itself). Idempotent. */
    void release(ScheduledIo io) {
        synchronized (lock) {
            ScheduledIo[] s = slots;
            if (s[io.index] != io) {
                return;
            }
            SLOT.setRelease(s, io.index, (ScheduledIo) null);
            if (freeCount == free.length) {
                free = java.util.Arrays.copyOf(free, free.length * 2);
            }
            free[freeCount++] = io.index;
            count--;
        }
    }

    /** Records every event of the last poll as readiness and wakes the tasks waiting for it (loop thread). */
    void dispatch(Events events) {
        ScheduledIo[] s = slots;
        int n = events.size();
        for (int i = 0; i < n; i++) {
            long token = events.token(i);
            if (token == WAKER_TOKEN) {
                continue;
            }
            int index = (int) token;
            if (index <= 0 || index >= s.length) {
                s = slots;
                if (index <= 0 || index >= s.length) {
                    continue;
                }
            }
            ScheduledIo io = (ScheduledIo) SLOT.getAcquire(s, index);
            if (io == null || io.token != token) {
                io = (ScheduledIo) SLOT.getAcquire(slots, index); // the array may have grown meanwhile
                if (io == null || io.token != token) {
                    continue; // deregistered since: a stale event
                }
            }
            int bits = 0;
            if (events.isReadable(i)) {
                bits |= ScheduledIo.READABLE;
            }
            if (events.isWritable(i)) {
                bits |= ScheduledIo.WRITABLE;
            }
            if (events.isReadClosed(i)) {
                bits |= ScheduledIo.READ_CLOSED;
            }
            if (events.isWriteClosed(i)) {
                bits |= ScheduledIo.WRITE_CLOSED;
            }
            if (events.isError(i)) {
                bits |= ScheduledIo.ERROR;
            }
            if (bits != 0) {
                io.setReadiness(bits);
            }
        }
    }

    /** The records still registered (at shutdown, to close their owners). */
    List<ScheduledIo> live() {
        List<ScheduledIo> out = new ArrayList<>();
        synchronized (lock) {
            for (ScheduledIo io : slots) {
                if (io != null) {
                    out.add(io);
                }
            }
        }
        return out;
    }
}
