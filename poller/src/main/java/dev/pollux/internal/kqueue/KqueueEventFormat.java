package dev.pollux.internal.kqueue;

import dev.pollux.ffi.kqueue.KeventLayout;
import dev.pollux.ffi.kqueue.KqueueConstants;
import dev.pollux.internal.EventFormat;
import dev.pollux.internal.Readiness;
import java.lang.foreign.MemorySegment;

/**
 * Decodes {@code struct kevent} the way mio does: one event per filter (a source ready both ways
 * gives two events with its token), EV_EOF as the closed side of that filter, an error when
 * EV_ERROR is set or EV_EOF comes with an errno in fflags. A READ or WRITE event with fflags
 * but no EV_EOF (older libkqueue reporting EPOLLERR) is closed on that side and an error.
 */
final class KqueueEventFormat implements EventFormat {
    private final KeventLayout layout;
    private final KqueueConstants c;

    KqueueEventFormat(KeventLayout layout, KqueueConstants constants) {
        this.layout = layout;
        this.c = constants;
    }

    @Override
    public long eventSize() {
        return layout.size();
    }

    @Override
    public long alignment() {
        return layout.alignment();
    }

    @Override
    public long token(MemorySegment buffer, int index) {
        return layout.udata(buffer, index);
    }

    @Override
    public int readiness(MemorySegment buffer, int index) {
        short filter = layout.filter(buffer, index);
        int flags = layout.flags(buffer, index);
        boolean eof = (flags & c.evEof()) != 0;
        int r = 0;
        if (filter == c.evfiltRead() || filter == c.evfiltUser()) {
            r |= Readiness.READABLE;
            if (eof) {
                r |= Readiness.READ_CLOSED;
            } else if (filter == c.evfiltRead() && layout.fflags(buffer, index) != 0) {
                // libkqueue 2.3.1 turns EPOLLERR on a READ filter into fflags (SO_ERROR, which it
                // reads and so clears, or EIO) without EV_EOF: ECONNREFUSED on a connected UDP
                // socket came as a plain readable event, the error lost. 2.7 adds EV_EOF (the
                // 2.6.0 changelog: no EOF indication for EPOLLERR). Same reading as for WRITE.
                r |= Readiness.READ_CLOSED | Readiness.ERROR;
            }
        } else if (filter == c.evfiltWrite()) {
            r |= Readiness.WRITABLE;
            if (eof) {
                r |= Readiness.WRITE_CLOSED;
            } else if (layout.fflags(buffer, index) != 0) {
                // libkqueue before 2.5.1 turns epoll's EPOLLERR on a WRITE filter (a pipe whose
                // reader is gone, a failed socket) into fflags (EIO, or SO_ERROR) without EV_EOF.
                // Pollux registers with fflags 0, so a kernel kqueue sets them only with EV_EOF.
                r |= Readiness.WRITE_CLOSED | Readiness.ERROR;
            }
        }
        if ((flags & c.evError()) != 0 || (eof && layout.fflags(buffer, index) != 0)) {
            r |= Readiness.ERROR;
        }
        return r;
    }
}
