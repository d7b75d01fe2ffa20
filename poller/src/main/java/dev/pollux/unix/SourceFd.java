package dev.pollux.unix;

import dev.pollux.Interest;
import dev.pollux.Registry;
import dev.pollux.Source;
import dev.pollux.Trigger;
import dev.pollux.internal.Registries;
import java.io.IOException;

/**
 * Registers a raw file descriptor Pollux does not own: an eventfd, a timerfd, a signalfd, a
 * descriptor from another library. mio's {@code SourceFd}.
 *
 * <p>The caller owns the descriptor and must keep it open while registered, deregister it before
 * closing it, and make it non-blocking if it is read in an edge-triggered loop. No registration
 * state is tracked: the OS's own errors come back as {@link dev.pollux.OsException} (EEXIST when
 * already registered, ENOENT when not registered, EBADF for a closed descriptor, EPERM for a
 * descriptor epoll cannot watch such as a regular file). Immutable and thread-safe.
 */
public final class SourceFd implements Source {
    private final int fd;

    /** @throws IllegalArgumentException if {@code fd} is negative */
    public SourceFd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd is negative: " + fd);
        }
        this.fd = fd;
    }

    /** The descriptor. */
    public int fd() {
        return fd;
    }

    @Override
    public void register(Registry registry, long token, Interest interest, Trigger trigger) throws IOException {
        Registries.selector(registry).register(fd, token, interest, trigger);
    }

    @Override
    public void reregister(Registry registry, long token, Interest interest, Trigger trigger) throws IOException {
        Registries.selector(registry).reregister(fd, token, interest, trigger);
    }

    @Override
    public void deregister(Registry registry) throws IOException {
        Registries.selector(registry).deregister(fd);
    }

    @Override
    public String toString() {
        return "SourceFd[" + fd + "]";
    }
}
