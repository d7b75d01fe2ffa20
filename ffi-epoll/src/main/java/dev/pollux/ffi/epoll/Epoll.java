package dev.pollux.ffi.epoll;

import dev.pollux.bindings.linux.Linux;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * epoll_create1, epoll_ctl and epoll_wait, returning {@code -errno} on failure.
 *
 * <p>{@code struct epoll_event} is packed (12 bytes) on x86_64 and naturally aligned (16 bytes)
 * on aarch64; {@link #EVENT_SIZE}, {@link #EVENTS_OFFSET} and {@link #DATA_OFFSET} come from the
 * layout jextract generated for this architecture, and the 64-bit data field is read unaligned.
 * On an architecture with no generated layout, {@link #create} fails with
 * {@link UnsupportedOperationException} rather than misread events. All methods are thread-safe.
 *
 * <p>EINTR: {@link #ctl} retries (it never blocks, so an interrupted call has done nothing);
 * {@link #await} returns early on a signal (with what a non-blocking wait then finds, or
 * {@code -EINTR}) so that the caller can too.
 */
public final class Epoll {
    public static final int CLOEXEC = Linux.EPOLL_CLOEXEC();
    public static final int CTL_ADD = Linux.EPOLL_CTL_ADD();
    public static final int CTL_MOD = Linux.EPOLL_CTL_MOD();
    public static final int CTL_DEL = Linux.EPOLL_CTL_DEL();

    public static final int EPOLLIN = Linux.EPOLLIN();
    public static final int EPOLLPRI = Linux.EPOLLPRI();
    public static final int EPOLLOUT = Linux.EPOLLOUT();
    public static final int EPOLLERR = Linux.EPOLLERR();
    public static final int EPOLLHUP = Linux.EPOLLHUP();
    public static final int EPOLLRDHUP = Linux.EPOLLRDHUP();
    public static final int EPOLLET = Linux.EPOLLET();
    public static final int EPOLLONESHOT = Linux.EPOLLONESHOT();

    private static final String ARCH = System.getProperty("os.arch", "");
    /** {@code struct epoll_event} as laid out on this architecture, or null when none was generated. */
    private static final GroupLayout EVENT = switch (ARCH) {
        case "amd64", "x86_64" -> dev.pollux.bindings.linux.epoll_event.layout();
        case "aarch64" -> dev.pollux.bindings.linux.aarch64.epoll_event.layout();
        default -> null;
    };

    /** Size of one {@code struct epoll_event} on this architecture. */
    public static final long EVENT_SIZE = EVENT == null ? 16 : EVENT.byteSize();
    /** Offset of the {@code events} bit set in {@code struct epoll_event}. */
    public static final long EVENTS_OFFSET = EVENT == null ? 0 : EVENT.byteOffset(PathElement.groupElement("events"));
    /** Offset of the 64-bit {@code data} field in {@code struct epoll_event}. */
    public static final long DATA_OFFSET = EVENT == null ? 8 : EVENT.byteOffset(PathElement.groupElement("data"));
    /** Alignment a buffer of events needs. */
    public static final long EVENT_ALIGNMENT = EVENT == null ? 8 : EVENT.byteAlignment();

    private static final MethodHandle CREATE1 =
            Downcalls.capturing(Linux.epoll_create1$address(), Linux.epoll_create1$descriptor());
    private static final MethodHandle CTL =
            Downcalls.capturing(Linux.epoll_ctl$address(), Linux.epoll_ctl$descriptor());
    private static final MethodHandle WAIT =
            Downcalls.capturing(Linux.epoll_wait$address(), Linux.epoll_wait$descriptor());
    /** epoll_wait without errno capture: the blocking wait of every poll (see {@link #await}). */
    private static final MethodHandle WAIT_PLAIN =
            Downcalls.plain(Linux.epoll_wait$address(), Linux.epoll_wait$descriptor());

    private Epoll() {}

    /**
     * {@code epoll_create1(flags)}: a new epoll descriptor, or {@code -errno}.
     *
     * @throws UnsupportedOperationException on an architecture whose {@code struct epoll_event}
     *     layout was not generated
     */
    public static int create(int flags) {
        if (EVENT == null) {
            throw new UnsupportedOperationException("no struct epoll_event layout was generated for os.arch="
                    + ARCH + "; add a bindings target for it (see scripts/generate-bindings.sh)");
        }
        Downcalls.Frame frame = Downcalls.frame();
        try {
            int r = (int) CREATE1.invokeExact(frame.capture, flags);
            return r >= 0 ? r : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * {@code epoll_ctl(epfd, op, fd, {events, data})}: 0, or {@code -errno}. The event struct is
     * built in the calling thread's scratch memory; for {@link #CTL_DEL} it is passed too (kernels
     * before 2.6.9 required it).
     */
    public static int ctl(int epfd, int op, int fd, int events, long data) {
        Downcalls.Frame frame = Downcalls.frame();
        MemorySegment event = frame.scratch;
        event.set(ValueLayout.JAVA_INT_UNALIGNED, EVENTS_OFFSET, events);
        event.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
        try {
            while (true) {
                int r = (int) CTL.invokeExact(frame.capture, epfd, op, fd, event);
                if (r == 0) {
                    return 0;
                }
                int errno = frame.errno();
                if (errno != Errno.EINTR) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * {@code epoll_wait(epfd, events, maxEvents, timeoutMillis)}: the number of events written to
     * {@code events}, or {@code -errno}.
     *
     * <p>The wait itself does not capture errno, which keeps the per-thread frame and the stub's
     * errno copy off every poll. A failed epoll_wait consumed no events, so on failure the same
     * call is repeated without blocking and with errno captured: a bad descriptor, buffer or
     * count fails again the same way, while a wait that a signal interrupted returns what is
     * ready by then (often 0), or {@code -EINTR} if another signal interrupts the repeat.
     *
     * @param events native memory for at least {@code maxEvents} events of {@link #EVENT_SIZE}
     * @param timeoutMillis -1 to wait forever, 0 not to block
     */
    public static int await(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        try {
            int r = (int) WAIT_PLAIN.invokeExact(epfd, events, maxEvents, timeoutMillis);
            if (r >= 0) {
                return r;
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
        return awaitCapturing(epfd, events, maxEvents, 0);
    }

    /** epoll_wait with errno captured: the events written, or {@code -errno}. */
    private static int awaitCapturing(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            int r = (int) WAIT.invokeExact(frame.capture, epfd, events, maxEvents, timeoutMillis);
            return r >= 0 ? r : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** The {@code events} bit set of event {@code index} in a buffer filled by {@link #await}. */
    public static int events(MemorySegment buffer, int index) {
        return buffer.get(ValueLayout.JAVA_INT_UNALIGNED, index * EVENT_SIZE + EVENTS_OFFSET);
    }

    /** The {@code data} field of event {@code index} in a buffer filled by {@link #await}. */
    public static long data(MemorySegment buffer, int index) {
        return buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, index * EVENT_SIZE + DATA_OFFSET);
    }
}
