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
 *
 * <p>Each instance also owns an eventfd, registered level-triggered from the start, that only
 * {@link #implInterrupt()} (a close from another thread) ever signals; see there.
 */
public final class EpollSelector extends Selector {
    /**
     * The interrupt eventfd's epoll data. Any value would do: epoll data are the users' tokens,
     * so no value could be told apart from theirs, and none needs to be, because the select that
     * receives this event throws ClosedSelectorException and returns none of its events.
     */
    private static final long INTERRUPT_TOKEN = 0;

    private final int epfd;
    private final int interruptFd;

    private EpollSelector(int epfd, int interruptFd) {
        this.epfd = epfd;
        this.interruptFd = interruptFd;
    }

    /**
     * Opens a new epoll instance (close-on-exec) and its interrupt eventfd.
     *
     * <p>One more descriptor per Poll, as the JDK's {@code EPollSelectorImpl} has: a close under a
     * blocked poll needs a wake that always exists (the user may have made no {@code Waker}, and
     * borrowing theirs would report their token) and that cannot fail when it is needed (creating
     * an eventfd inside {@code close()} could meet EMFILE, leaving a thread blocked for ever).
     */
    public static EpollSelector open() throws IOException {
        int epfd = Check.check("epoll_create1", Epoll.create(Epoll.CLOEXEC));
        int efd = EventFd.create(0, EventFd.CLOEXEC | EventFd.NONBLOCK);
        if (efd < 0) {
            Os.current().close(epfd);
            Check.check("eventfd", efd);
        }
        // Level-triggered and never read: once signalled, every epoll_wait returns at once, so a
        // select that had not yet reached epoll_wait when the close came does not block either.
        int r = Epoll.ctl(epfd, Epoll.CTL_ADD, efd, Epoll.EPOLLIN, INTERRUPT_TOKEN);
        if (r < 0) {
            Os.current().close(efd);
            Os.current().close(epfd);
            Check.check("epoll_ctl", r);
        }
        return new EpollSelector(epfd, efd);
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
    protected void implInterrupt() throws IOException {
        // Written once and never read, so the counter cannot be at its maximum (no EAGAIN).
        Check.check("write", EventFd.increment(interruptFd));
    }

    @Override
    protected void implClose() throws IOException {
        int r = Os.current().close(epfd);
        Check.check("close", Os.current().close(interruptFd));
        Check.check("close", r);
    }

    static int events(Interest interest, Trigger trigger) {
        int e = mask(interest);
        return switch (trigger) {
            case EDGE -> e | Epoll.EPOLLET;
            case LEVEL -> e;
            case ONESHOT -> e | Epoll.EPOLLONESHOT;
        };
    }

    /**
     * The poll mask for an interest, without trigger bits: {@code EPOLLIN | EPOLLRDHUP},
     * {@code EPOLLOUT}, {@code EPOLLPRI}. io_uring's poll requests take the same bits.
     */
    public static int mask(Interest interest) {
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
        return e;
    }

    @Override
    public String toString() {
        return "EpollSelector[epfd=" + epfd + (isClosed() ? ", closed]" : "]");
    }
}
