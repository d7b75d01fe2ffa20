package dev.pollux.ffi.epoll;

import dev.pollux.bindings.linux.Linux;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * read, write, readv, writev, close, pipe2 and fcntl on file descriptors, returning
 * {@code -errno} on failure. All methods are thread-safe; none allocates.
 *
 * <p>Buffers may be native or heap segments: heap segments go to the kernel directly through a
 * critical downcall (no copy), which is sound because Pollux only does I/O on non-blocking
 * descriptors. A length larger than the segment fails with {@link IndexOutOfBoundsException}
 * instead of letting the kernel touch memory outside it.
 *
 * <p>EINTR: {@link #read}, {@link #write}, {@link #readv} and {@link #writev} retry (on a
 * non-blocking descriptor an interrupted call transferred nothing). {@link #close} never retries:
 * Linux releases the descriptor even when close reports EINTR, and retrying could close a
 * descriptor another thread has just been given; EINTR is reported as success.
 */
public final class Fd {
    public static final int O_NONBLOCK = Linux.O_NONBLOCK();
    public static final int O_CLOEXEC = Linux.O_CLOEXEC();
    public static final int F_GETFL = Linux.F_GETFL();
    public static final int F_SETFL = Linux.F_SETFL();
    public static final int F_GETFD = Linux.F_GETFD();
    public static final int F_SETFD = Linux.F_SETFD();
    public static final int FD_CLOEXEC = Linux.FD_CLOEXEC();

    private static final MethodHandle READ = Downcalls.capturing(Linux.read$address(), Linux.read$descriptor());
    private static final MethodHandle READ_HEAP =
            Downcalls.capturingWithHeapAccess(Linux.read$address(), Linux.read$descriptor());
    private static final MethodHandle WRITE = Downcalls.capturing(Linux.write$address(), Linux.write$descriptor());
    private static final MethodHandle WRITE_HEAP =
            Downcalls.capturingWithHeapAccess(Linux.write$address(), Linux.write$descriptor());
    private static final MethodHandle READV = Downcalls.capturing(Linux.readv$address(), Linux.readv$descriptor());
    private static final MethodHandle WRITEV = Downcalls.capturing(Linux.writev$address(), Linux.writev$descriptor());
    private static final MethodHandle CLOSE = Downcalls.capturing(Linux.close$address(), Linux.close$descriptor());
    private static final MethodHandle PIPE2 = Downcalls.capturing(Linux.pipe2$address(), Linux.pipe2$descriptor());
    private static final MethodHandle FCNTL = Downcalls.capturingVariadic(
            Linux.fcntl.address(), FunctionDescriptor.of(Linux.C_INT, Linux.C_INT, Linux.C_INT, Linux.C_INT), 2);

    /** How many buffers one {@link #readv} or {@link #writev} call takes. */
    public static final int MAX_IO_VECTORS = (int) (Downcalls.SCRATCH_BYTES / IoVec.SIZE);

    private Fd() {}

    // read and write each carry their own EINTR loop rather than sharing a helper: they sit at the
    // bottom of every stream I/O path (task, channel, IoSource, Os, here), and one more call level
    // pushes the downcall past C2's default inlining depth, which then stops escape analysis from
    // removing the errno-capture bookkeeping (40 B per write, seen with JMH -prof gc).

    /** {@code read(fd, buffer, length)}: bytes read (0 at end of file), or {@code -errno}. */
    public static long read(int fd, MemorySegment buffer, long length) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        MethodHandle call = buffer.isNative() ? READ : READ_HEAP;
        Downcalls.Frame frame = Downcalls.frame();
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, buffer, length);
                if (r >= 0) {
                    return r;
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

    /** {@code write(fd, buffer, length)}: bytes written, or {@code -errno}. */
    public static long write(int fd, MemorySegment buffer, long length) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        MethodHandle call = buffer.isNative() ? WRITE : WRITE_HEAP;
        Downcalls.Frame frame = Downcalls.frame();
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, buffer, length);
                if (r >= 0) {
                    return r;
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
     * {@code readv} into the remaining space of {@code buffers[offset .. offset+length)}, which must
     * be direct: bytes read, or {@code -errno}. Buffer positions are not changed. At most
     * {@link #MAX_IO_VECTORS} buffers are used; the rest are ignored (a short read).
     */
    public static long readv(int fd, ByteBuffer[] buffers, int offset, int length) {
        return vectored(READV, fd, buffers, offset, length);
    }

    /**
     * {@code writev} from the remaining bytes of {@code buffers[offset .. offset+length)}, which
     * must be direct: bytes written, or {@code -errno}. Buffer positions are not changed. At most
     * {@link #MAX_IO_VECTORS} buffers are used.
     */
    public static long writev(int fd, ByteBuffer[] buffers, int offset, int length) {
        return vectored(WRITEV, fd, buffers, offset, length);
    }

    private static long vectored(MethodHandle call, int fd, ByteBuffer[] buffers, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffers.length);
        Downcalls.Frame frame = Downcalls.frame();
        MemorySegment iov = frame.scratch;
        int count = Math.min(length, MAX_IO_VECTORS);
        IoVec.fill(iov, buffers, offset, count);
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, iov, count);
                if (r >= 0) {
                    return r;
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

    /** {@code close(fd)}: 0, or {@code -errno}; EINTR counts as closed (see the class comment). */
    public static int close(int fd) {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            int r = (int) CLOSE.invokeExact(frame.capture, fd);
            if (r == 0) {
                return 0;
            }
            int errno = frame.errno();
            return errno == Errno.EINTR ? 0 : -errno;
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * {@code pipe2(fds, flags)}: on success stores the read end in {@code fds[0]} and the write
     * end in {@code fds[1]} and returns 0; otherwise returns {@code -errno}.
     */
    public static int pipe2(int[] fds, int flags) {
        Objects.checkFromIndexSize(0, 2, fds.length);
        Downcalls.Frame frame = Downcalls.frame();
        MemorySegment pair = frame.scratch;
        try {
            int r = (int) PIPE2.invokeExact(frame.capture, pair, flags);
            if (r != 0) {
                return -frame.errno();
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
        fds[0] = pair.get(ValueLayout.JAVA_INT, 0);
        fds[1] = pair.get(ValueLayout.JAVA_INT, Integer.BYTES);
        return 0;
    }

    /**
     * {@code fcntl(fd, F_DUPFD_CLOEXEC, 0)}: a new close-on-exec descriptor for the same open file
     * (the lowest free number), or {@code -errno}. The constant comes from the io_uring bindings,
     * whose completion-based streams are what need it.
     */
    public static int dupCloexec(int fd) {
        return fcntl(fd, dev.pollux.bindings.linux.uring.IoUringH.F_DUPFD_CLOEXEC(), 0);
    }

    /** {@code fcntl(fd, command, argument)}: the command's result, or {@code -errno}. */
    public static int fcntl(int fd, int command, int argument) {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            while (true) {
                int r = (int) FCNTL.invokeExact(frame.capture, fd, command, argument);
                if (r >= 0) {
                    return r;
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
}
