package dev.pollux.internal.iocp;

import dev.pollux.Interest;
import java.lang.foreign.MemorySegment;

/**
 * What the selector knows about one registered socket: mio's {@code SockState}, wepoll's
 * {@code sock_state_t}. Guarded by the selector's lock; lives until the last completion of its
 * poll requests has been dequeued, even after deregistration.
 */
final class SockState {
    enum Poll {
        /** No request in the kernel. */
        IDLE,
        /** A request is in the kernel, watching {@link #pendingEvents}. */
        PENDING,
        /** The request in the kernel has been cancelled; its completion has not arrived yet. */
        CANCELLED
    }

    final int fd;
    final long base;
    final AfdGroup.Afd afd;
    /** IO_STATUS_BLOCK + AFD_POLL_INFO, see {@link PollSlots}. */
    final MemorySegment slot;
    /** The slot's address: the lpOverlapped of this socket's completions. */
    final long key;
    /** The slot's IO_STATUS_BLOCK and AFD_POLL_INFO, sliced once: submitting allocates nothing. */
    final MemorySegment iosb;
    final MemorySegment info;

    long token;
    Interest interest;
    /** AFD_POLL_* events the user wants and has not been told about since the last would-block. */
    int userEvents;
    /** AFD_POLL_* events the request in the kernel watches. */
    int pendingEvents;
    Poll poll = Poll.IDLE;
    boolean deletePending;
    /** In the selector's update queue. */
    boolean queued;

    SockState(int fd, long base, AfdGroup.Afd afd, MemorySegment slot) {
        this.fd = fd;
        this.base = base;
        this.afd = afd;
        this.slot = slot;
        this.key = slot.address();
        this.iosb = slot.asSlice(PollSlots.IOSB, 16);
        this.info = slot.asSlice(PollSlots.INFO, 32);
    }

    @Override
    public String toString() {
        return "SockState[fd=" + fd + ", token=" + token + ", " + poll + (deletePending ? ", deleting]" : "]");
    }
}
