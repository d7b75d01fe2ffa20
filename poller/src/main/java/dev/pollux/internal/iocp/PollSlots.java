package dev.pollux.internal.iocp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * The native memory of the poll requests: one slot per registered socket, holding its
 * IO_STATUS_BLOCK (which is also the completion's lpOverlapped) followed by its AFD_POLL_INFO.
 * The kernel writes into a slot until the request's completion has been dequeued, so a slot is
 * released only then, and reused for another socket only after that; the whole arena is freed
 * when the selector closes with no request left in flight. Guarded by the selector's lock.
 */
final class PollSlots {
    /** Offset of the IO_STATUS_BLOCK (16 bytes) in a slot. */
    static final long IOSB = 0;
    /** Offset of the AFD_POLL_INFO (32 bytes, one handle) in a slot. */
    static final long INFO = 16;
    static final long SIZE = 48;
    private static final int PER_CHUNK = 64;

    private final Arena arena = Arena.ofShared();
    private final ArrayDeque<MemorySegment> free = new ArrayDeque<>();
    private int inUse;

    MemorySegment acquire() {
        if (free.isEmpty()) {
            MemorySegment chunk = arena.allocate(SIZE * PER_CHUNK, 16);
            for (int i = 0; i < PER_CHUNK; i++) {
                free.add(chunk.asSlice(i * SIZE, SIZE));
            }
        }
        MemorySegment slot = free.poll();
        slot.fill((byte) 0);
        inUse++;
        return slot;
    }

    void release(MemorySegment slot) {
        inUse--;
        free.push(slot);
    }

    /** Slots acquired and not released: sockets registered or waiting for their last completion. */
    int inUse() {
        return inUse;
    }

    /** Frees the memory; only when no request can still be written to by the kernel. */
    void close() {
        arena.close();
    }
}
