package dev.pollux.ffi.kqueue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The socket and file-descriptor calls of a POSIX C library, parameterised by a
 * {@link PosixPlatform}: the BSD system-call layer on macOS and FreeBSD, and, instantiated with
 * Linux's numbers, the same code paths run against glibc on Linux. Every method returns a
 * non-negative result or {@code -errno}, errno captured by the linker. Symbols are looked up when
 * an instance is created, never when the class loads. Thread-safe; no call allocates.
 *
 * <p>Where an OS lacks a call, the portable route is taken, decided by the platform's constants:
 * <ul>
 *   <li>{@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC} (0 on macOS): {@code socket()} or
 *       {@code socketpair()}, then {@code fcntl(F_SETFL, O_NONBLOCK)} and
 *       {@code fcntl(F_SETFD, FD_CLOEXEC)}; {@code accept()} and the same two calls instead of
 *       {@code accept4()}. FreeBSD has both flags and accept4 (since 10.0) and uses them: one call,
 *       and no window in which the descriptor lacks close-on-exec.
 *   <li>{@code pipe2} (none on macOS): {@code pipe()}, then both fcntl calls on each end.
 *   <li>SIGPIPE: {@code SO_NOSIGPIPE} is set on every new socket where the platform has it (macOS,
 *       FreeBSD), and {@code MSG_NOSIGNAL} passed on every send where it is used (FreeBSD, Linux).
 * </ul>
 *
 * <p>The portable route has a race the atomic one does not: between {@code socket()},
 * {@code accept()} or {@code pipe()} and the {@code fcntl(FD_CLOEXEC)} that follows, a
 * {@code fork()} + {@code exec()} in another thread (native code; the JDK's own process launch
 * closes inherited descriptors in the child) can leak the new descriptor into the child. macOS
 * offers no atomic alternative for these calls.
 *
 * <p>EINTR: calls that cannot block on a non-blocking descriptor retry; an interrupted
 * {@code connect} is reported as {@code -EINPROGRESS} (the connection goes on, as after a
 * non-blocking connect); {@code close} never retries and reports EINTR as success (the descriptor
 * is released on all three kernels, and a retry could close someone else's).
 */
public final class PosixCalls {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;
    /** {@code sizeof(struct iovec)} on every 64-bit platform. */
    private static final long IOVEC_SIZE = 16;
    /** Where in the thread's scratch option values and multicast structs go (after iovecs are not needed). */
    private static final long VALUE_OFFSET = 512;
    private static final long LENGTH_OFFSET = 1008;

    /** Bytes of per-thread scratch memory for the structs these calls pass by pointer. */
    private static final long SCRATCH_BYTES = 1024;
    /** Bytes reserved for a {@code struct msghdr} (48 on BSD, 56 on Linux). */
    private static final long MESSAGE_BYTES = 64;
    private static final ThreadLocal<Frame> FRAME = ThreadLocal.withInitial(Frame::new);

    /**
     * Per-thread native memory of these calls (apart from the kqueue wrapper's, so that the
     * backend's memory stays as it was): errno capture, a scratch area and a message header;
     * freed by the garbage collector with the thread's frame.
     */
    private static final class Frame {
        final MemorySegment capture;
        final MemorySegment scratch;
        final MemorySegment message;

        Frame() {
            java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofAuto();
            capture = arena.allocate(Downcalls.CAPTURE_LAYOUT);
            scratch = arena.allocate(SCRATCH_BYTES, 16);
            message = arena.allocate(MESSAGE_BYTES, 8);
        }

        int errno() {
            return (int) Downcalls.ERRNO.get(capture, 0L);
        }
    }

    /** How many buffers one vectored call takes. */
    public static final int MAX_IO_VECTORS = (int) (VALUE_OFFSET / IOVEC_SIZE);

    private final PosixPlatform platform;
    private final SocketConstants s;
    private final FileConstants f;
    private final PosixLayouts layouts;
    private final PosixSockaddr sockaddr;
    private final int eintr;
    private final int einprogress;
    private final int atomicFlags;

    private final MethodHandle socket;
    private final MethodHandle socketpair;
    private final MethodHandle bind;
    private final MethodHandle listen;
    private final MethodHandle accept;
    private final MethodHandle accept4;
    private final MethodHandle connect;
    private final MethodHandle getsockname;
    private final MethodHandle getpeername;
    private final MethodHandle shutdown;
    private final MethodHandle getsockopt;
    private final MethodHandle setsockopt;
    private final MethodHandle send;
    private final MethodHandle sendHeap;
    private final MethodHandle recv;
    private final MethodHandle recvHeap;
    private final MethodHandle sendto;
    private final MethodHandle sendtoHeap;
    private final MethodHandle recvfrom;
    private final MethodHandle recvfromHeap;
    private final MethodHandle sendmsg;
    private final MethodHandle recvmsg;
    private final MethodHandle read;
    private final MethodHandle readHeap;
    private final MethodHandle write;
    private final MethodHandle writeHeap;
    private final MethodHandle readv;
    private final MethodHandle writev;
    private final MethodHandle close;
    private final MethodHandle pipe;
    private final MethodHandle pipe2;
    private final MethodHandle fcntl;

    /** Links {@code platform}'s calls from the C library ({@link Linker#defaultLookup()}). */
    public PosixCalls(PosixPlatform platform) {
        this(platform, Downcalls.LINKER.defaultLookup());
    }

    /** Links {@code platform}'s calls from {@code lookup}. */
    public PosixCalls(PosixPlatform platform, SymbolLookup lookup) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.s = platform.sockets();
        this.f = platform.files();
        this.layouts = platform.layouts();
        this.sockaddr = new PosixSockaddr(layouts, s);
        this.eintr = platform.errno().eintr();
        this.einprogress = platform.errno().einprogress();
        this.atomicFlags = s.sockNonblock() | s.sockCloexec();
        if (layouts.msghdrSize() > MESSAGE_BYTES) {
            throw new IllegalArgumentException("struct msghdr of " + layouts.msghdrSize() + " bytes does not fit");
        }
        if (layouts.storageSize() + layouts.groupReqGroupOffset() > LENGTH_OFFSET - VALUE_OFFSET) {
            throw new IllegalArgumentException("struct group_req does not fit in the scratch area");
        }
        socket = link(lookup, "socket", FunctionDescriptor.of(INT, INT, INT, INT));
        socketpair = link(lookup, "socketpair", FunctionDescriptor.of(INT, INT, INT, INT, PTR));
        bind = link(lookup, "bind", FunctionDescriptor.of(INT, INT, PTR, INT));
        listen = link(lookup, "listen", FunctionDescriptor.of(INT, INT, INT));
        accept = link(lookup, "accept", FunctionDescriptor.of(INT, INT, PTR, PTR));
        accept4 = atomicFlags == 0 ? null : link(lookup, "accept4", FunctionDescriptor.of(INT, INT, PTR, PTR, INT));
        connect = link(lookup, "connect", FunctionDescriptor.of(INT, INT, PTR, INT));
        getsockname = link(lookup, "getsockname", FunctionDescriptor.of(INT, INT, PTR, PTR));
        getpeername = link(lookup, "getpeername", FunctionDescriptor.of(INT, INT, PTR, PTR));
        shutdown = link(lookup, "shutdown", FunctionDescriptor.of(INT, INT, INT));
        getsockopt = link(lookup, "getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, PTR));
        setsockopt = link(lookup, "setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT));
        FunctionDescriptor transfer = FunctionDescriptor.of(LONG, INT, PTR, LONG, INT);
        send = link(lookup, "send", transfer);
        sendHeap = linkHeap(lookup, "send", transfer);
        recv = link(lookup, "recv", transfer);
        recvHeap = linkHeap(lookup, "recv", transfer);
        FunctionDescriptor sendtoDesc = FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, INT);
        sendto = link(lookup, "sendto", sendtoDesc);
        sendtoHeap = linkHeap(lookup, "sendto", sendtoDesc);
        FunctionDescriptor recvfromDesc = FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, PTR);
        recvfrom = link(lookup, "recvfrom", recvfromDesc);
        recvfromHeap = linkHeap(lookup, "recvfrom", recvfromDesc);
        FunctionDescriptor msg = FunctionDescriptor.of(LONG, INT, PTR, INT);
        sendmsg = link(lookup, "sendmsg", msg);
        recvmsg = link(lookup, "recvmsg", msg);
        FunctionDescriptor io = FunctionDescriptor.of(LONG, INT, PTR, LONG);
        read = link(lookup, "read", io);
        readHeap = linkHeap(lookup, "read", io);
        write = link(lookup, "write", io);
        writeHeap = linkHeap(lookup, "write", io);
        FunctionDescriptor vectored = FunctionDescriptor.of(LONG, INT, PTR, INT);
        readv = link(lookup, "readv", vectored);
        writev = link(lookup, "writev", vectored);
        close = link(lookup, "close", FunctionDescriptor.of(INT, INT));
        pipe = link(lookup, "pipe", FunctionDescriptor.of(INT, PTR));
        pipe2 = f.hasPipe2() ? link(lookup, "pipe2", FunctionDescriptor.of(INT, PTR, INT)) : null;
        // fcntl is variadic: the third argument goes where the platform's ABI puts variadic ones
        // (on the stack for macOS on arm64), which firstVariadicArg tells the linker.
        fcntl = Downcalls.LINKER.downcallHandle(lookup.findOrThrow("fcntl"), FunctionDescriptor.of(INT, INT, INT, INT),
                Downcalls.CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    }

    private static MethodHandle link(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
        return Downcalls.LINKER.downcallHandle(lookup.findOrThrow(name), descriptor, Downcalls.CAPTURE_ERRNO);
    }

    /** For calls that never block here (non-blocking descriptors): heap segments go to the kernel directly. */
    private static MethodHandle linkHeap(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
        return Downcalls.LINKER.downcallHandle(lookup.findOrThrow(name), descriptor, Downcalls.CAPTURE_ERRNO,
                Linker.Option.critical(true));
    }

    public PosixPlatform platform() {
        return platform;
    }

    /** The sockaddr codec of this platform. */
    public PosixSockaddr sockaddr() {
        return sockaddr;
    }

    // ---- descriptors ----

    /** {@code fcntl(fd, command, argument)}: the command's result, or {@code -errno}. Retries EINTR. */
    public int fcntl(int fd, int command, int argument) {
        Frame frame = FRAME.get();
        try {
            while (true) {
                int r = (int) fcntl.invokeExact(frame.capture, fd, command, argument);
                if (r >= 0) {
                    return r;
                }
                int errno = frame.errno();
                if (errno != eintr) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** Sets FD_CLOEXEC: 0, or {@code -errno}. */
    public int setCloseOnExec(int fd) {
        int r = fcntl(fd, f.fSetfd(), f.fdCloexec());
        return r < 0 ? r : 0;
    }

    /** Whether O_NONBLOCK is set: 1, 0, or {@code -errno}. */
    public int isNonBlocking(int fd) {
        int flags = fcntl(fd, f.fGetfl(), 0);
        return flags < 0 ? flags : ((flags & f.oNonblock()) != 0 ? 1 : 0);
    }

    /** Whether FD_CLOEXEC is set: 1, 0, or {@code -errno}. */
    public int isCloseOnExec(int fd) {
        int flags = fcntl(fd, f.fGetfd(), 0);
        return flags < 0 ? flags : ((flags & f.fdCloexec()) != 0 ? 1 : 0);
    }

    /** Sets O_NONBLOCK (keeping the other status flags) and FD_CLOEXEC: 0, or {@code -errno}. */
    public int makeNonBlockingCloseOnExec(int fd) {
        int flags = fcntl(fd, f.fGetfl(), 0);
        if (flags < 0) {
            return flags;
        }
        if ((flags & f.oNonblock()) == 0) {
            int r = fcntl(fd, f.fSetfl(), flags | f.oNonblock());
            if (r < 0) {
                return r;
            }
        }
        return setCloseOnExec(fd);
    }

    /**
     * A non-blocking, close-on-exec pipe into {@code fds} (read end, write end): 0, or
     * {@code -errno}. {@code pipe2} where the platform has it, else {@code pipe} and fcntl (see
     * the class comment for the race this leaves).
     */
    public int pipe(int[] fds) {
        Objects.checkFromIndexSize(0, 2, fds.length);
        Frame frame = FRAME.get();
        MemorySegment pair = frame.scratch;
        try {
            int r = pipe2 != null
                    ? (int) pipe2.invokeExact(frame.capture, pair, f.oNonblock() | f.oCloexec())
                    : (int) pipe.invokeExact(frame.capture, pair);
            if (r != 0) {
                return -frame.errno();
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
        int readEnd = pair.get(INT, 0);
        int writeEnd = pair.get(INT, Integer.BYTES);
        if (pipe2 == null) {
            int r = makeNonBlockingCloseOnExec(readEnd);
            if (r == 0) {
                r = makeNonBlockingCloseOnExec(writeEnd);
            }
            if (r < 0) {
                close(readEnd);
                close(writeEnd);
                return r;
            }
        }
        fds[0] = readEnd;
        fds[1] = writeEnd;
        return 0;
    }

    /** {@code read}: bytes read (0 at end of file), or {@code -errno}. Retries EINTR. */
    public long read(int fd, MemorySegment buffer, long length) {
        return transfer(buffer.isNative() ? read : readHeap, fd, buffer, length);
    }

    /** {@code write}: bytes written, or {@code -errno}. Retries EINTR. */
    public long write(int fd, MemorySegment buffer, long length) {
        return transfer(buffer.isNative() ? write : writeHeap, fd, buffer, length);
    }

    private long transfer(MethodHandle call, int fd, MemorySegment buffer, long length) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        Frame frame = FRAME.get();
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, buffer, length);
                if (r >= 0) {
                    return r;
                }
                int errno = frame.errno();
                if (errno != eintr) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** Scattering {@code readv} into direct buffers (at most {@link #MAX_IO_VECTORS}). */
    public long readv(int fd, ByteBuffer[] buffers, int offset, int length) {
        return vectored(readv, fd, buffers, offset, length);
    }

    /** Gathering {@code writev} from direct buffers (at most {@link #MAX_IO_VECTORS}). */
    public long writev(int fd, ByteBuffer[] buffers, int offset, int length) {
        return vectored(writev, fd, buffers, offset, length);
    }

    private long vectored(MethodHandle call, int fd, ByteBuffer[] buffers, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffers.length);
        Frame frame = FRAME.get();
        int count = Math.min(length, MAX_IO_VECTORS);
        fillIoVec(frame.scratch, buffers, offset, count);
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, frame.scratch, count);
                if (r >= 0) {
                    return r;
                }
                int errno = frame.errno();
                if (errno != eintr) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    private static void fillIoVec(MemorySegment array, ByteBuffer[] buffers, int offset, int count) {
        for (int i = 0; i < count; i++) {
            ByteBuffer b = buffers[offset + i];
            if (!b.isDirect()) {
                throw new IllegalArgumentException("vectored I/O takes direct buffers only");
            }
            MemorySegment segment = MemorySegment.ofBuffer(b);
            array.set(ValueLayout.ADDRESS, i * IOVEC_SIZE, segment);
            array.set(LONG, i * IOVEC_SIZE + 8, segment.byteSize());
        }
    }

    /** {@code close}: 0, or {@code -errno}; EINTR counts as closed. */
    public int close(int fd) {
        Frame frame = FRAME.get();
        try {
            int r = (int) close.invokeExact(frame.capture, fd);
            if (r == 0) {
                return 0;
            }
            int errno = frame.errno();
            return errno == eintr ? 0 : -errno;
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    // ---- sockets ----

    /**
     * A new socket of {@code family} and {@code type}, non-blocking, close-on-exec and (where the
     * platform has it) with SO_NOSIGPIPE: its descriptor, or {@code -errno}.
     */
    public int socket(int family, int type) {
        Frame frame = FRAME.get();
        int fd;
        try {
            fd = (int) socket.invokeExact(frame.capture, family, type | atomicFlags, 0);
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
        return fd < 0 ? -frame.errno() : prepare(fd);
    }

    /** A connected pair, prepared like {@link #socket}, into {@code fds}: 0, or {@code -errno}. */
    public int socketpair(int family, int type, int[] fds) {
        Objects.checkFromIndexSize(0, 2, fds.length);
        Frame frame = FRAME.get();
        MemorySegment pair = frame.scratch;
        try {
            int r = (int) socketpair.invokeExact(frame.capture, family, type | atomicFlags, 0, pair);
            if (r != 0) {
                return -frame.errno();
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
        int a = pair.get(INT, 0);
        int b = pair.get(INT, Integer.BYTES);
        int r = prepare(a);
        if (r < 0) {
            close(b);
            return r;
        }
        r = prepare(b);
        if (r < 0) {
            close(a);
            return r;
        }
        fds[0] = a;
        fds[1] = b;
        return 0;
    }

    /**
     * Makes a new socket non-blocking and close-on-exec when the call could not, and sets
     * SO_NOSIGPIPE where the platform has it: {@code fd}, or {@code -errno} after closing it.
     */
    private int prepare(int fd) {
        int r = 0;
        if (atomicFlags == 0) {
            r = makeNonBlockingCloseOnExec(fd);
        }
        if (r == 0 && s.soNosigpipe() != 0) {
            r = setIntOption(fd, s.solSocket(), s.soNosigpipe(), 1);
        }
        if (r < 0) {
            close(fd);
            return r;
        }
        return fd;
    }

    /**
     * A pending connection, prepared like {@link #socket}: {@code accept4} where the platform has
     * the flags, else {@code accept} and fcntl. Its descriptor, or {@code -errno}
     * ({@code -EAGAIN} when none is pending). Retries EINTR.
     */
    public int accept(int fd) {
        Frame frame = FRAME.get();
        try {
            while (true) {
                int r = accept4 != null
                        ? (int) accept4.invokeExact(frame.capture, fd, MemorySegment.NULL, MemorySegment.NULL, atomicFlags)
                        : (int) accept.invokeExact(frame.capture, fd, MemorySegment.NULL, MemorySegment.NULL);
                if (r >= 0) {
                    return prepare(r);
                }
                int errno = frame.errno();
                if (errno != eintr) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code bind}: 0, or {@code -errno}. */
    public int bind(int fd, MemorySegment address, int length) {
        checkAddress(address, length);
        Frame frame = FRAME.get();
        try {
            int r = (int) bind.invokeExact(frame.capture, fd, address, length);
            return r == 0 ? 0 : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code listen}: 0, or {@code -errno}. */
    public int listen(int fd, int backlog) {
        Frame frame = FRAME.get();
        try {
            int r = (int) listen.invokeExact(frame.capture, fd, backlog);
            return r == 0 ? 0 : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code connect}: 0, or {@code -errno} ({@code -EINPROGRESS} while connecting, and for EINTR). */
    public int connect(int fd, MemorySegment address, int length) {
        checkAddress(address, length);
        Frame frame = FRAME.get();
        try {
            int r = (int) connect.invokeExact(frame.capture, fd, address, length);
            if (r == 0) {
                return 0;
            }
            int errno = frame.errno();
            return errno == eintr ? -einprogress : -errno;
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code getsockname} into {@code address} (at least {@code storageSize} bytes): its length, or {@code -errno}. */
    public int localAddress(int fd, MemorySegment address) {
        return name(getsockname, fd, address);
    }

    /** {@code getpeername}: like {@link #localAddress}; {@code -ENOTCONN} when unconnected. */
    public int peerAddress(int fd, MemorySegment address) {
        return name(getpeername, fd, address);
    }

    private int name(MethodHandle call, int fd, MemorySegment address) {
        checkAddress(address, layouts.storageSize());
        Frame frame = FRAME.get();
        MemorySegment length = frame.scratch.asSlice(LENGTH_OFFSET, Integer.BYTES);
        length.set(INT, 0, layouts.storageSize());
        try {
            int r = (int) call.invokeExact(frame.capture, fd, address, length);
            return r == 0 ? length.get(INT, 0) : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code shutdown} of the read side, the write side or both: 0, or {@code -errno}. */
    public int shutdown(int fd, boolean read, boolean write) {
        int how = read && write ? s.shutRdwr() : (read ? s.shutRd() : s.shutWr());
        Frame frame = FRAME.get();
        try {
            int r = (int) shutdown.invokeExact(frame.capture, fd, how);
            return r == 0 ? 0 : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code getsockopt} into {@code value} ({@code value.byteSize()} bytes): the length written, or {@code -errno}. */
    public int getOption(int fd, int level, int name, MemorySegment value) {
        Frame frame = FRAME.get();
        MemorySegment length = frame.scratch.asSlice(LENGTH_OFFSET, Integer.BYTES);
        length.set(INT, 0, (int) value.byteSize());
        try {
            int r = (int) getsockopt.invokeExact(frame.capture, fd, level, name, value, length);
            return r == 0 ? length.get(INT, 0) : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code setsockopt} with {@code value.byteSize()} bytes: 0, or {@code -errno}. */
    public int setOption(int fd, int level, int name, MemorySegment value) {
        Frame frame = FRAME.get();
        try {
            int r = (int) setsockopt.invokeExact(frame.capture, fd, level, name, value, (int) value.byteSize());
            return r == 0 ? 0 : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** Reads an {@code int} option: its value (unsigned), or {@code -errno} as a negative long. */
    public long getIntOption(int fd, int level, int name) {
        MemorySegment value = FRAME.get().scratch.asSlice(VALUE_OFFSET, Integer.BYTES);
        value.set(INT, 0, 0);
        int r = getOption(fd, level, name, value);
        return r < 0 ? r : Integer.toUnsignedLong(value.get(INT, 0));
    }

    /** Sets an {@code int} option: 0, or {@code -errno}. */
    public int setIntOption(int fd, int level, int name, int v) {
        MemorySegment value = FRAME.get().scratch.asSlice(VALUE_OFFSET, Integer.BYTES);
        value.set(INT, 0, v);
        return setOption(fd, level, name, value);
    }

    /** Reads and clears SO_ERROR: the pending error (0 for none), or {@code -errno}. */
    public int takeSocketError(int fd) {
        return (int) getIntOption(fd, s.solSocket(), s.soError());
    }

    /** {@code send} with {@code MSG_NOSIGNAL} where used: bytes sent, or {@code -errno}. */
    public long send(int fd, MemorySegment buffer, long length) {
        return transfer(buffer.isNative() ? send : sendHeap, fd, buffer, length, s.msgNosignal());
    }

    /** {@code recv} ({@code MSG_PEEK} when {@code peek}): bytes received (0 at end of stream), or {@code -errno}. */
    public long receive(int fd, MemorySegment buffer, long length, boolean peek) {
        return transfer(buffer.isNative() ? recv : recvHeap, fd, buffer, length, peek ? s.msgPeek() : 0);
    }

    private long transfer(MethodHandle call, int fd, MemorySegment buffer, long length, int flags) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        Frame frame = FRAME.get();
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, buffer, length, flags);
                if (r >= 0) {
                    return r;
                }
                int errno = frame.errno();
                if (errno != eintr) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code sendto}: bytes sent, or {@code -errno}. */
    public long sendTo(int fd, MemorySegment buffer, long length, MemorySegment address, int addressLength) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        checkAddress(address, addressLength);
        Frame frame = FRAME.get();
        MethodHandle call = buffer.isNative() ? sendto : sendtoHeap;
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, buffer, length, s.msgNosignal(), address,
                        addressLength);
                if (r >= 0) {
                    return r;
                }
                int errno = frame.errno();
                if (errno != eintr) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * {@code recvfrom}: bytes received, or {@code -errno}; the sender goes to {@code address} (at
     * least {@code storageSize} bytes) and its length to {@code addressLength[0]}.
     */
    public long receiveFrom(int fd, MemorySegment buffer, long length, boolean peek, MemorySegment address,
            int[] addressLength) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        checkAddress(address, layouts.storageSize());
        Frame frame = FRAME.get();
        MemorySegment lengthCell = frame.scratch.asSlice(LENGTH_OFFSET, Integer.BYTES);
        MethodHandle call = buffer.isNative() ? recvfrom : recvfromHeap;
        try {
            while (true) {
                lengthCell.set(INT, 0, layouts.storageSize());
                long r = (long) call.invokeExact(frame.capture, fd, buffer, length, peek ? s.msgPeek() : 0, address,
                        lengthCell);
                if (r >= 0) {
                    addressLength[0] = lengthCell.get(INT, 0);
                    return r;
                }
                int errno = frame.errno();
                if (errno != eintr) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** Gathering {@code sendmsg} from direct buffers (at most {@link #MAX_IO_VECTORS}): bytes sent, or {@code -errno}. */
    public long sendVectored(int fd, ByteBuffer[] buffers, int offset, int length) {
        return message(sendmsg, fd, buffers, offset, length, s.msgNosignal());
    }

    /** Scattering {@code recvmsg} into direct buffers: bytes received (0 at end of stream), or {@code -errno}. */
    public long receiveVectored(int fd, ByteBuffer[] buffers, int offset, int length) {
        return message(recvmsg, fd, buffers, offset, length, 0);
    }

    private long message(MethodHandle call, int fd, ByteBuffer[] buffers, int offset, int length, int flags) {
        Objects.checkFromIndexSize(offset, length, buffers.length);
        Frame frame = FRAME.get();
        int count = Math.min(length, MAX_IO_VECTORS);
        fillIoVec(frame.scratch, buffers, offset, count);
        MemorySegment message = frame.message;
        writeMessageHeader(message, frame.scratch, count);
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, message, flags);
                if (r >= 0) {
                    return r;
                }
                int errno = frame.errno();
                if (errno != eintr) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** Writes a {@code struct msghdr} with no name and no control data, pointing at {@code count} iovecs. */
    void writeMessageHeader(MemorySegment message, MemorySegment iov, int count) {
        message.fill((byte) 0);
        message.set(ValueLayout.ADDRESS, layouts.msgIovOffset(), iov);
        if (layouts.msgIovlenSize() == Integer.BYTES) {
            message.set(INT, layouts.msgIovlenOffset(), count);
        } else {
            message.set(LONG, layouts.msgIovlenOffset(), count);
        }
    }

    // ---- multicast ----

    /**
     * Joins ({@code join}) or leaves multicast {@code group} (4 or 16 bytes) on interface
     * {@code interfaceIndex} (0: the kernel's choice), on a socket of {@code family}: an IPv6
     * group with IPV6_JOIN_GROUP ({@code struct ipv6_mreq}); an IPv4 group on an IPv4 socket with
     * MCAST_JOIN_GROUP ({@code struct group_req}, which carries the interface index that
     * IP_ADD_MEMBERSHIP's {@code struct ip_mreq} cannot on BSD); an IPv4 group on an IPv6 socket
     * with IPV6_JOIN_GROUP and the IPv4-mapped address where the platform supports that (macOS),
     * else {@code -EOPNOTSUPP}. Returns 0 or {@code -errno}.
     */
    public int multicastMembership(int fd, int family, byte[] group, int interfaceIndex, boolean join) {
        MemorySegment scratch = FRAME.get().scratch;
        if (group.length == 16 || (group.length == 4 && family == s.afInet6())) {
            if (group.length == 4 && !s.v4GroupsOnV6ViaMapped()) {
                return -platform.errno().eopnotsupp();
            }
            MemorySegment mreq = scratch.asSlice(VALUE_OFFSET, 20);
            mreq.fill((byte) 0);
            if (group.length == 4) {
                mreq.set(ValueLayout.JAVA_BYTE, 10, (byte) 0xff);
                mreq.set(ValueLayout.JAVA_BYTE, 11, (byte) 0xff);
                MemorySegment.copy(group, 0, mreq, ValueLayout.JAVA_BYTE, 12, 4);
            } else {
                MemorySegment.copy(group, 0, mreq, ValueLayout.JAVA_BYTE, 0, 16);
            }
            mreq.set(INT, 16, interfaceIndex);
            return setOption(fd, s.ipprotoIpv6(), join ? s.ipv6JoinGroup() : s.ipv6LeaveGroup(), mreq);
        }
        if (group.length == 4) {
            MemorySegment req = scratch.asSlice(VALUE_OFFSET, layouts.groupReqSize());
            writeGroupRequest(req, group, interfaceIndex);
            return setOption(fd, s.ipprotoIp(), join ? s.mcastJoinGroup() : s.mcastLeaveGroup(), req);
        }
        throw new IllegalArgumentException("a group address has 4 or 16 bytes, not " + group.length);
    }

    /** Writes a {@code struct group_req} for an IPv4 {@code group} on interface {@code interfaceIndex}. */
    void writeGroupRequest(MemorySegment req, byte[] group, int interfaceIndex) {
        req.asSlice(0, layouts.groupReqSize()).fill((byte) 0);
        req.set(INT, 0, interfaceIndex);
        sockaddr.putInet4(req.asSlice(layouts.groupReqGroupOffset()), group, 0);
    }

    /**
     * Sets the interface IPv4 multicast leaves by ({@code IP_MULTICAST_IF} with a
     * {@code struct ip_mreqn}, which Linux, FreeBSD and xnu all accept): its index and, when
     * {@code address} is not null, its address, which {@link #multicastInterface4} reads back.
     */
    public int setMulticastInterface4(int fd, int interfaceIndex, byte[] address) {
        MemorySegment mreqn = FRAME.get().scratch.asSlice(VALUE_OFFSET, 12);
        mreqn.fill((byte) 0);
        if (address != null) {
            if (address.length != 4) {
                throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + address.length);
            }
            MemorySegment.copy(address, 0, mreqn, ValueLayout.JAVA_BYTE, 4, 4);
        }
        mreqn.set(INT, 8, interfaceIndex);
        return setOption(fd, s.ipprotoIp(), s.ipMulticastIf(), mreqn);
    }

    /** Reads {@code IP_MULTICAST_IF} as a {@code struct in_addr} into {@code address} (4 bytes): 0, or {@code -errno}. */
    public int multicastInterface4(int fd, byte[] address) {
        if (address.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + address.length);
        }
        MemorySegment value = FRAME.get().scratch.asSlice(VALUE_OFFSET, 4);
        value.fill((byte) 0);
        int r = getOption(fd, s.ipprotoIp(), s.ipMulticastIf(), value);
        if (r < 0) {
            return r;
        }
        MemorySegment.copy(value, ValueLayout.JAVA_BYTE, 0, address, 0, 4);
        return 0;
    }

    private static void checkAddress(MemorySegment address, int length) {
        if (length < 0 || length > address.byteSize()) {
            throw new IndexOutOfBoundsException("address of " + address.byteSize() + " bytes, length " + length);
        }
    }
}
