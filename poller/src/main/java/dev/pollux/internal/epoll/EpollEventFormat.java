package dev.pollux.internal.epoll;

import static dev.pollux.ffi.epoll.Epoll.EPOLLERR;
import static dev.pollux.ffi.epoll.Epoll.EPOLLHUP;
import static dev.pollux.ffi.epoll.Epoll.EPOLLIN;
import static dev.pollux.ffi.epoll.Epoll.EPOLLOUT;
import static dev.pollux.ffi.epoll.Epoll.EPOLLPRI;
import static dev.pollux.ffi.epoll.Epoll.EPOLLRDHUP;

import dev.pollux.ffi.epoll.Epoll;
import dev.pollux.internal.EventFormat;
import dev.pollux.internal.Readiness;
import java.lang.foreign.MemorySegment;

/**
 * Decodes {@code struct epoll_event} the way mio does on Linux. {@link #decode} also serves the
 * io_uring backend, whose poll requests complete with the same poll mask.
 */
public final class EpollEventFormat implements EventFormat {
    static final EpollEventFormat INSTANCE = new EpollEventFormat();

    private EpollEventFormat() {}

    @Override
    public long eventSize() {
        return Epoll.EVENT_SIZE;
    }

    @Override
    public long alignment() {
        return Epoll.EVENT_ALIGNMENT;
    }

    @Override
    public long token(MemorySegment buffer, int index) {
        return Epoll.data(buffer, index);
    }

    @Override
    public int readiness(MemorySegment buffer, int index) {
        return decode(Epoll.events(buffer, index));
    }

    /** The {@link Readiness} bits of an epoll / poll event mask. */
    public static int decode(int e) {
        int r = 0;
        if ((e & (EPOLLIN | EPOLLPRI)) != 0) {
            r |= Readiness.READABLE;
        }
        if ((e & EPOLLOUT) != 0) {
            r |= Readiness.WRITABLE;
        }
        if ((e & EPOLLERR) != 0) {
            r |= Readiness.ERROR;
        }
        // A hang-up closes both directions; EPOLLRDHUP only counts with EPOLLIN (mio's rule).
        if ((e & EPOLLHUP) != 0 || ((e & EPOLLIN) != 0 && (e & EPOLLRDHUP) != 0)) {
            r |= Readiness.READ_CLOSED;
        }
        if ((e & EPOLLHUP) != 0 || ((e & EPOLLOUT) != 0 && (e & EPOLLERR) != 0) || e == EPOLLERR) {
            r |= Readiness.WRITE_CLOSED;
        }
        if ((e & EPOLLPRI) != 0) {
            r |= Readiness.PRIORITY;
        }
        return r;
    }
}
