package dev.pollux.ffi.epoll;

import dev.pollux.bindings.linux.uring.IoUringH;
import dev.pollux.bindings.linux.uring.__kernel_timespec;
import dev.pollux.bindings.linux.uring.io_cqring_offsets;
import dev.pollux.bindings.linux.uring.io_sqring_offsets;
import dev.pollux.bindings.linux.uring.io_uring_cqe;
import dev.pollux.bindings.linux.uring.io_uring_getevents_arg;
import dev.pollux.bindings.linux.uring.io_uring_params;
import dev.pollux.bindings.linux.uring.io_uring_sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance: the raw {@code io_uring_setup} / {@code io_uring_enter} system calls
 * (through {@code syscall(2)}, no liburing), the submission and completion rings mapped with
 * {@code mmap}, and allocation-free preparation of the few SQEs Pollux needs (POLL_ADD,
 * POLL_REMOVE and NOP for readiness; RECV, SEND and ASYNC_CANCEL for completion-based streams).
 *
 * <p>Memory ordering follows the kernel's contract: the ring indexes the kernel writes (SQ head,
 * CQ tail) are read with acquire semantics, the ones this side writes (SQ tail, CQ head) are
 * published with release semantics, through {@link VarHandle}s on the mapped segments. SQEs and
 * CQEs are plain memory guarded by those indexes.
 *
 * <p>Threading: not thread-safe. One thread at a time may produce SQEs ({@link #prepPollAdd} and
 * friends, {@link #submit}) and one thread at a time may consume CQEs ({@link #cqReady},
 * {@link #advanceCq}); the two may be different threads. {@link #submit} and
 * {@link #getEvents} may run concurrently with each other and with SQE/CQE access (the
 * kernel serializes submission), except on a {@link #SETUP_SINGLE_ISSUER} ring, where only its
 * one submitting thread may enter; at most one thread may be in {@link #submitAndWait}, which uses
 * the ring's one timespec. {@link #setup} once per instance. The caller (the poller's
 * {@code IoUringSelector}) provides the locking. {@link #close()} must not race with any other
 * call. Methods return {@code -errno} on failure, like the rest of this module.
 */
public final class IoUring {
    public static final int OP_NOP = IoUringH.IORING_OP_NOP();
    public static final int OP_POLL_ADD = IoUringH.IORING_OP_POLL_ADD();
    public static final int OP_POLL_REMOVE = IoUringH.IORING_OP_POLL_REMOVE();
    public static final int OP_RECV = IoUringH.IORING_OP_RECV();
    public static final int OP_SEND = IoUringH.IORING_OP_SEND();
    public static final int OP_ASYNC_CANCEL = IoUringH.IORING_OP_ASYNC_CANCEL();
    public static final int POLL_ADD_MULTI = IoUringH.IORING_POLL_ADD_MULTI();
    /**
     * RECV/SEND flag (in the SQE's ioprio, Linux 5.19): skip the first attempt and wait for
     * readiness at once, for a receive that expects no data yet.
     */
    public static final int RECVSEND_POLL_FIRST = IoUringH.IORING_RECVSEND_POLL_FIRST();
    /** CQE flag of a receive (Linux 5.19): the socket still held data when the receive completed. */
    public static final int CQE_F_SOCK_NONEMPTY = IoUringH.IORING_CQE_F_SOCK_NONEMPTY();
    public static final int CQE_F_MORE = IoUringH.IORING_CQE_F_MORE();
    public static final int SQ_CQ_OVERFLOW = IoUringH.IORING_SQ_CQ_OVERFLOW();
    /**
     * Setup flag (Linux 5.19): completion work is not forced on a running thread with an
     * interrupt; it runs when the thread next enters or leaves the kernel (a sleeping thread is
     * still woken for it).
     */
    public static final int SETUP_COOP_TASKRUN = IoUringH.IORING_SETUP_COOP_TASKRUN();
    /**
     * Setup flag (Linux 6.0): one thread submits, the first to do so (or the one that enables a
     * disabled ring); {@code io_uring_enter} from any other thread fails with EEXIST.
     */
    public static final int SETUP_SINGLE_ISSUER = IoUringH.IORING_SETUP_SINGLE_ISSUER();
    /**
     * Setup flag (Linux 6.1, needs {@link #SETUP_SINGLE_ISSUER}): completion work waits on the
     * ring, without signalling any thread, until the submitting thread calls
     * {@code io_uring_enter} with {@code IORING_ENTER_GETEVENTS} ({@link #getEvents},
     * {@link #submitAndGetEvents}, {@link #submitAndWait}); a thread waiting there is woken for it.
     */
    public static final int SETUP_DEFER_TASKRUN = IoUringH.IORING_SETUP_DEFER_TASKRUN();
    /** Setup flag (Linux 5.10): the ring refuses submissions (EBADFD) until {@link #enableRings}. */
    public static final int SETUP_R_DISABLED = IoUringH.IORING_SETUP_R_DISABLED();

    public static final int FEAT_SINGLE_MMAP = IoUringH.IORING_FEAT_SINGLE_MMAP();
    public static final int FEAT_NODROP = IoUringH.IORING_FEAT_NODROP();
    public static final int FEAT_EXT_ARG = IoUringH.IORING_FEAT_EXT_ARG();
    public static final int FEAT_CQE_SKIP = IoUringH.IORING_FEAT_CQE_SKIP();
    /**
     * Feature (Linux 5.7): a receive or send that would block waits for readiness on the ring's
     * own poll machinery instead of a worker thread.
     */
    public static final int FEAT_FAST_POLL = IoUringH.IORING_FEAT_FAST_POLL();
    public static final int SQE_CQE_SKIP_SUCCESS = IoUringH.IOSQE_CQE_SKIP_SUCCESS();

    private static final int ENTER_GETEVENTS = IoUringH.IORING_ENTER_GETEVENTS();
    private static final int ENTER_EXT_ARG = IoUringH.IORING_ENTER_EXT_ARG();
    private static final int SETUP_CQSIZE = IoUringH.IORING_SETUP_CQSIZE();
    private static final int SETUP_CLAMP = IoUringH.IORING_SETUP_CLAMP();

    private static final long SQE_SIZE = io_uring_sqe.layout().byteSize();
    private static final long WAIT_ARG_SIZE = io_uring_getevents_arg.layout().byteSize();
    private static final long CQE_SIZE = io_uring_cqe.layout().byteSize();
    private static final long SQE_OPCODE = io_uring_sqe.opcode$offset();
    private static final long SQE_FLAGS = io_uring_sqe.flags$offset();
    private static final long SQE_FD = io_uring_sqe.fd$offset();
    private static final long SQE_IOPRIO = io_uring_sqe.ioprio$offset();
    private static final long SQE_MSG_FLAGS = io_uring_sqe.msg_flags$offset();
    private static final long SQE_ADDR = io_uring_sqe.addr$offset();
    private static final long SQE_LEN = io_uring_sqe.len$offset();
    private static final long SQE_POLL32_EVENTS = io_uring_sqe.poll32_events$offset();
    private static final long SQE_USER_DATA = io_uring_sqe.user_data$offset();
    private static final long CQE_USER_DATA = io_uring_cqe.user_data$offset();
    private static final long CQE_RES = io_uring_cqe.res$offset();
    private static final long CQE_FLAGS = io_uring_cqe.flags$offset();

    /** An aligned 32-bit ring index shared with the kernel: coordinates (segment, byte offset). */
    private static final VarHandle INDEX = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    private static final long SYS_SETUP = IoUringH.SYS_io_uring_setup();
    private static final long SYS_ENTER = IoUringH.SYS_io_uring_enter();
    private static final long SYS_REGISTER = IoUringH.SYS_io_uring_register();
    private static final long REGISTER_ENABLE_RINGS = IoUringH.IORING_REGISTER_ENABLE_RINGS();

    // syscall(2) is variadic: every argument after the number goes as a 64-bit value, which is
    // what glibc's wrapper reads back with va_arg(long).
    private static final MethodHandle SYSCALL_SETUP = Downcalls.capturingVariadic(IoUringH.syscall.address(),
            FunctionDescriptor.of(IoUringH.C_LONG, IoUringH.C_LONG, IoUringH.C_LONG, IoUringH.C_POINTER), 1);
    private static final MethodHandle SYSCALL_ENTER = Downcalls.capturingVariadic(IoUringH.syscall.address(),
            FunctionDescriptor.of(IoUringH.C_LONG, IoUringH.C_LONG, IoUringH.C_LONG, IoUringH.C_LONG,
                    IoUringH.C_LONG, IoUringH.C_LONG, IoUringH.C_POINTER, IoUringH.C_LONG), 1);
    private static final MethodHandle SYSCALL_REGISTER = Downcalls.capturingVariadic(IoUringH.syscall.address(),
            FunctionDescriptor.of(IoUringH.C_LONG, IoUringH.C_LONG, IoUringH.C_LONG, IoUringH.C_LONG,
                    IoUringH.C_POINTER, IoUringH.C_LONG), 1);
    private static final MethodHandle MMAP = Downcalls.capturing(IoUringH.mmap$address(), IoUringH.mmap$descriptor());
    private static final MethodHandle MUNMAP = Downcalls.capturing(IoUringH.munmap$address(), IoUringH.munmap$descriptor());

    private final Arena arena = Arena.ofShared();
    private final MemorySegment params = arena.allocate(io_uring_params.layout());
    /** {@code struct io_uring_getevents_arg} and its timespec, used by the one waiting thread. */
    private final MemorySegment waitArg = arena.allocate(io_uring_getevents_arg.layout());
    private final MemorySegment timeout = arena.allocate(__kernel_timespec.layout());

    private int fd = -1;
    private int features;
    private String failedCall;
    private MemorySegment sqRing = MemorySegment.NULL;
    private MemorySegment cqRing = MemorySegment.NULL;
    private MemorySegment sqes = MemorySegment.NULL;
    private long sqRingBytes;
    private long cqRingBytes;

    private long sqHeadOffset;
    private long sqTailOffset;
    private long sqFlagsOffset;
    private int sqMask;
    private int sqEntries;
    private long cqHeadOffset;
    private long cqTailOffset;
    private long cqesOffset;
    private int cqMask;
    private int cqEntries;

    /** The SQ tail as this side knows it (published with every prepared SQE). */
    private int sqTail;

    public IoUring() {
        io_uring_getevents_arg.ts(waitArg, timeout.address());
    }

    /**
     * {@code io_uring_setup} with room for {@code sqEntries} submissions and {@code cqEntries}
     * completions (both rounded up to powers of two and clamped by the kernel) and the extra
     * {@code setupFlags} (such as {@link #SETUP_COOP_TASKRUN}; a kernel that does not know one
     * answers EINVAL), then maps the rings.
     *
     * @return 0, or {@code -errno}; {@link #failedCall()} then names the call that failed
     */
    public int setup(int sqEntries, int cqEntries, int setupFlags) {
        io_uring_params.flags(params, SETUP_CQSIZE | SETUP_CLAMP | setupFlags);
        io_uring_params.cq_entries(params, cqEntries);
        Downcalls.Frame frame = Downcalls.frame();
        long r;
        try {
            r = (long) SYSCALL_SETUP.invokeExact(frame.capture, SYS_SETUP, (long) sqEntries, params);
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
        if (r < 0) {
            int errno = frame.errno();
            failedCall = "io_uring_setup";
            close(); // frees the arena: a refused setup (EPERM, ENOSYS) is the common failure
            return -errno;
        }
        fd = (int) r;
        features = io_uring_params.features(params);
        int mapped = map();
        if (mapped < 0) {
            failedCall = "mmap";
            close();
        }
        return mapped;
    }

    private int map() {
        MemorySegment sqOff = io_uring_params.sq_off(params);
        MemorySegment cqOff = io_uring_params.cq_off(params);
        sqEntries = io_uring_params.sq_entries(params);
        cqEntries = io_uring_params.cq_entries(params);
        long sqArray = io_sqring_offsets.array(sqOff);
        sqRingBytes = sqArray + (long) sqEntries * Integer.BYTES;
        cqRingBytes = io_cqring_offsets.cqes(cqOff) + (long) cqEntries * CQE_SIZE;
        boolean single = (features & FEAT_SINGLE_MMAP) != 0;
        if (single) {
            sqRingBytes = Math.max(sqRingBytes, cqRingBytes);
            cqRingBytes = sqRingBytes;
        }
        int prot = IoUringH.PROT_READ() | IoUringH.PROT_WRITE();
        int flags = IoUringH.MAP_SHARED() | IoUringH.MAP_POPULATE();
        sqRing = mmap(sqRingBytes, prot, flags, IoUringH.IORING_OFF_SQ_RING());
        if (sqRing.address() == -1L) {
            return mapFailure();
        }
        if (single) {
            cqRing = sqRing;
        } else {
            cqRing = mmap(cqRingBytes, prot, flags, IoUringH.IORING_OFF_CQ_RING());
            if (cqRing.address() == -1L) {
                return mapFailure();
            }
        }
        sqes = mmap(sqEntries * SQE_SIZE, prot, flags, IoUringH.IORING_OFF_SQES());
        if (sqes.address() == -1L) {
            return mapFailure();
        }
        sqHeadOffset = io_sqring_offsets.head(sqOff);
        sqTailOffset = io_sqring_offsets.tail(sqOff);
        sqFlagsOffset = io_sqring_offsets.flags(sqOff);
        sqMask = sqRing.get(ValueLayout.JAVA_INT, io_sqring_offsets.ring_mask(sqOff));
        cqHeadOffset = io_cqring_offsets.head(cqOff);
        cqTailOffset = io_cqring_offsets.tail(cqOff);
        cqesOffset = io_cqring_offsets.cqes(cqOff);
        cqMask = cqRing.get(ValueLayout.JAVA_INT, io_cqring_offsets.ring_mask(cqOff));
        sqTail = (int) INDEX.getAcquire(sqRing, sqTailOffset);
        // The indirection array maps ring slot i to SQE i, once and for all: SQEs are always used
        // in ring order here.
        for (int i = 0; i < sqEntries; i++) {
            sqRing.set(ValueLayout.JAVA_INT, sqArray + (long) i * Integer.BYTES, i);
        }
        return 0;
    }

    private int mapFailure() {
        int errno = Downcalls.frame().errno();
        if (sqRing.address() == -1L) {
            sqRing = MemorySegment.NULL;
        }
        if (cqRing.address() == -1L) {
            cqRing = MemorySegment.NULL;
        }
        if (sqes.address() == -1L) {
            sqes = MemorySegment.NULL;
        }
        return -errno;
    }

    private MemorySegment mmap(long length, int prot, int flags, long offset) {
        try {
            MemorySegment m = (MemorySegment) MMAP.invokeExact(Downcalls.frame().capture, MemorySegment.NULL, length,
                    prot, flags, fd, offset);
            return m.address() == -1L ? m : m.reinterpret(length);
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** The system call that made {@link #setup} fail, or null. */
    public String failedCall() {
        return failedCall;
    }

    /** The ring's descriptor (-1 before {@link #setup} and after {@link #close()}). */
    public int fd() {
        return fd;
    }

    /** The {@code IORING_FEAT_*} bits the kernel reported. */
    public int features() {
        return features;
    }

    /** Submission queue slots. */
    public int sqEntries() {
        return sqEntries;
    }

    /** Completion queue slots. */
    public int cqEntries() {
        return cqEntries;
    }

    /** SQEs prepared and not yet consumed by the kernel. */
    public int sqPending() {
        return sqTail - (int) INDEX.getAcquire(sqRing, sqHeadOffset);
    }

    /** Whether there is a free SQ slot. */
    public boolean sqHasRoom() {
        return sqPending() < sqEntries;
    }

    /** The SQ ring flags ({@link #SQ_CQ_OVERFLOW}: completions wait in the kernel's overflow list). */
    public int sqFlags() {
        return (int) INDEX.getAcquire(sqRing, sqFlagsOffset);
    }

    /**
     * Prepares {@code IORING_OP_POLL_ADD} for {@code fd} with poll mask {@code events}; with
     * {@link #POLL_ADD_MULTI} in {@code pollFlags} the request stays armed (multishot).
     *
     * @return false if the SQ is full (nothing written: submit first)
     */
    public boolean prepPollAdd(int fd, int events, int pollFlags, long userData) {
        long sqe = nextSqe();
        if (sqe < 0) {
            return false;
        }
        sqes.set(ValueLayout.JAVA_BYTE, sqe + SQE_OPCODE, (byte) OP_POLL_ADD);
        sqes.set(ValueLayout.JAVA_INT, sqe + SQE_FD, fd);
        sqes.set(ValueLayout.JAVA_INT, sqe + SQE_POLL32_EVENTS, events);
        sqes.set(ValueLayout.JAVA_INT, sqe + SQE_LEN, pollFlags);
        sqes.set(ValueLayout.JAVA_LONG, sqe + SQE_USER_DATA, userData);
        publish();
        return true;
    }

    /**
     * Prepares {@code IORING_OP_POLL_REMOVE} of the poll request whose user data is
     * {@code target}; {@code sqeFlags} may carry {@link #SQE_CQE_SKIP_SUCCESS}.
     *
     * @return false if the SQ is full
     */
    public boolean prepPollRemove(long target, long userData, int sqeFlags) {
        long sqe = nextSqe();
        if (sqe < 0) {
            return false;
        }
        sqes.set(ValueLayout.JAVA_BYTE, sqe + SQE_OPCODE, (byte) OP_POLL_REMOVE);
        sqes.set(ValueLayout.JAVA_BYTE, sqe + SQE_FLAGS, (byte) sqeFlags);
        sqes.set(ValueLayout.JAVA_INT, sqe + SQE_FD, -1);
        sqes.set(ValueLayout.JAVA_LONG, sqe + SQE_ADDR, target);
        sqes.set(ValueLayout.JAVA_LONG, sqe + SQE_USER_DATA, userData);
        publish();
        return true;
    }

    /**
     * Prepares {@code IORING_OP_RECV} on socket {@code fd} into the {@code length} bytes at native
     * address {@code address}, which must stay valid until the request completes (or the ring is
     * closed). {@code ioprio} may carry {@link #RECVSEND_POLL_FIRST}.
     *
     * @return false if the SQ is full
     */
    public boolean prepRecv(int fd, long address, int length, int msgFlags, int ioprio, long userData) {
        return prepTransfer(OP_RECV, fd, address, length, msgFlags, ioprio, userData);
    }

    /**
     * Prepares {@code IORING_OP_SEND} on socket {@code fd} of the {@code length} bytes at native
     * address {@code address}, which must stay unchanged until the request completes (or the ring
     * is closed).
     *
     * @return false if the SQ is full
     */
    public boolean prepSend(int fd, long address, int length, int msgFlags, long userData) {
        return prepTransfer(OP_SEND, fd, address, length, msgFlags, 0, userData);
    }

    private boolean prepTransfer(int opcode, int fd, long address, int length, int msgFlags, int ioprio, long userData) {
        long sqe = nextSqe();
        if (sqe < 0) {
            return false;
        }
        sqes.set(ValueLayout.JAVA_BYTE, sqe + SQE_OPCODE, (byte) opcode);
        sqes.set(ValueLayout.JAVA_SHORT, sqe + SQE_IOPRIO, (short) ioprio);
        sqes.set(ValueLayout.JAVA_INT, sqe + SQE_FD, fd);
        sqes.set(ValueLayout.JAVA_LONG, sqe + SQE_ADDR, address);
        sqes.set(ValueLayout.JAVA_INT, sqe + SQE_LEN, length);
        sqes.set(ValueLayout.JAVA_INT, sqe + SQE_MSG_FLAGS, msgFlags);
        sqes.set(ValueLayout.JAVA_LONG, sqe + SQE_USER_DATA, userData);
        publish();
        return true;
    }

    /**
     * Prepares {@code IORING_OP_ASYNC_CANCEL} of the request whose user data is {@code target}
     * (which then completes with {@code -ECANCELED}, unless it completed first: this request's
     * own result is then {@code -ENOENT} or {@code -EALREADY}).
     *
     * @return false if the SQ is full
     */
    public boolean prepCancel(long target, long userData) {
        long sqe = nextSqe();
        if (sqe < 0) {
            return false;
        }
        sqes.set(ValueLayout.JAVA_BYTE, sqe + SQE_OPCODE, (byte) OP_ASYNC_CANCEL);
        sqes.set(ValueLayout.JAVA_INT, sqe + SQE_FD, -1);
        sqes.set(ValueLayout.JAVA_LONG, sqe + SQE_ADDR, target);
        sqes.set(ValueLayout.JAVA_LONG, sqe + SQE_USER_DATA, userData);
        publish();
        return true;
    }

    /** Prepares {@code IORING_OP_NOP}, which completes at once with {@code userData}. */
    public boolean prepNop(long userData) {
        long sqe = nextSqe();
        if (sqe < 0) {
            return false;
        }
        sqes.set(ValueLayout.JAVA_BYTE, sqe + SQE_OPCODE, (byte) OP_NOP);
        sqes.set(ValueLayout.JAVA_INT, sqe + SQE_FD, -1);
        sqes.set(ValueLayout.JAVA_LONG, sqe + SQE_USER_DATA, userData);
        publish();
        return true;
    }

    /** The byte offset of a zeroed free SQE, or -1 when the SQ is full. */
    private long nextSqe() {
        if (!sqHasRoom()) {
            return -1;
        }
        long sqe = (sqTail & sqMask) * SQE_SIZE;
        for (long i = 0; i < SQE_SIZE; i += Long.BYTES) {
            sqes.set(ValueLayout.JAVA_LONG, sqe + i, 0L);
        }
        return sqe;
    }

    private void publish() {
        sqTail++;
        INDEX.setRelease(sqRing, sqTailOffset, sqTail);
    }

    /**
     * {@code io_uring_enter(fd, toSubmit, 0, 0)}: submits without waiting.
     *
     * @return the number of SQEs the kernel consumed, or {@code -errno}
     */
    public int submit(int toSubmit) {
        // submit and submitAndWait each make the downcall themselves rather than through enter():
        // one call level less keeps the errno-capture bookkeeping inside C2's inlining depth,
        // where escape analysis removes it (as Fd.read and Fd.write do).
        Downcalls.Frame frame = Downcalls.frame();
        try {
            long r = (long) SYSCALL_ENTER.invokeExact(frame.capture, SYS_ENTER, (long) fd, (long) toSubmit, 0L, 0L,
                    MemorySegment.NULL, 0L);
            return r >= 0 ? (int) r : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * Submits {@code toSubmit} SQEs and waits for at least one completion, for at most
     * {@code timeoutNanos} (negative: no limit) through {@code IORING_ENTER_EXT_ARG}.
     *
     * @return the number of SQEs consumed, or {@code -errno}: {@code -ETIME} when the time ran out
     *     with nothing submitted, {@code -EINTR} on a signal
     */
    public int submitAndWait(int toSubmit, long timeoutNanos) {
        long flags = ENTER_GETEVENTS;
        MemorySegment arg = MemorySegment.NULL;
        long argSize = 0;
        if (timeoutNanos >= 0) {
            __kernel_timespec.tv_sec(timeout, timeoutNanos / 1_000_000_000L);
            __kernel_timespec.tv_nsec(timeout, timeoutNanos % 1_000_000_000L);
            flags |= ENTER_EXT_ARG;
            arg = waitArg;
            argSize = WAIT_ARG_SIZE;
        }
        Downcalls.Frame frame = Downcalls.frame();
        try {
            long r = (long) SYSCALL_ENTER.invokeExact(frame.capture, SYS_ENTER, (long) fd, (long) toSubmit, 1L, flags,
                    arg, argSize);
            return r >= 0 ? (int) r : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * {@code io_uring_enter} with {@code IORING_ENTER_GETEVENTS} and no minimum: runs the
     * completion work waiting for this thread and flushes completions the
     * kernel holds in its overflow list into the CQ, without waiting.
     */
    public int getEvents() {
        return enter(0, 0, ENTER_GETEVENTS, MemorySegment.NULL, 0);
    }

    /**
     * {@code io_uring_enter(fd, toSubmit, 0, IORING_ENTER_GETEVENTS)}: submits, then runs the
     * completion work waiting for this thread (on a {@link #SETUP_DEFER_TASKRUN} ring, where a
     * plain {@link #submit} leaves it waiting), without waiting.
     *
     * @return the number of SQEs the kernel consumed, or {@code -errno}
     */
    public int submitAndGetEvents(int toSubmit) {
        return enter(toSubmit, 0, ENTER_GETEVENTS, MemorySegment.NULL, 0);
    }

    /**
     * {@code io_uring_register(fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0)}: lets a ring set up
     * with {@link #SETUP_R_DISABLED} take submissions; with {@link #SETUP_SINGLE_ISSUER} the
     * calling thread becomes the one that submits.
     *
     * @return 0, or {@code -errno}
     */
    public int enableRings() {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            long r = (long) SYSCALL_REGISTER.invokeExact(frame.capture, SYS_REGISTER, (long) fd, REGISTER_ENABLE_RINGS,
                    MemorySegment.NULL, 0L);
            return r >= 0 ? (int) r : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    private int enter(int toSubmit, int minComplete, int flags, MemorySegment arg, long argSize) {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            long r = (long) SYSCALL_ENTER.invokeExact(frame.capture, SYS_ENTER, (long) fd, (long) toSubmit,
                    (long) minComplete, (long) flags, arg, argSize);
            return r >= 0 ? (int) r : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** The CQ head: the index of the oldest unconsumed completion. */
    public int cqHead() {
        return (int) INDEX.getAcquire(cqRing, cqHeadOffset);
    }

    /** The CQ tail, read with acquire semantics: completions before it are fully written. */
    public int cqTail() {
        return (int) INDEX.getAcquire(cqRing, cqTailOffset);
    }

    /** Completions ready to consume. */
    public int cqReady() {
        return cqTail() - cqHead();
    }

    /** The user data of the completion at ring index {@code index} (between head and tail). */
    public long cqeUserData(int index) {
        return cqRing.get(ValueLayout.JAVA_LONG, cqe(index) + CQE_USER_DATA);
    }

    /** The result of the completion at {@code index}: a poll mask, or {@code -errno}. */
    public int cqeResult(int index) {
        return cqRing.get(ValueLayout.JAVA_INT, cqe(index) + CQE_RES);
    }

    /** The flags of the completion at {@code index} ({@link #CQE_F_MORE}). */
    public int cqeFlags(int index) {
        return cqRing.get(ValueLayout.JAVA_INT, cqe(index) + CQE_FLAGS);
    }

    private long cqe(int index) {
        return cqesOffset + (index & cqMask) * CQE_SIZE;
    }

    /** Consumes completions up to {@code newHead}, handing their slots back to the kernel. */
    public void advanceCq(int newHead) {
        INDEX.setRelease(cqRing, cqHeadOffset, newHead);
    }

    /** Unmaps the rings and closes the descriptor (which cancels every request). Idempotent. */
    public int close() {
        if (!sqes.equals(MemorySegment.NULL)) {
            munmap(sqes, sqes.byteSize());
            sqes = MemorySegment.NULL;
        }
        if (!cqRing.equals(MemorySegment.NULL) && !cqRing.equals(sqRing)) {
            munmap(cqRing, cqRingBytes);
        }
        cqRing = MemorySegment.NULL;
        if (!sqRing.equals(MemorySegment.NULL)) {
            munmap(sqRing, sqRingBytes);
            sqRing = MemorySegment.NULL;
        }
        int r = 0;
        if (fd >= 0) {
            r = Fd.close(fd);
            fd = -1;
        }
        if (arena.scope().isAlive()) {
            arena.close();
        }
        return r;
    }

    private static void munmap(MemorySegment segment, long length) {
        try {
            int ignored = (int) MUNMAP.invokeExact(Downcalls.frame().capture, segment, length);
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }
}
