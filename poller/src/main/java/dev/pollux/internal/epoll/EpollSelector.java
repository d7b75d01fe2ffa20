package dev.pollux.internal.epoll;

import dev.pollux.Backend;
import dev.pollux.Interest;
import dev.pollux.Trigger;
import dev.pollux.ffi.epoll.Epoll;
import dev.pollux.ffi.epoll.Errno;
import dev.pollux.ffi.epoll.EventFd;
import dev.pollux.internal.Check;
import dev.pollux.internal.EventFormat;
import dev.pollux.internal.Os;
import dev.pollux.internal.Selector;
import dev.pollux.internal.SelectorWaker;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The Linux backend: one epoll instance. Interests map as in mio: READABLE is
 * {@code EPOLLIN | EPOLLRDHUP}, WRITABLE {@code EPOLLOUT}, PRIORITY {@code EPOLLPRI};
 * {@link Trigger#EDGE} adds {@code EPOLLET}, {@link Trigger#ONESHOT} {@code EPOLLONESHOT}.
 */
public final class EpollSelector extends Selector {
    private final int epfd;

    private EpollSelector(int epfd) {
        this.epfd = epfd;
    }

    /** Opens a new epoll instance (close-on-exec). */
    public static EpollSelector open() throws IOException {
        return new EpollSelector(Check.check("epoll_create1", Epoll.create(Epoll.CLOEXEC)));
    }

    @Override
    public Backend backend() {
        return Backend.EPOLL;
    }

    @Override
    public EventFormat eventFormat() {
        return EpollEventFormat.INSTANCE;
    }

    @Override
    protected int implSelect(MemorySegment buffer, int capacity, long timeoutNanos) throws IOException {
        int n = Epoll.await(epfd, buffer, capacity, toMillis(timeoutNanos));
        if (n == -Errno.EINTR) {
            return 0;
        }
        return Check.check("epoll_wait", n);
    }

    /** Rounds up, so that a short timeout never becomes a busy zero-timeout poll. */
    private static int toMillis(long timeoutNanos) {
        if (timeoutNanos < 0) {
            return -1;
        }
        long millis = timeoutNanos / 1_000_000L + (timeoutNanos % 1_000_000L == 0 ? 0 : 1);
        return (int) Math.min(millis, Integer.MAX_VALUE);
    }

    @Override
    protected void implRegister(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        Check.check("epoll_ctl", Epoll.ctl(epfd, Epoll.CTL_ADD, fd, events(interest, trigger), token));
    }

    @Override
    protected void implReregister(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        Check.check("epoll_ctl", Epoll.ctl(epfd, Epoll.CTL_MOD, fd, events(interest, trigger), token));
    }

    @Override
    protected void implDeregister(int fd) throws IOException {
        Check.check("epoll_ctl", Epoll.ctl(epfd, Epoll.CTL_DEL, fd, 0, 0L));
    }

    @Override
    protected SelectorWaker implOpenWaker(long token) throws IOException {
        int fd = Check.check("eventfd", EventFd.create(0, EventFd.CLOEXEC | EventFd.NONBLOCK));
        try {
            implRegister(fd, token, Interest.READABLE, Trigger.EDGE);
        } catch (IOException | RuntimeException e) {
            Os.current().close(fd);
            throw e;
        }
        return new EventFdWaker(fd);
    }

    @Override
    protected void implClose() throws IOException {
        Check.check("close", Os.current().close(epfd));
    }

    static int events(Interest interest, Trigger trigger) {
        int e = 0;
        if (interest.isReadable()) {
            e |= Epoll.EPOLLIN | Epoll.EPOLLRDHUP;
        }
        if (interest.isWritable()) {
            e |= Epoll.EPOLLOUT;
        }
        if (interest.isPriority()) {
            e |= Epoll.EPOLLPRI;
        }
        return switch (trigger) {
            case EDGE -> e | Epoll.EPOLLET;
            case LEVEL -> e;
            case ONESHOT -> e | Epoll.EPOLLONESHOT;
        };
    }

    @Override
    public String toString() {
        return "EpollSelector[epfd=" + epfd + (isClosed() ? ", closed]" : "]");
    }
}
