package dev.pollux.internal;

import java.io.IOException;

/**
 * A backend's way to make a blocked {@link Selector#select} return with a given token (an
 * eventfd on epoll, EVFILT_USER on kqueue, a posted completion on IOCP). Implementations make
 * {@link #wake()} safe against a concurrent {@link #close()}.
 */
public interface SelectorWaker {
    /** Makes the selector report this waker's token; wakes before the next poll coalesce. */
    void wake() throws IOException;

    /** Releases the waker's resources; later {@link #wake()} calls fail. Idempotent. */
    void close() throws IOException;
}
