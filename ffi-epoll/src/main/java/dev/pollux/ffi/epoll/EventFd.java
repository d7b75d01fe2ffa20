package dev.pollux.ffi.epoll;

import dev.pollux.bindings.linux.Linux;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code eventfd(2)}: a kernel counter that is readable while non-zero, used by the waker.
 * Methods return {@code -errno} on failure and are thread-safe.
 */
public final class EventFd {
    public static final int CLOEXEC = Linux.EFD_CLOEXEC();
    public static final int NONBLOCK = Linux.EFD_NONBLOCK();
    public static final int SEMAPHORE = Linux.EFD_SEMAPHORE();

    private static final MethodHandle EVENTFD =
            Downcalls.capturing(Linux.eventfd$address(), Linux.eventfd$descriptor());

    /** Writes 8 bytes from native memory: the waker's increment, critical and without errno capture. */
    private static final MethodHandle WRITE_PLAIN = Downcalls.plainCritical(Linux.write$address(), Linux.write$descriptor());
    /** The increment of {@link #increment}: written once, only ever read, so shared by every thread. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);

    private EventFd() {}

    /** {@code eventfd(initialValue, flags)}: a new descriptor, or {@code -errno}. */
    public static int create(int initialValue, int flags) {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            int r = (int) EVENTFD.invokeExact(frame.capture, initialValue, flags);
            return r >= 0 ? r : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * Adds {@code increment} to the counter: 0, or {@code -errno} ({@code -EAGAIN} when a
     * non-blocking counter would overflow).
     */
    public static int add(int fd, long increment) {
        MemorySegment value = Downcalls.frame().scratch;
        value.set(ValueLayout.JAVA_LONG, 0, increment);
        long r = Fd.write(fd, value, Long.BYTES);
        return r < 0 ? (int) r : 0;
    }

    /**
     * Adds 1 to the counter of a <em>non-blocking</em> eventfd: 0, or {@code -errno}
     * ({@code -EAGAIN} when the counter is at its maximum). The waker's hot path: the write is a
     * critical call (it cannot block on a non-blocking eventfd) from a shared constant, and does
     * not capture errno; only a failed write is repeated through {@link #add}, which captures it.
     * A failed write changed nothing, and the repeat fails for the same reason (or, if a reader
     * made room meanwhile, succeeds), so the result is always that of a real attempt.
     */
    public static int increment(int fd) {
        try {
            long r = (long) WRITE_PLAIN.invokeExact(fd, ONE, (long) Long.BYTES);
            if (r == Long.BYTES) {
                return 0;
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
        return add(fd, 1);
    }

    /** Reads and so resets the counter: 0, or {@code -errno} ({@code -EAGAIN} when it was zero). */
    public static int reset(int fd) {
        MemorySegment value = Downcalls.frame().scratch;
        long r = Fd.read(fd, value, Long.BYTES);
        return r < 0 ? (int) r : 0;
    }
}
