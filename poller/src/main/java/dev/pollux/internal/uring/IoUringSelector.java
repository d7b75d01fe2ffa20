package dev.pollux.internal.uring;

import dev.pollux.Backend;
import dev.pollux.Interest;
import dev.pollux.Trigger;
import dev.pollux.ffi.epoll.Epoll;
import dev.pollux.ffi.epoll.Errno;
import dev.pollux.ffi.epoll.EventFd;
import dev.pollux.ffi.epoll.Fd;
import dev.pollux.ffi.epoll.IoUring;
import dev.pollux.internal.Check;
import dev.pollux.internal.CloseGuard;
import dev.pollux.internal.EventFormat;
import dev.pollux.internal.Selector;
import dev.pollux.internal.SelectorWaker;
import dev.pollux.internal.epoll.EpollSelector;
import dev.pollux.ffi.epoll.Sockets;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The io_uring backend (Linux 5.11 and later): readiness through {@code IORING_OP_POLL_ADD}
 * requests on one ring, behind the same API as epoll.
 *
 * <p><b>Registrations.</b> {@link Trigger#EDGE} is a multishot poll (Linux 5.13), edge-triggered
 * like {@code EPOLLET}: it completes once per wake-up of the descriptor and stays armed. On kernels
 * without multishot poll (detected when the selector opens, or forced with
 * {@code -Dpollux.io_uring.multishot=false}) it is a one-shot poll re-armed after each completion,
 * which reports a descriptor that stays ready again at the next poll (spurious events, which the
 * API allows). {@link Trigger#LEVEL} is a one-shot poll re-armed after every completion, so a
 * descriptor that stays ready is reported by every poll, as with epoll. {@link Trigger#ONESHOT} is
 * a one-shot poll that stays disarmed until {@code reregister}. Interests map as on epoll.
 * Completions for one descriptor within one poll are merged into one event.
 *
 * <p><b>Stale completions.</b> Each poll request's user data is the descriptor and a generation
 * number, new for every registration and reregistration; a completion whose generation is not
 * the descriptor's current one (a removed or replaced request finishing late) is dropped, so no
 * event reaches a token after {@code deregister} or {@code reregister} returned. The kernel refuses
 * to remove a poll request whose completion work is pending (EALREADY, which it reports even for a
 * request armed and found ready in the same submission): such a removal is queued again, so that a
 * multishot request does not stay armed holding the file. The ring must not fill: a full ring
 * ends multishot polls, whose re-arming would then report an edge twice. A thread that submits
 * while the ring is half full (registrations churning while the polling thread is busy) moves
 * its completions to a stash, merged per descriptor, which the next poll reports first; a
 * deregister or reregister discards the descriptor's stashed events.
 *
 * <p><b>Batching and threads.</b> One lock guards the submission ring and the registration table;
 * the completion ring is only consumed by the polling thread, under the same lock. Only the
 * polling thread (the thread of the latest select) submits: the kernel runs a poll request's
 * completion work on the thread that submitted it, and a request armed by another thread would
 * interrupt that thread (parked, or busy with its own work) for every wake-up of the descriptor,
 * and lose its completions if that thread never enters the kernel again. So register, reregister
 * and deregister only update the registration table and queue the descriptor; the polling thread
 * turns the queue into SQEs when it next polls, in the {@code io_uring_enter} that waits (one
 * system call for all of them and the wait; a register followed by a deregister before that costs
 * nothing). A change made while a select waits kicks it: another thread writes to an eventfd that
 * the polling thread keeps a multishot poll on, and the select submits the change and waits
 * again. A raw descriptor's register checks it is open ({@code fcntl}), so a bad descriptor
 * fails with EBADF as on epoll, without a system call to the ring. Removal holds the file: a poll
 * request holds a reference to the open file, and the caller may close the descriptor next
 * expecting the file (a socket) to close with it. A raw deregister on the polling thread, and a
 * {@link Selector#release release} there (owned sources deregister without it, and release before
 * they close), submits the removal at once and returns when the kernel has dropped the file; on
 * another thread it kicks a waiting select, and the file is released when the polling thread next
 * polls (microseconds later when it waits; if nothing polls again, when the selector closes).
 * Wakers set a flag and kick a waiting select (one eventfd write per wake; wakes before the next
 * poll coalesce, and a wake while no select waits costs no system call). The kick eventfd's
 * counter is never read: each write is a wake-up of the poll, and 2^64 writes are out of reach.
 *
 * <p><b>Completion work.</b> The kernel turns a descriptor's wake-up into a completion on the
 * thread that armed the poll request (its task work). By default it interrupts that thread for
 * it, which costs an interrupt per wake-up of a busy event loop where epoll only appends to its
 * ready list. On Linux 6.1 and later the ring is set up with {@code IORING_SETUP_SINGLE_ISSUER |
 * IORING_SETUP_DEFER_TASKRUN} (disabled until the first select enables it on its thread): the
 * work waits on the ring, signalling nobody, until the polling thread asks for events (its
 * wait, which the work wakes, or a non-blocking poll), so the loop's recv and send calls carry
 * none of it. Such a ring takes submissions from that thread only; a select from another thread
 * moves the registrations to a new ring of its own, re-arming each (a cost per hand-over, which
 * suits a dedicated polling thread). Before 6.1 (or with
 * {@code -Dpollux.io_uring.defer_taskrun=false}) the ring is set up with
 * {@code IORING_SETUP_COOP_TASKRUN} (Linux 5.19; without it on older kernels, or with
 * {@code -Dpollux.io_uring.coop_taskrun=false}): the work then waits until the thread next
 * enters or leaves the kernel (its next recv or send, or the wait, which a sleeping thread is
 * woken for). Either way a non-blocking poll that finds the completion ring empty enters the
 * kernel to run it.
 *
 * <p><b>Completion-based streams.</b> Besides readiness, the selector runs {@link CompletionStream}s
 * ({@link #openStream}): receives and sends whose requests the polling thread writes with the
 * registrations' changes and submits in the same {@code io_uring_enter}, and whose completions it
 * reports as readable and writable events for the stream's token. A receive or send is the
 * stream's state, not an event to merge: its result waits in the stream until read, and a select
 * does not wait while completions are left to report. Their user data carries the two top bits
 * and the stream's slot; a slot is reused only once the kernel holds no request of its stream.
 *
 * <p><b>Where it differs from epoll.</b> The registration table is this object's, not the
 * kernel's: EEXIST and ENOENT are decided here (with EBADF, as on epoll, when the descriptor is
 * not open), and errors come from the poll requests, so {@code OsException.call()} names
 * {@code IORING_OP_POLL_ADD} or {@code IORING_OP_POLL_REMOVE}. Closing a registered descriptor
 * without deregistering it does not end its registration (the poll request keeps the file open
 * until deregistered or until the Poll closes; Pollux's own sources always deregister first).
 * Regular files are reported ready, as {@code poll(2)} reports them, where epoll refuses them
 * with EPERM.
 */
public final class IoUringSelector extends Selector {
    /** System property: {@code false} forces one-shot re-arming even where multishot poll exists. */
    public static final String MULTISHOT_PROPERTY = "pollux.io_uring.multishot";
    /**
     * System property: {@code false} sets the ring up without {@code IORING_SETUP_COOP_TASKRUN},
     * so that every completion interrupts the thread it is for (the kernel's default).
     */
    public static final String COOPERATIVE_PROPERTY = "pollux.io_uring.coop_taskrun";
    /**
     * System property: {@code false} sets the ring up without {@code IORING_SETUP_DEFER_TASKRUN}
     * (then cooperative, as on Linux 5.19 to 6.0).
     */
    public static final String DEFERRED_PROPERTY = "pollux.io_uring.defer_taskrun";

    /** How the ring runs completion work: see the class documentation. */
    public enum TaskRun {
        /** {@code IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN} (Linux 6.1). */
        DEFERRED,
        /** {@code IORING_SETUP_COOP_TASKRUN} (Linux 5.19). */
        COOPERATIVE,
        /** The kernel's default: each completion interrupts the thread it is for. */
        INTERRUPTING
    }

    private static final int DEFERRED_SETUP = IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN
            | IoUring.SETUP_R_DISABLED;

    private static final int SQ_ENTRIES = 256;
    private static final int CQ_ENTRIES = 4096;

    /** User data of requests whose completions are ignored (the open-time probe's removal). */
    private static final long CONTROL = 0L;
    /**
     * Set in the user data of a registration's POLL_REMOVE, beside the user data of the request it
     * removes (generations stay below 2^30, so no poll request has this bit).
     */
    private static final long REMOVAL_BIT = 1L << 62;
    private static final int MAX_GENERATION = (1 << 30) - 1;
    /** How often a release retries removals that keep being refused before leaving them queued. */
    private static final int RELEASE_ATTEMPTS = 1_000;
    /** User data of the kick eventfd's poll request (negative: never a registration's). */
    private static final long KICK = 1L << 63 | 1;
    /** User data of the open-time multishot probe. */
    private static final long PROBE = 1L << 63 | 2;
    /**
     * The two top bits mark a completion-based stream's request: its slot above bit 0, which is
     * set for a send and clear for a receive (negative, so never a registration's; bit 62 set,
     * so never the kick's or the probe's).
     */
    private static final long STREAM_OP = 3L << 62;
    /** System properties: the bytes of a completion-based stream's receive and send buffers. */
    public static final String STREAM_READ_BUFFER_PROPERTY = "pollux.io_uring.stream_read_buffer";
    public static final String STREAM_WRITE_BUFFER_PROPERTY = "pollux.io_uring.stream_write_buffer";
    private static final int STREAM_READ_BUFFER = Math.max(64, Integer.getInteger(STREAM_READ_BUFFER_PROPERTY, 16 * 1024));
    private static final int STREAM_WRITE_BUFFER = Math.max(64, Integer.getInteger(STREAM_WRITE_BUFFER_PROPERTY, 16 * 1024));
    private static final int SEND_FLAGS = Sockets.MSG_NOSIGNAL | Sockets.MSG_WAITALL;

    private static final byte EDGE = 0;
    private static final byte LEVEL = 1;
    private static final byte ONESHOT = 2;
    private static final byte TRIGGER_MASK = 3;
    /** The registration is new or changed: the next flush arms a poll request for it. */
    private static final byte NEEDS_ARM = 4;

    private static final int POLLERR = Epoll.EPOLLERR;
    private static final int POLLHUP = Epoll.EPOLLHUP;

    private static final VarHandle KICKED;

    static {
        try {
            KICKED = MethodHandles.lookup().findVarHandle(IoUringSelector.class, "kicked", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The ring; guarded by lock (the polling thread also waits on it outside the lock). Replaced
     * when a deferred ring is polled from a new thread (see {@link #moveRing}).
     */
    private IoUring ring;
    /** The eventfd other threads write to end a waiting select; owned by this selector. */
    private final int kickFd;
    private final boolean multishot;
    private final TaskRun taskRun;
    /** A deferred ring was enabled (by the thread that then owns it); guarded by lock. */
    private boolean enabled;
    private final int removeFlags;
    private final ReentrantLock lock = new ReentrantLock();

    // The registration table, indexed by descriptor; guarded by lock. gens[fd] == 0: not registered.
    private int[] gens = new int[64];
    private long[] tokens = new long[64];
    private int[] masks = new int[64];
    private byte[] states = new byte[64];
    /**
     * The generation of the descriptor's poll request that the kernel holds (or that waits in the
     * submission ring) and that no removal has been written for, 0 if none: the polling thread's
     * view, which the flush brings to the table's.
     */
    private int[] armed = new int[64];
    /** The descriptor is in {@link #updates}. */
    private boolean[] queued = new boolean[64];
    /** Descriptors whose registration changed since the last flush, in order. */
    private int[] updates = new int[64];
    private int updateCount;
    /** The poll in which the descriptor was last reported, and where: merges its completions. */
    private long[] reportedRound = new long[64];
    private int[] reportedSlot = new int[64];
    private long round;
    private int nextGen = 1;

    // Completions moved out of a crowded ring by a submission (see relieve); guarded by lock.
    /** By descriptor: the events waiting in the stash for its registration, 0 if none. */
    private int[] stashedMasks = new int[64];
    /** Descriptors in the order their completions came. */
    private int[] stash = new int[64];
    private int stashSize;
    /** The ring is being read (reap or relieve): a nested submission must not read it too. */
    private boolean consuming;
    /** Wakers by slot; guarded by lock. */
    private KickWaker[] wakers = new KickWaker[4];

    // Completion-based streams (see CompletionStream); guarded by lock.
    /** By slot, while the stream's descriptor is open. */
    private CompletionStream[] streams = new CompletionStream[16];
    private int[] freeStreamSlots = new int[16];
    private int freeStreamSlotCount;
    private int nextStreamSlot;
    /** Streams with a request to write at the next flush. */
    private CompletionStream[] streamQueue = new CompletionStream[16];
    private int streamQueueCount;
    /** Streams with completions to report, in the order they came. */
    private CompletionStream[] doneStreams = new CompletionStream[16];
    private int doneCount;
    /** The streams' buffers (made on first use, freed when the selector closes) and those free for reuse. */
    private Arena bufferArena;
    private MemorySegment[] freeBuffers = new MemorySegment[16];
    private int freeBufferCount;

    /** The thread of the latest select: the only one that submits; guarded by lock. */
    private Thread owner;
    /** The kick eventfd's poll request is armed; guarded by lock. */
    private boolean kickArmed;
    /** A select is waiting in, or about to enter, io_uring_enter; written under the lock. */
    private volatile boolean waiting;
    /** The waiting select has been kicked already; reset before each wait. */
    private volatile boolean kicked;
    /** Set by {@link #implInterrupt}, cleared by the select it ends. */
    private volatile boolean interrupted;

    private IoUringSelector(IoUring ring, int kickFd, boolean multishot, TaskRun taskRun) {
        this.ring = ring;
        this.kickFd = kickFd;
        this.multishot = multishot;
        this.taskRun = taskRun;
        this.removeFlags = (ring.features() & IoUring.FEAT_CQE_SKIP) != 0 ? IoUring.SQE_CQE_SKIP_SUCCESS : 0;
    }

    /**
     * Sets up a ring.
     *
     * @throws UnsupportedOperationException if the kernel refuses io_uring or lacks what this
     *     backend needs, saying why
     */
    public static IoUringSelector open() throws IOException {
        IoUring ring = new IoUring();
        TaskRun taskRun = TaskRun.DEFERRED;
        int r = enabled(DEFERRED_PROPERTY) ? ring.setup(SQ_ENTRIES, CQ_ENTRIES, DEFERRED_SETUP) : -Errno.EINVAL;
        if (r == -Errno.EINVAL) {
            // Before Linux 6.1, or turned off.
            taskRun = TaskRun.COOPERATIVE;
            ring = new IoUring();
            r = enabled(COOPERATIVE_PROPERTY) ? ring.setup(SQ_ENTRIES, CQ_ENTRIES, IoUring.SETUP_COOP_TASKRUN) : -Errno.EINVAL;
        }
        if (r == -Errno.EINVAL) {
            // Before Linux 5.19, or turned off: every completion interrupts the thread it is for.
            taskRun = TaskRun.INTERRUPTING;
            ring = new IoUring();
            r = ring.setup(SQ_ENTRIES, CQ_ENTRIES, 0);
        }
        if (r < 0) {
            throw unavailable(ring.failedCall(), -r);
        }
        try {
            int missing = ~ring.features() & (IoUring.FEAT_EXT_ARG | IoUring.FEAT_NODROP | IoUring.FEAT_SINGLE_MMAP);
            if (missing != 0) {
                throw new UnsupportedOperationException("the io_uring backend needs Linux 5.11 or later"
                        + " (IORING_FEAT_EXT_ARG, NODROP and SINGLE_MMAP); this kernel's io_uring reports features 0x"
                        + Integer.toHexString(ring.features()));
            }
            // A deferred ring (Linux 6.1) has multishot poll (5.13), and takes no probe before it
            // is enabled.
            boolean multishot = enabled(MULTISHOT_PROPERTY) && (taskRun == TaskRun.DEFERRED || probeMultishot(ring));
            int kickFd = Check.check("eventfd", EventFd.create(0, EventFd.CLOEXEC | EventFd.NONBLOCK));
            return new IoUringSelector(ring, kickFd, multishot, taskRun);
        } catch (IOException | RuntimeException | Error e) {
            ring.close();
            throw e;
        }
    }

    private static boolean enabled(String property) {
        return !"false".equalsIgnoreCase(System.getProperty(property));
    }

    /** Why io_uring_setup (or mapping its rings) failed, in words a user can act on. */
    static UnsupportedOperationException unavailable(String call, int errno) {
        String why;
        if (errno == Errno.ENOSYS) {
            why = "this kernel has no io_uring (built without CONFIG_IO_URING, or a seccomp filter answers ENOSYS)";
        } else if (errno == Errno.EPERM || errno == Errno.EACCES) {
            String sysctl = readSysctl();
            why = switch (sysctl) {
                case "2" -> "io_uring is disabled for everyone: sysctl kernel.io_uring_disabled=2";
                case "1" -> "io_uring is disabled for processes outside kernel.io_uring_group: sysctl kernel.io_uring_disabled=1";
                default -> "io_uring is refused to this process (kernel.io_uring_disabled=" + sysctl
                        + "): a seccomp filter, such as a container runtime's default profile, or a security module";
            };
        } else if (errno == Errno.ENOMEM) {
            why = "the kernel could not allocate the rings (on kernels before 5.12 they count against RLIMIT_MEMLOCK)";
        } else {
            why = "the kernel refused to set up a ring";
        }
        UnsupportedOperationException e = new UnsupportedOperationException(
                "the io_uring backend is unavailable: " + call + " failed with " + Errno.name(errno) + ": " + why);
        e.initCause(Check.error(call, errno));
        return e;
    }

    private static String readSysctl() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/io_uring_disabled")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * Whether multishot poll works: a multishot poll on a readable eventfd must complete with
     * {@code IORING_CQE_F_MORE}; kernels before 5.13 refuse the flag (EINVAL). The request is
     * removed again and its late completions are ignored like any other.
     */
    private static boolean probeMultishot(IoUring ring) throws IOException {
        int efd = Check.check("eventfd", EventFd.create(1, EventFd.CLOEXEC | EventFd.NONBLOCK));
        try {
            long probe = PROBE;
            ring.prepPollAdd(efd, Epoll.EPOLLIN, IoUring.POLL_ADD_MULTI, probe);
            int r;
            do {
                r = ring.submitAndWait(1, 1_000_000_000L);
            } while (r == -Errno.EINTR);
            if (r < 0) {
                throw Check.error("io_uring_enter", -r);
            }
            int head = ring.cqHead();
            boolean more = false;
            boolean seen = false;
            for (int i = head; i != ring.cqTail(); i++) {
                if (ring.cqeUserData(i) == probe) {
                    seen = true;
                    more = ring.cqeResult(i) > 0 && (ring.cqeFlags(i) & IoUring.CQE_F_MORE) != 0;
                }
            }
            ring.advanceCq(ring.cqTail());
            if (!seen) {
                throw new IOException("io_uring: the multishot poll probe did not complete within a second");
            }
            if (more) {
                ring.prepPollRemove(probe, CONTROL, 0);
            }
            Check.check("io_uring_enter", ring.submit(ring.sqPending()));
            return more;
        } finally {
            Fd.close(efd);
        }
    }

    @Override
    public Backend backend() {
        return Backend.IO_URING;
    }

    @Override
    public EventFormat eventFormat() {
        return IoUringEventFormat.INSTANCE;
    }

    /** Whether registrations use multishot poll (false: one-shot polls re-armed by this side). */
    public boolean multishot() {
        return multishot;
    }

    /** How the ring runs completion work. */
    public TaskRun taskRun() {
        return taskRun;
    }

    /**
     * Takes the lock, spinning briefly before queueing: every critical section is short (no
     * wait inside, at most a non-blocking io_uring_enter), and a contended
     * {@link ReentrantLock#lock()} allocates a queue node, which would put garbage on the wake
     * and poll paths whenever a waker or a registering thread meets the polling thread.
     */
    private void acquire() {
        for (int spins = 0; spins < 1_000; spins++) {
            if (lock.tryLock()) {
                return;
            }
            Thread.onSpinWait();
        }
        lock.lock();
    }

    /** Completions in the ring, not yet consumed. */
    int completionsWaiting() {
        acquire();
        try {
            return ring.cqReady();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Changes not yet handed to the kernel: descriptors queued for the next flush plus SQEs
     * written and not submitted.
     */
    int pendingChanges() {
        acquire();
        try {
            return updateCount + ring.sqPending();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the kernel holds completions that did not fit in the ring (its overflow list). */
    boolean completionRingOverflowed() {
        acquire();
        try {
            return (ring.sqFlags() & IoUring.SQ_CQ_OVERFLOW) != 0;
        } finally {
            lock.unlock();
        }
    }

    // ---- select ----------------------------------------------------------------------------

    @Override
    protected int implSelect(MemorySegment buffer, int capacity, long timeoutNanos) throws IOException {
        // Kept small: completions are often in the ring already (a thread's own writes complete
        // the polls of their peers before the write returns), and the callers' I/O paths compile
        // into the same unit; a larger method here pushed their buffer segments out of escape
        // analysis (JMH -prof gc: 72 B per pipe round trip).
        int n;
        acquire();
        try {
            Thread current = Thread.currentThread();
            if (current != owner) {
                adopt(current);
            }
            round++; // a long: never wraps, so a stale reportedRound never matches
            n = reap(buffer, 0, capacity);
            if (n > 0 && n < capacity) {
                if (taskRun == TaskRun.DEFERRED) {
                    n = enterNow(buffer, n, capacity); // wakes were ready; completions wait for this call
                } else if (updateCount > 0 || ring.sqPending() > 0) {
                    n = applyChanges(buffer, n, capacity);
                }
            }
        } finally {
            lock.unlock();
        }
        if (n > 0) {
            return n;
        }
        return timeoutNanos == 0 ? selectNow(buffer, capacity) : await(buffer, capacity, timeoutNanos);
    }

    /**
     * Makes {@code current}, which starts a select, the thread that submits. A deferred ring is
     * enabled by the first select's thread, which it then binds: a select from another thread
     * moves the registrations to a new ring. Under the lock.
     */
    private void adopt(Thread current) throws IOException {
        if (taskRun == TaskRun.DEFERRED) {
            if (!enabled) {
                Check.check("io_uring_register", ring.enableRings());
                enabled = true;
            } else {
                moveRing();
            }
        }
        owner = current;
    }

    /**
     * A deferred ring takes submissions only from the thread that enabled it (EEXIST from any
     * other), and runs completion work only when that thread asks for it: a select from another
     * thread (the first one ended, or handed polling over) sets up a new ring for itself,
     * carries over what the old one has reported and not yet been polled for, arms every
     * registration there again (a new request reports a descriptor that is still ready at
     * once, so nothing ready is lost, and an edge-triggered one still ready is reported once
     * more, a spurious event; a one-shot registration that fired stays disarmed), and closes the old ring, which drops its requests and their files. Under
     * the lock.
     */
    private void moveRing() throws IOException {
        IoUring fresh = new IoUring();
        int r = fresh.setup(SQ_ENTRIES, CQ_ENTRIES, DEFERRED_SETUP);
        if (r < 0) {
            throw Check.error(fresh.failedCall(), -r);
        }
        r = fresh.enableRings();
        if (r < 0) {
            fresh.close();
            throw Check.error("io_uring_register", -r);
        }
        stashLiveCompletions();
        IoUring old = ring;
        ring = fresh;
        kickArmed = false;
        for (int fd = 0; fd < armed.length; fd++) {
            int gen = armed[fd];
            if (gen != 0) {
                armed[fd] = 0;
                if (gen == gens[fd]) {
                    states[fd] |= NEEDS_ARM;
                    enqueue(fd);
                }
            }
        }
        Check.check("close", old.close());
        streamsMoved();
    }

    /** Moves the events in the ring to the stash, for a ring about to be closed. Under the lock. */
    private void stashLiveCompletions() {
        int tail = ring.cqTail();
        for (int head = ring.cqHead(); head != tail; head++) {
            long userData = ring.cqeUserData(head);
            int res = ring.cqeResult(head);
            if (isStreamOp(userData)) {
                streamCompleted(userData, res, ring.cqeFlags(head));
            } else if (isLive(userData) && (res > 0 || (res < 0 && res != -Errno.ECANCELED))) {
                int fd = (int) userData;
                if (stashedMasks[fd] == 0) {
                    push(fd);
                }
                stashedMasks[fd] |= res > 0 ? res : POLLERR | POLLHUP;
            }
        }
        ring.advanceCq(tail);
    }

    /**
     * Completions were in the ring, but changes wait (registrations made since the last poll,
     * re-arms): submits them and adds what they report at once, so that this poll sees every
     * change made before it, as epoll_wait does, instead of the next one. Under the lock.
     */
    private int applyChanges(MemorySegment buffer, int n, int capacity) throws IOException {
        flush();
        submitLocked();
        // The re-arms this pass writes are for descriptors reported already: they go with the next wait.
        return reap(buffer, n, capacity);
    }

    /**
     * Nothing in the ring and no waiting: applies the changes made since the last poll (what they
     * report at once, such as a level-triggered descriptor still ready, belongs to this poll), or
     * else enters the kernel for the completion work waiting for this thread. A deferred ring
     * posts completions only when the polling thread asks, a cooperative one when their thread
     * enters or leaves the kernel; the kernel's {@code IORING_SQ_TASKRUN} flag would say when
     * there is work, but it was seen clear with work waiting (IoUringSelectorTest), so a poll
     * that finds nothing makes one system call, as epoll_wait.
     */
    private int selectNow(MemorySegment buffer, int capacity) throws IOException {
        acquire();
        try {
            return enterNow(buffer, 0, capacity);
        } finally {
            lock.unlock();
        }
    }

    /** Submits the changes, runs the completion work waiting, and adds what it all reports. Under the lock. */
    private int enterNow(MemorySegment buffer, int n, int capacity) throws IOException {
        flush();
        if (ring.sqPending() > 0) {
            submitLocked(); // leaving io_uring_enter runs the waiting work too (asked for, on a deferred ring)
        } else {
            Check.check("io_uring_enter", ring.getEvents());
        }
        return reap(buffer, n, capacity);
    }

    /** Submits the changes made since the last poll and waits, in one io_uring_enter. */
    private int await(MemorySegment buffer, int capacity, long timeoutNanos) throws IOException {
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0L;
        long wait = timeoutNanos;
        int n;
        while (true) {
            int toSubmit;
            boolean wakeUpFirst;
            acquire();
            try {
                flush();
                toSubmit = ring.sqPending();
                kicked = false;
                waiting = true;
                // After announcing the wait (volatile), as a waker sets its flag before it reads
                // whether a select waits: one of the two sees the other.
                wakeUpFirst = interrupted || anyWakerPending() || doneCount > 0 || stashSize > 0;
            } finally {
                lock.unlock();
            }
            int r;
            try {
                if (wakeUpFirst) {
                    r = toSubmit > 0 ? submitNoWait(toSubmit) : 0;
                } else {
                    r = ring.submitAndWait(toSubmit, wait);
                }
            } finally {
                acquire();
                waiting = false;
            }
            try {
                if (r == -Errno.EBUSY || r == -Errno.EAGAIN) {
                    // Completions wait in the kernel's overflow list: take what is in the ring
                    // and bring the rest over; the changes go with the next wait.
                    n = reap(buffer, 0, capacity);
                    if (n == 0) {
                        ring.getEvents();
                        n = reap(buffer, 0, capacity);
                    }
                    return n;
                }
                if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR) {
                    throw Check.error("io_uring_enter", -r);
                }
                n = reap(buffer, 0, capacity);
                if (n == 0 && (ring.sqFlags() & IoUring.SQ_CQ_OVERFLOW) != 0) {
                    ring.getEvents();
                    n = reap(buffer, 0, capacity);
                }
            } finally {
                lock.unlock();
            }
            if (interrupted) {
                interrupted = false;
                return n;
            }
            if (n > 0 || r == -Errno.ETIME || r == -Errno.EINTR) {
                return n;
            }
            // Woken by completions that reported nothing (a kick for a change, which the next
            // flush submits; a removed request's last completion): wait again for the time left.
            if (timeoutNanos > 0) {
                wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    return 0;
                }
            }
        }
    }

    /**
     * Adds to {@code buffer}, from slot {@code n}, the wakes, the stashed completions and then
     * those in the ring, until all are empty or the buffer is full (the rest waits for the next
     * poll). Under the lock.
     *
     * @return the number of events in the buffer
     */
    private int reap(MemorySegment buffer, int n, int capacity) throws IOException {
        n = reportWakes(buffer, n, capacity);
        if (stashSize > 0) {
            n = reportStash(buffer, n, capacity);
        }
        consuming = true;
        try {
            n = reapRing(buffer, n, capacity);
        } finally {
            consuming = false;
        }
        return doneCount > 0 ? reportStreams(buffer, n, capacity) : n;
    }

    private int reapRing(MemorySegment buffer, int n, int capacity) throws IOException {
        int head = ring.cqHead();
        int tail = ring.cqTail();
        for (; head != tail; head++) {
            long userData = ring.cqeUserData(head);
            if (!isLive(userData)) {
                // Nothing for an old token, a removal or a kick.
                if (!discard(head)) {
                    break;
                }
                continue;
            }
            int fd = (int) userData;
            int res = ring.cqeResult(head);
            boolean merge = reportedRound[fd] == round;
            boolean report = res > 0 || (res < 0 && res != -Errno.ECANCELED);
            if (report && !merge && n == capacity) {
                break;
            }
            if ((ring.cqeFlags(head) & IoUring.CQE_F_MORE) == 0) {
                finished(fd, res);
            }
            if (report) {
                int mask = res > 0 ? res : POLLERR | POLLHUP;
                if (merge) {
                    int slot = reportedSlot[fd];
                    IoUringEventFormat.write(buffer, slot, tokens[fd], IoUringEventFormat.mask(buffer, slot) | mask);
                } else {
                    reportedRound[fd] = round;
                    reportedSlot[fd] = n;
                    IoUringEventFormat.write(buffer, n++, tokens[fd], mask);
                }
            }
        }
        if (head != ring.cqHead()) {
            ring.advanceCq(head);
        }
        return n;
    }

    /**
     * Moves every completion out of the ring into the stash once the ring is half full. The
     * polling thread's own submissions outside a poll (raw deregisters, releases) while a busy
     * descriptor keeps completing fill the ring faster than polls empty it, and a full ring ends
     * multishot polls (the kernel posts their completion without {@code IORING_CQE_F_MORE}
     * rather than overflow): re-armed, they report again what their last completion reported,
     * one edge seen twice. Dropping the stale completions at the head does not suffice when a
     * live one sits before them. Under the lock, from submissions; a poll reports the stash
     * before the ring.
     */
    private void relieve() throws IOException {
        if (consuming || ring.cqReady() < CQ_ENTRIES / 2) {
            return;
        }
        consuming = true;
        try {
            // Only the completions here now: re-arming a level-triggered descriptor that is still
            // ready posts a new one as soon as a full submission ring is submitted, so a loop
            // until the ring is empty would never end.
            int tail = ring.cqTail();
            for (int head = ring.cqHead(); head != tail; head++) {
                long userData = ring.cqeUserData(head);
                if (!isLive(userData)) {
                    if (!discard(head)) {
                        return; // the submission ring is full: the rest waits for the next poll
                    }
                    ring.advanceCq(head + 1);
                } else {
                    int fd = (int) userData;
                    int res = ring.cqeResult(head);
                    boolean more = (ring.cqeFlags(head) & IoUring.CQE_F_MORE) != 0;
                    // Consumed before the re-arm below, which may submit and drop stale completions.
                    ring.advanceCq(head + 1);
                    if (!more) {
                        finished(fd, res);
                    }
                    if (res > 0 || (res < 0 && res != -Errno.ECANCELED)) {
                        if (stashedMasks[fd] == 0) {
                            push(fd);
                        }
                        stashedMasks[fd] |= res > 0 ? res : POLLERR | POLLHUP;
                    }
                }
            }
        } finally {
            consuming = false;
        }
    }

    private void push(int fd) {
        if (stashSize == stash.length) {
            compactStash();
            if (stashSize == stash.length) {
                stash = Arrays.copyOf(stash, stash.length * 2);
            }
        }
        stash[stashSize++] = fd;
    }

    /** Drops entries whose registration changed since they were stashed. */
    private void compactStash() {
        int kept = 0;
        for (int i = 0; i < stashSize; i++) {
            int fd = stash[i];
            if (stashedMasks[fd] != 0) {
                stash[kept++] = fd;
            }
        }
        stashSize = kept;
    }

    /** Adds the stashed events to {@code buffer} from slot {@code n}, oldest first. */
    private int reportStash(MemorySegment buffer, int n, int capacity) {
        int i = 0;
        for (; i < stashSize && n < capacity; i++) {
            int fd = stash[i];
            int mask = stashedMasks[fd];
            if (mask != 0) {
                stashedMasks[fd] = 0;
                reportedRound[fd] = round;
                reportedSlot[fd] = n;
                IoUringEventFormat.write(buffer, n++, tokens[fd], mask);
            }
        }
        System.arraycopy(stash, i, stash, 0, stashSize - i);
        stashSize -= i;
        return n;
    }

    /**
     * A registration's poll request completed for good: re-arm it unless it is one-shot and
     * fired, or it failed. ECANCELED: the kernel cancelled it (the thread that armed it exited).
     */
    private void finished(int fd, int res) throws IOException {
        armed[fd] = 0;
        int trigger = states[fd] & TRIGGER_MASK;
        if (res == -Errno.ECANCELED || (res > 0 && trigger != ONESHOT)) {
            arm(fd);
        }
    }

    // ---- registration ------------------------------------------------------------------------

    /** Fails with EBADF, as epoll_ctl would, if the caller's descriptor is not open. */
    @Override
    protected void implRegister(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        if (Fd.fcntl(fd, Fd.F_GETFD, 0) < 0) {
            throw Check.error("IORING_OP_POLL_ADD", Errno.EBADF);
        }
        queueRegistration(fd, token, interest, trigger);
    }

    /**
     * The owner keeps the descriptor open until it releases this selector; if it breaks that, the
     * kernel's EBADF arrives as an error event.
     */
    @Override
    protected void implRegisterOwned(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        queueRegistration(fd, token, interest, trigger);
    }

    private void queueRegistration(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        int mask = EpollSelector.mask(interest); // the same bits as on epoll
        boolean kick;
        acquire();
        try {
            if (fd < gens.length && gens[fd] != 0) {
                throw Check.error("IORING_OP_POLL_ADD", Errno.EEXIST);
            }
            ensureCapacity(fd);
            gens[fd] = newGeneration();
            tokens[fd] = token;
            masks[fd] = mask;
            states[fd] = (byte) (trigger(trigger) | NEEDS_ARM);
            reportedRound[fd] = 0;
            kick = enqueue(fd);
        } finally {
            lock.unlock();
        }
        if (kick) {
            kick();
        }
    }

    @Override
    protected void implReregister(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        int mask = EpollSelector.mask(interest); // the same bits as on epoll
        boolean kick;
        acquire();
        try {
            requireRegistered(fd);
            stashedMasks[fd] = 0; // for the old token
            gens[fd] = newGeneration();
            tokens[fd] = token;
            masks[fd] = mask;
            states[fd] = (byte) (trigger(trigger) | NEEDS_ARM);
            reportedRound[fd] = 0;
            kick = enqueue(fd);
        } finally {
            lock.unlock();
        }
        if (kick) {
            kick();
        }
    }

    @Override
    protected void implDeregister(int fd) throws IOException {
        deregister(fd, true);
    }

    /** Only queues the removal: the owner calls {@link #implRelease} before closing the descriptor. */
    @Override
    protected void implDeregisterOwned(int fd) throws IOException {
        deregister(fd, false);
    }

    private void deregister(int fd, boolean releaseNow) throws IOException {
        boolean kick;
        acquire();
        try {
            requireRegistered(fd);
            stashedMasks[fd] = 0;
            gens[fd] = 0;
            states[fd] = 0;
            enqueue(fd); // a waiting select need not hear of it, unless the file must go
            kick = releaseNow && releaseLocked(fd);
        } finally {
            lock.unlock();
        }
        if (kick) {
            kick();
        }
    }

    @Override
    protected void implRelease(int fd) throws IOException {
        boolean kick;
        acquire();
        try {
            kick = releaseLocked(fd);
        } finally {
            lock.unlock();
        }
        if (kick) {
            kick();
        }
    }

    /**
     * Makes the kernel drop the removed registrations' files: at once on the polling thread,
     * which submits the removals and returns when the kernel has accepted them all; from another
     * thread by kicking a waiting select, which submits them (returns whether to kick). Nothing
     * to do for {@code fd} if no request was ever armed for it.
     */
    private boolean releaseLocked(int fd) throws IOException {
        // A request the kernel holds, or SQEs not yet submitted (this removal, if it is one).
        boolean held = (fd < armed.length && armed[fd] != 0) || ring.sqPending() > 0;
        if (!held) {
            return false;
        }
        if (Thread.currentThread() == owner) {
            flush();
            submitRemovalsNow();
            return false;
        }
        return waiting;
    }

    /** ENOENT when {@code fd} is not registered here; EBADF, as epoll says first, if it is not open. */
    private void requireRegistered(int fd) throws IOException {
        if (fd < gens.length && gens[fd] != 0) {
            return;
        }
        int error = Fd.fcntl(fd, Fd.F_GETFD, 0) < 0 ? Errno.EBADF : Errno.ENOENT;
        throw Check.error("IORING_OP_POLL_REMOVE", error);
    }

    /**
     * Queues {@code fd} for the next flush, once. Under the lock.
     *
     * @return whether a select waits and must be kicked to apply the change
     */
    private boolean enqueue(int fd) {
        if (!queued[fd]) {
            queued[fd] = true;
            if (updateCount == updates.length) {
                updates = Arrays.copyOf(updates, updates.length * 2);
            }
            updates[updateCount++] = fd;
        }
        return waiting;
    }

    /**
     * Writes the SQEs that bring the kernel to the registration table: a removal for each request
     * that was replaced or deregistered, a poll request for each new or changed registration, and
     * the kick eventfd's poll if it is not armed. On the polling thread, under the lock.
     */
    private void flush() throws IOException {
        if (!kickArmed) {
            kickArmed = true;
            int flags = multishot ? IoUring.POLL_ADD_MULTI : 0;
            if (!ring.prepPollAdd(kickFd, Epoll.EPOLLIN, flags, KICK)) {
                submitLocked();
                ring.prepPollAdd(kickFd, Epoll.EPOLLIN, flags, KICK);
            }
        }
        for (int i = 0; i < updateCount; i++) {
            int fd = updates[i];
            queued[fd] = false;
            byte state = states[fd];
            boolean arm = (state & NEEDS_ARM) != 0;
            int old = armed[fd];
            if (old != 0 && (arm || old != gens[fd])) {
                long target = userData(fd, old);
                if (!ring.prepPollRemove(target, REMOVAL_BIT | target, removeFlags)) {
                    submitLocked();
                    ring.prepPollRemove(target, REMOVAL_BIT | target, removeFlags);
                }
                armed[fd] = 0;
            }
            if (arm) {
                states[fd] = (byte) (state & ~NEEDS_ARM);
                arm(fd);
            }
        }
        updateCount = 0;
        if (streamQueueCount > 0) {
            flushStreams();
        }
    }

    /**
     * Queues again a removal that the kernel refused with EALREADY: the poll request was being
     * completed (its completion work was queued on the thread that armed it, and a multishot
     * request stays armed afterwards), so the removal did nothing, and the request would keep
     * the file open and its completions coming. Notes a kick poll that ended. Any other
     * completion passes. On the polling thread.
     *
     * @return false if it is such a removal and the submission ring has no room (the completion
     *     is then left in the ring, to be handled once a submission has made room)
     */
    private boolean discard(int index) {
        long userData = ring.cqeUserData(index);
        if (isStreamOp(userData)) {
            streamCompleted(userData, ring.cqeResult(index), ring.cqeFlags(index));
            return true;
        }
        if (userData == KICK) {
            if ((ring.cqeFlags(index) & IoUring.CQE_F_MORE) == 0) {
                kickArmed = false; // one-shot, cancelled, or ended by a full ring: the next flush re-arms it
            }
            return true;
        }
        if (!isRefusedRemoval(index)) {
            return true;
        }
        return ring.prepPollRemove(userData & ~REMOVAL_BIT, userData, removeFlags);
    }

    /** Whether the completion at {@code index} is a registration's removal refused with EALREADY. */
    private boolean isRefusedRemoval(int index) {
        long userData = ring.cqeUserData(index);
        return userData > 0 && (userData & REMOVAL_BIT) != 0 && ring.cqeResult(index) == -Errno.EALREADY;
    }

    /**
     * Submits, then queues again and submits the removals the kernel refused, until it accepts
     * them: when this returns, no removed request holds its file (unless the completion work of
     * one did not run within {@value #RELEASE_ATTEMPTS} attempts; the removal then stays queued
     * for the next submission). On the polling thread, which runs that work when it leaves
     * io_uring_enter.
     */
    private void submitRemovalsNow() throws IOException {
        for (int attempt = 0; attempt < RELEASE_ATTEMPTS; attempt++) {
            dropStaleHead();
            int from = ring.cqTail(); // a removal completes within io_uring_enter, after this
            submitOnly();
            boolean refused = false;
            for (int i = from, tail = ring.cqTail(); i != tail; i++) {
                if (isRefusedRemoval(i)) {
                    refused = true;
                    if (!discard(i)) {
                        break; // the ring is full: submit those first
                    }
                }
            }
            if (!refused) {
                break;
            }
            if (attempt > 0) {
                Thread.yield();
            }
        }
        relieve();
    }

    /** Writes a poll request for the registration as it stands. */
    private void arm(int fd) throws IOException {
        int gen = gens[fd];
        int flags = (states[fd] & TRIGGER_MASK) == EDGE && multishot ? IoUring.POLL_ADD_MULTI : 0;
        long userData = userData(fd, gen);
        if (!ring.prepPollAdd(fd, masks[fd], flags, userData)) {
            submitLocked();
            ring.prepPollAdd(fd, masks[fd], flags, userData);
        }
        armed[fd] = gen;
    }

    /**
     * Hands every prepared SQE to the kernel, then relieves the ring if it is crowded. On the
     * polling thread, under the lock.
     */
    private void submitLocked() throws IOException {
        submitOnly();
        relieve();
    }

    /**
     * {@link #submitLocked} without relieving: the caller reads the completions it posted first.
     * First drops the completions at the head of the ring that report nothing (removed requests'
     * last ones): a thread that submits for a long time without polling must not fill the ring
     * and then the kernel's overflow list with them.
     */
    private void submitOnly() throws IOException {
        dropStaleHead();
        int pending;
        while ((pending = ring.sqPending()) > 0) {
            // A deferred ring runs completion work (a removal's, which drops the file) only when asked.
            int r = submitNoWait(pending);
            if (r == -Errno.EINTR) {
                continue;
            }
            if (r < 0) {
                throw Check.error("io_uring_enter", -r);
            }
        }
    }

    /** {@code io_uring_enter} that submits and does not wait; asks for events on a deferred ring. */
    private int submitNoWait(int toSubmit) {
        return taskRun == TaskRun.DEFERRED ? ring.submitAndGetEvents(toSubmit) : ring.submit(toSubmit);
    }

    /** Consumes completions at the head of the ring while they are for no live registration. */
    private void dropStaleHead() {
        if (consuming) {
            return; // a reap or relieve is reading the ring, and drops what it reads
        }
        int head = ring.cqHead();
        int tail = ring.cqTail();
        int start = head;
        while (head != tail && !isLive(ring.cqeUserData(head)) && discard(head)) {
            head++;
        }
        if (head != start) {
            ring.advanceCq(head);
        }
    }

    /**
     * Whether a completion with {@code userData} still means something: it comes from a live
     * registration's current request. Removals, kicks, the open-time probe and replaced or
     * removed requests do not.
     */
    private boolean isLive(long userData) {
        if (userData <= 0 || (userData & REMOVAL_BIT) != 0) {
            return false;
        }
        int fd = (int) userData;
        return fd < gens.length && gens[fd] == (int) (userData >>> 32);
    }

    private int newGeneration() {
        int gen = nextGen;
        nextGen = gen == MAX_GENERATION ? 1 : gen + 1;
        return gen;
    }

    private static long userData(int fd, int gen) {
        return ((long) gen << 32) | (fd & 0xffff_ffffL);
    }

    private void ensureCapacity(int fd) {
        if (fd < gens.length) {
            return;
        }
        int size = Math.max(fd + 1, gens.length * 2);
        gens = Arrays.copyOf(gens, size);
        tokens = Arrays.copyOf(tokens, size);
        masks = Arrays.copyOf(masks, size);
        states = Arrays.copyOf(states, size);
        armed = Arrays.copyOf(armed, size);
        queued = Arrays.copyOf(queued, size);
        reportedRound = Arrays.copyOf(reportedRound, size);
        reportedSlot = Arrays.copyOf(reportedSlot, size);
        stashedMasks = Arrays.copyOf(stashedMasks, size);
    }

    private static byte trigger(Trigger trigger) {
        return switch (trigger) {
            case EDGE -> EDGE;
            case LEVEL -> LEVEL;
            case ONESHOT -> ONESHOT;
        };
    }


    // ---- completion-based streams ----------------------------------------------------------------

    /**
     * Opens a completion-based stream (see {@link CompletionStream}) on a duplicate of the
     * connected stream socket {@code sourceFd}, whose completions are reported as events for
     * {@code token} (readable: a receive completed; writable: a send made room for a write that
     * waited). Its first receive goes with the next poll. The caller keeps {@code sourceFd}; it
     * must not register it with this selector.
     *
     * @throws ClosedSelectorException if this selector is closed
     */
    public CompletionStream openStream(int sourceFd, long token) throws IOException {
        int fd = Fd.dupCloexec(sourceFd);
        if (fd < 0) {
            throw Check.error("fcntl(F_DUPFD_CLOEXEC)", -fd);
        }
        CompletionStream stream;
        boolean kick;
        acquire();
        try {
            if (isClosed()) {
                throw new ClosedSelectorException();
            }
            MemorySegment buffers = takeBuffers();
            int slot = freeStreamSlotCount > 0 ? freeStreamSlots[--freeStreamSlotCount] : nextStreamSlot++;
            if (slot == streams.length) {
                streams = Arrays.copyOf(streams, slot * 2);
            }
            stream = new CompletionStream(this, fd, token, slot, buffers, STREAM_READ_BUFFER);
            streams[slot] = stream;
            stream.recvState = CompletionStream.QUEUED;
            kick = queueStream(stream);
        } catch (RuntimeException e) {
            Fd.close(fd);
            throw e;
        } finally {
            lock.unlock();
        }
        if (kick) {
            kick();
        }
        return stream;
    }

    /** A receive buffer and a send buffer, one after the other, from the pool. Under the lock. */
    private MemorySegment takeBuffers() {
        if (freeBufferCount > 0) {
            MemorySegment buffers = freeBuffers[--freeBufferCount];
            freeBuffers[freeBufferCount] = null;
            return buffers;
        }
        if (bufferArena == null) {
            bufferArena = Arena.ofShared();
        }
        return bufferArena.allocate((long) STREAM_READ_BUFFER + STREAM_WRITE_BUFFER, 64);
    }

    /** See {@link CompletionStream#read}. */
    int streamRead(CompletionStream stream, ByteBuffer dst) throws IOException {
        int n;
        boolean kick = false;
        acquire();
        try {
            if (stream.closed || stream.released) {
                throw new ClosedChannelException();
            }
            if (!dst.hasRemaining()) {
                return 0;
            }
            int available = stream.readEnd - stream.readStart;
            if (available > 0) {
                n = Math.min(available, dst.remaining());
                ByteBuffer view = stream.readView;
                view.limit(stream.readStart + n).position(stream.readStart);
                dst.put(view);
                stream.readStart += n;
                if (stream.readStart == stream.readEnd) {
                    stream.readStart = 0;
                    stream.readEnd = 0;
                    kick = requestReceive(stream);
                }
            } else if (stream.readFailure != null) {
                IOException failure = stream.readFailure;
                stream.readFailure = null;
                stream.endOfStream = true;
                throw failure;
            } else if (stream.endOfStream) {
                n = -1;
            } else {
                kick = requestReceive(stream);
                n = CompletionStream.PENDING;
            }
        } finally {
            lock.unlock();
        }
        if (kick) {
            kick();
        }
        return n;
    }

    /** See {@link CompletionStream#write}. */
    int streamWrite(CompletionStream stream, ByteBuffer src) throws IOException {
        int n;
        boolean kick = false;
        acquire();
        try {
            if (stream.closed || stream.released) {
                throw new ClosedChannelException();
            }
            if (stream.writeFailure != null) {
                throw stream.writeFailure;
            }
            int remaining = src.remaining();
            if (remaining == 0) {
                return 0;
            }
            int room = STREAM_WRITE_BUFFER - stream.fill;
            if (room == 0) {
                stream.writerWaits = true;
                return CompletionStream.PENDING;
            }
            n = Math.min(remaining, room);
            ByteBuffer view = stream.writeView;
            view.limit(stream.fill + n).position(stream.fill);
            int limit = src.limit();
            src.limit(src.position() + n);
            view.put(src);
            src.limit(limit);
            stream.fill += n;
            if (stream.sendState == CompletionStream.IDLE) {
                stream.sendEnd = stream.fill;
                stream.sendState = CompletionStream.QUEUED;
                kick = queueStream(stream);
            } else if (stream.sendState == CompletionStream.QUEUED) {
                stream.sendEnd = stream.fill; // not written to the ring yet: the send grows
            }
        } finally {
            lock.unlock();
        }
        if (kick) {
            kick();
        }
        return n;
    }

    /** See {@link CompletionStream#unsent}. */
    int streamUnsent(CompletionStream stream) {
        acquire();
        try {
            return stream.released ? 0 : stream.fill - stream.sendStart;
        } finally {
            lock.unlock();
        }
    }

    /** See {@link CompletionStream#close}. */
    void closeStream(CompletionStream stream) throws IOException {
        boolean kick = false;
        acquire();
        try {
            if (stream.closed || stream.released) {
                return;
            }
            stream.closed = true;
            stream.readStart = 0;
            stream.readEnd = 0;
            if (stream.recvState == CompletionStream.QUEUED) {
                stream.recvState = CompletionStream.IDLE; // never written to the ring
            } else if (stream.recvState == CompletionStream.IN_FLIGHT) {
                stream.cancelQueued = true;
                kick = queueStream(stream);
            }
            if (!stream.busy()) {
                releaseStream(stream);
            }
        } finally {
            lock.unlock();
        }
        if (kick) {
            kick();
        }
    }

    /** Queues a receive unless one is outstanding or the stream has ended. Under the lock; returns whether to kick. */
    private boolean requestReceive(CompletionStream stream) {
        if (stream.recvState != CompletionStream.IDLE || stream.endOfStream || stream.readFailure != null || stream.closed) {
            return false;
        }
        stream.recvState = CompletionStream.QUEUED;
        return queueStream(stream);
    }

    /** Queues {@code stream} for the next flush, once. Under the lock; returns whether a select waits. */
    private boolean queueStream(CompletionStream stream) {
        if (!stream.queued) {
            stream.queued = true;
            if (streamQueueCount == streamQueue.length) {
                streamQueue = Arrays.copyOf(streamQueue, streamQueueCount * 2);
            }
            streamQueue[streamQueueCount++] = stream;
        }
        return waiting;
    }

    /**
     * Writes the queued streams' requests. A receive that follows one which left data in the
     * socket tries at once; any other polls first (the peer has usually not answered yet). On
     * the polling thread, under the lock, from {@link #flush}: a submission made to find room
     * may complete requests and queue more streams, which this loop then writes too.
     */
    private void flushStreams() throws IOException {
        for (int i = 0; i < streamQueueCount; i++) {
            CompletionStream stream = streamQueue[i];
            streamQueue[i] = null;
            stream.queued = false;
            if (stream.released) {
                continue;
            }
            long recv = STREAM_OP | ((long) stream.slot << 1);
            if (stream.recvState == CompletionStream.QUEUED) {
                int ioprio = stream.moreData ? 0 : IoUring.RECVSEND_POLL_FIRST;
                long address = stream.readBuffer.address();
                if (!ring.prepRecv(stream.fd, address, STREAM_READ_BUFFER, 0, ioprio, recv)) {
                    submitLocked();
                    ring.prepRecv(stream.fd, address, STREAM_READ_BUFFER, 0, ioprio, recv);
                }
                stream.recvState = CompletionStream.IN_FLIGHT;
            }
            if (stream.sendState == CompletionStream.QUEUED) {
                long address = stream.writeBuffer.address() + stream.sendStart;
                int length = stream.sendEnd - stream.sendStart;
                if (!ring.prepSend(stream.fd, address, length, SEND_FLAGS, recv | 1)) {
                    submitLocked();
                    ring.prepSend(stream.fd, address, length, SEND_FLAGS, recv | 1);
                }
                stream.sendState = CompletionStream.IN_FLIGHT;
            }
            if (stream.cancelQueued) {
                stream.cancelQueued = false;
                if (stream.recvState == CompletionStream.IN_FLIGHT) {
                    if (!ring.prepCancel(recv, CONTROL)) {
                        submitLocked();
                        ring.prepCancel(recv, CONTROL);
                    }
                }
            }
        }
        streamQueueCount = 0;
    }

    private static boolean isStreamOp(long userData) {
        return (userData & STREAM_OP) == STREAM_OP;
    }

    /** A stream's request completed: records the result and notes what to report. Under the lock. */
    private void streamCompleted(long userData, int res, int flags) {
        int slot = (int) ((userData & ~STREAM_OP) >>> 1);
        CompletionStream stream = slot < streams.length ? streams[slot] : null;
        if (stream == null) {
            return;
        }
        if ((userData & 1) == 0) {
            receiveCompleted(stream, res, flags);
        } else {
            sendCompleted(stream, res);
        }
        if (stream.closed && !stream.busy()) {
            releaseStream(stream);
        }
    }

    private void receiveCompleted(CompletionStream stream, int res, int flags) {
        stream.recvState = CompletionStream.IDLE;
        if (stream.closed) {
            return;
        }
        if (res > 0) {
            stream.readStart = 0;
            stream.readEnd = res;
            stream.moreData = (flags & IoUring.CQE_F_SOCK_NONEMPTY) != 0;
            done(stream, Epoll.EPOLLIN);
        } else if (res == 0) {
            stream.endOfStream = true;
            done(stream, Epoll.EPOLLIN);
        } else if (res == -Errno.EAGAIN || res == -Errno.EINTR || res == -Errno.ECANCELED) {
            // Not this side's doing (a cancel comes only after close): receive again.
            stream.moreData = false;
            requestReceive(stream);
        } else {
            stream.readFailure = Check.socketError("IORING_OP_RECV", -res);
            done(stream, Epoll.EPOLLIN);
        }
    }

    private void sendCompleted(CompletionStream stream, int res) {
        stream.sendState = CompletionStream.IDLE;
        if (res == -Errno.EAGAIN || res == -Errno.EINTR || (res == -Errno.ECANCELED && !stream.closed)) {
            stream.sendState = CompletionStream.QUEUED; // the same bytes again
            queueStream(stream);
            return;
        }
        if (res < 0) {
            if (!stream.closed) {
                stream.writeFailure = Check.socketError("IORING_OP_SEND", -res);
            }
            stream.sendStart = 0;
            stream.sendEnd = 0;
            stream.fill = 0;
        } else {
            stream.sendStart += res;
            if (stream.sendStart < stream.sendEnd) {
                stream.sendState = CompletionStream.QUEUED; // a short send: the rest
                queueStream(stream);
                return;
            }
            if (stream.fill > stream.sendEnd) {
                stream.sendEnd = stream.fill; // what was written while it was in flight
                stream.sendState = CompletionStream.QUEUED;
                queueStream(stream);
            } else {
                stream.sendStart = 0;
                stream.sendEnd = 0;
                stream.fill = 0;
            }
        }
        if (stream.writerWaits && !stream.closed) {
            stream.writerWaits = false;
            done(stream, Epoll.EPOLLOUT);
        }
    }

    private void done(CompletionStream stream, int mask) {
        if (stream.doneMask == 0) {
            if (doneCount == doneStreams.length) {
                doneStreams = Arrays.copyOf(doneStreams, doneCount * 2);
            }
            doneStreams[doneCount++] = stream;
        }
        stream.doneMask |= mask;
    }

    /** Adds an event per stream with completions to report, from slot {@code n}. Under the lock. */
    private int reportStreams(MemorySegment buffer, int n, int capacity) {
        int i = 0;
        for (; i < doneCount && n < capacity; i++) {
            CompletionStream stream = doneStreams[i];
            doneStreams[i] = null;
            int mask = stream.doneMask;
            stream.doneMask = 0;
            if (mask != 0 && !stream.closed && !stream.released) {
                IoUringEventFormat.write(buffer, n++, stream.token, mask);
            }
        }
        System.arraycopy(doneStreams, i, doneStreams, 0, doneCount - i);
        Arrays.fill(doneStreams, doneCount - i, doneCount, null);
        doneCount -= i;
        return n;
    }

    /** The kernel holds nothing of a closed stream any more: closes its descriptor, pools its buffers. Under the lock. */
    private void releaseStream(CompletionStream stream) {
        stream.released = true;
        streams[stream.slot] = null;
        if (freeStreamSlotCount == freeStreamSlots.length) {
            freeStreamSlots = Arrays.copyOf(freeStreamSlots, freeStreamSlotCount * 2);
        }
        freeStreamSlots[freeStreamSlotCount++] = stream.slot;
        if (freeBufferCount == freeBuffers.length) {
            freeBuffers = Arrays.copyOf(freeBuffers, freeBufferCount * 2);
        }
        freeBuffers[freeBufferCount++] = stream.buffers;
        Fd.close(stream.fd);
    }

    /**
     * After {@link #moveRing}: the old ring was closed with the streams' requests in it, and the
     * kernel dropped them without running them (the completions it had posted were taken
     * first). A receive that had not completed had read nothing: it goes again on the new ring.
     * A send in flight may have sent part of its bytes, and how many is lost with the ring: the
     * stream fails, as a connection that broke. Under the lock.
     */
    private void streamsMoved() {
        for (CompletionStream stream : streams) {
            if (stream == null) {
                continue;
            }
            stream.cancelQueued = false;
            if (stream.recvState == CompletionStream.IN_FLIGHT) {
                stream.recvState = CompletionStream.IDLE;
                requestReceive(stream);
            }
            if (stream.sendState == CompletionStream.IN_FLIGHT) {
                stream.sendState = CompletionStream.IDLE;
                stream.sendStart = 0;
                stream.sendEnd = 0;
                stream.fill = 0;
                if (!stream.closed) {
                    stream.writeFailure = new IOException("io_uring: another thread took over polling while a send of this"
                            + " stream was in flight, and how much of it was sent is unknown (completion-based streams need"
                            + " one polling thread)");
                    stream.writerWaits = false;
                    done(stream, Epoll.EPOLLOUT);
                }
            }
            if (stream.closed && !stream.busy()) {
                releaseStream(stream);
            }
        }
    }

    // ---- wakers, interrupt, close --------------------------------------------------------------

    @Override
    protected SelectorWaker implOpenWaker(long token) throws IOException {
        acquire();
        try {
            int slot = 0;
            while (slot < wakers.length && wakers[slot] != null) {
                slot++;
            }
            if (slot == wakers.length) {
                wakers = Arrays.copyOf(wakers, wakers.length * 2);
            }
            KickWaker waker = new KickWaker(slot, token);
            wakers[slot] = waker;
            return waker;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a waker has been woken and not yet reported. Under the lock. */
    private boolean anyWakerPending() {
        for (KickWaker waker : wakers) {
            if (waker != null && waker.pending) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds an event for each waker woken since it was last reported; one per select: a wake after
     * this select reported the waker merges into that event, which the caller reads after it.
     * Under the lock.
     */
    private int reportWakes(MemorySegment buffer, int n, int capacity) {
        for (KickWaker waker : wakers) {
            if (waker == null || !waker.pending) {
                continue;
            }
            if (waker.reportedRound == round) {
                waker.pending = false;
            } else if (n < capacity) {
                waker.pending = false;
                waker.reportedRound = round;
                IoUringEventFormat.write(buffer, n++, waker.token, Epoll.EPOLLIN);
            }
        }
        return n;
    }

    /**
     * Ends the wait of a select that waits, if none has kicked it yet: writes to the kick
     * eventfd, whose poll request completes on the polling thread. Outside the lock: the select
     * this wakes wants the lock the moment its wait ends, and a lock held across the write would
     * make it queue (allocating) on every wake.
     */
    private void kick() throws IOException {
        if (waiting && KICKED.compareAndSet(this, false, true)) {
            int r = EventFd.increment(kickFd);
            if (r < 0) {
                kicked = false;
                throw Check.error("write", -r);
            }
        }
    }

    /**
     * Makes a select that is blocked, or about to block, return promptly: the flag, set first,
     * stops it from waiting (again), and a kick ends its wait. One interrupt ends one select; one
     * that finds no select in progress makes the next one return at once.
     */
    @Override
    protected void implInterrupt() throws IOException {
        interrupted = true;
        kick();
    }

    @Override
    protected void implClose() throws IOException {
        int r = ring.close();
        int k = Fd.close(kickFd);
        // The ring is gone: the kernel cancels the requests it held without running them, so
        // the streams' buffers can be freed and their descriptors closed.
        acquire();
        try {
            for (CompletionStream stream : streams) {
                if (stream != null) {
                    stream.released = true;
                    Fd.close(stream.fd);
                }
            }
            Arrays.fill(streams, null);
            if (bufferArena != null) {
                bufferArena.close();
            }
        } finally {
            lock.unlock();
        }
        Check.check("close", r);
        Check.check("close", k);
    }

    @Override
    public String toString() {
        return "IoUringSelector[fd=" + ring.fd() + (multishot ? ", multishot" : ", one-shot")
                + ", " + taskRun.name().toLowerCase(java.util.Locale.ROOT) + (isClosed() ? ", closed]" : "]");
    }

    /**
     * A waker: a flag that the next poll reports, and a kick for a select that waits. Wakes
     * before the poll that reports them coalesce into one event; a wake while no select waits
     * makes no system call.
     */
    private final class KickWaker implements SelectorWaker {
        private static final VarHandle PENDING;

        static {
            try {
                PENDING = MethodHandles.lookup().findVarHandle(KickWaker.class, "pending", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final int slot;
        private final long token;
        private final CloseGuard guard = new CloseGuard();
        /** Woken and not yet reported; cleared by the polling thread. */
        volatile boolean pending;
        /** The select that last reported this waker; guarded by lock. */
        long reportedRound;

        KickWaker(int slot, long token) {
            this.slot = slot;
            this.token = token;
        }

        @Override
        public void wake() throws IOException {
            if (!guard.enter()) {
                throw new ClosedSelectorException();
            }
            try {
                // Set before kick() reads whether a select waits; the select sets that first,
                // then looks at this flag.
                if (PENDING.compareAndSet(this, false, true)) {
                    kick();
                }
            } finally {
                guard.exit();
            }
        }

        @Override
        public void close() {
            if (guard.close()) {
                acquire();
                try {
                    if (wakers[slot] == this) {
                        wakers[slot] = null;
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }
}
