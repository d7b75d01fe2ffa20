package dev.pollux.internal.epoll;

import dev.pollux.ffi.epoll.Errno;
import dev.pollux.ffi.epoll.EventFd;
import dev.pollux.internal.Check;
import dev.pollux.internal.CloseGuard;
import dev.pollux.internal.Os;
import java.io.IOException;
import java.nio.channels.ClosedSelectorException;

/**
 * An eventfd registered edge-triggered for READABLE: every write is a new edge, and writes made
 * before the next {@code epoll_wait} collapse into one event, so wakes coalesce without the poll
 * loop ever reading the counter. Closing the eventfd removes it from the epoll set.
 */
final class EventFdWaker implements dev.pollux.internal.SelectorWaker {
    private final int fd;
    private final CloseGuard guard = new CloseGuard();

    EventFdWaker(int fd) {
        this.fd = fd;
    }

    @Override
    public void wake() throws IOException {
        if (!guard.enter()) {
            throw new ClosedSelectorException();
        }
        try {
            int r = EventFd.increment(fd);
            if (r == -Errno.EAGAIN) {
                // The counter is at its maximum: reset it, then the write makes a fresh edge.
                EventFd.reset(fd);
                r = EventFd.increment(fd);
            }
            Check.check("write", r);
        } finally {
            guard.exit();
        }
    }

    @Override
    public void close() throws IOException {
        if (guard.close()) {
            Check.check("close", Os.current().close(fd));
        }
    }
}
