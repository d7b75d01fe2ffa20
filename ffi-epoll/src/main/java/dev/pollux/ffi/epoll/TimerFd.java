package dev.pollux.ffi.epoll;

import dev.pollux.bindings.linux.Linux;
import dev.pollux.bindings.linux.itimerspec;
import dev.pollux.bindings.linux.timespec;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code timerfd_create(2)} and {@code timerfd_settime(2)}: timers delivered as readable
 * descriptors. Methods return {@code -errno} on failure and are thread-safe.
 */
public final class TimerFd {
    public static final int CLOCK_MONOTONIC = Linux.CLOCK_MONOTONIC();
    public static final int CLOCK_REALTIME = Linux.CLOCK_REALTIME();
    public static final int CLOEXEC = Linux.TFD_CLOEXEC();
    public static final int NONBLOCK = Linux.TFD_NONBLOCK();
    public static final int TIMER_ABSTIME = Linux.TFD_TIMER_ABSTIME();

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final MethodHandle CREATE =
            Downcalls.capturing(Linux.timerfd_create$address(), Linux.timerfd_create$descriptor());
    private static final MethodHandle SETTIME =
            Downcalls.capturing(Linux.timerfd_settime$address(), Linux.timerfd_settime$descriptor());

    private TimerFd() {}

    /** {@code timerfd_create(clock, flags)}: a new descriptor, or {@code -errno}. */
    public static int create(int clock, int flags) {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            int r = (int) CREATE.invokeExact(frame.capture, clock, flags);
            return r >= 0 ? r : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * Arms (or, with both values 0, disarms) the timer: first expiry after {@code initialNanos},
     * then every {@code intervalNanos} (0 for a single expiry). Returns 0 or {@code -errno}.
     */
    public static int set(int fd, int flags, long initialNanos, long intervalNanos) {
        Downcalls.Frame frame = Downcalls.frame();
        MemorySegment spec = frame.scratch.asSlice(0, itimerspec.layout());
        setTimespec(itimerspec.it_interval(spec), intervalNanos);
        setTimespec(itimerspec.it_value(spec), initialNanos);
        try {
            int r = (int) SETTIME.invokeExact(frame.capture, fd, flags, spec, MemorySegment.NULL);
            return r == 0 ? 0 : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    private static void setTimespec(MemorySegment ts, long nanos) {
        timespec.tv_sec(ts, nanos / NANOS_PER_SECOND);
        timespec.tv_nsec(ts, nanos % NANOS_PER_SECOND);
    }
}
