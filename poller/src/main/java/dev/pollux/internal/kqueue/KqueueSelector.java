package dev.pollux.internal.kqueue;

import dev.pollux.Backend;
import dev.pollux.Interest;
import dev.pollux.Trigger;
import dev.pollux.ffi.kqueue.KeventLayout;
import dev.pollux.ffi.kqueue.Kqueue;
import dev.pollux.ffi.kqueue.KqueueConstants;
import dev.pollux.ffi.kqueue.KqueuePlatform;
import dev.pollux.internal.Check;
import dev.pollux.internal.CloseGuard;
import dev.pollux.internal.EventFormat;
import dev.pollux.internal.Os;
import dev.pollux.internal.Selector;
import dev.pollux.internal.SelectorWaker;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedSelectorException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kqueue backend (macOS, FreeBSD, and libkqueue on Linux). READABLE and WRITABLE are the
 * READ and WRITE filters, changed together in one {@code kevent} call with {@code EV_RECEIPT} so
 * each change's error is reported; {@link Trigger#EDGE} adds {@code EV_CLEAR},
 * {@link Trigger#ONESHOT} {@code EV_DISPATCH}. Wakers are {@code EVFILT_USER} events, one ident
 * each. PRIORITY has no kqueue filter here and is refused.
 *
 * <p>On libkqueue before 2.4, whose receipts carry no errors, changes are applied one per call
 * instead (detected when the selector opens).
 *
 * <p>Events are waited for in batches of up to {@value #BATCH}, into a list the selector owns;
 * a poll hands out at most its caller's capacity and the next poll gets the rest without a
 * system call (native kqueue behaves the same: the code path is one). Why: libkqueue (kqueue on
 * Linux, 2.4 to 2.7 at least) calls {@code epoll_wait} for as many events as the caller's list
 * holds, and a descriptor with both filters turns one epoll event into two kevents; in
 * {@code linux_kevent_copyout}, once the list is full ("no more available kevent slots") the
 * rest of what {@code epoll_wait} returned is thrown away, and being edge-triggered those
 * descriptors are not reported again. With a small {@code Events} that lost readiness for good;
 * now libkqueue is always asked for {@value #BATCH} events. Because libkqueue also caps any list
 * at {@value #BATCH} ({@code MAX_KEVENT}) for both the {@code epoll_wait} and the copy-out, no
 * list size can rule the drop out: it still happens when more than {@value #BATCH} filters are
 * ready in one call (over {@value #BATCH}/2 descriptors ready both ways at once). Events kept
 * for a later poll are dropped if their descriptor's registration changed in between
 * ({@link RegistrationEpochs}), so a deregister still ends its events.
 *
 * <p>Errors: kqueue puts a socket's error in the event (EV_EOF, errno in fflags); libkqueue gets
 * it with {@code getsockopt(SO_ERROR)}, which clears it from the socket. The selector keeps the
 * errno from the event ({@link #takeReportedError}) so that {@code takeError()} and the next
 * read or write still report it. Filters are added WRITE before READ: libkqueue keeps only the
 * in/out bits of the first filter's epoll events when it adds the second, and READ first would
 * lose the EPOLLRDHUP that gives read-closed.
 *
 * <p>Registration semantics are kqueue's, which raw {@code SourceFd} users see: adding a filter
 * that exists updates it (no EEXIST); reregistering deletes the filters the new interest drops;
 * deregistering a descriptor with no filter reports ENOENT.
 */
public final class KqueueSelector extends Selector {
    /** Changes per registration call: delete and add, for the READ and the WRITE filter. */
    private static final int MAX_CHANGES = 4;
    /**
     * The ident of the EVFILT_USER event {@link #implInterrupt} triggers; wakers count from 1.
     * Added when the queue opens rather than borrowed from a user's waker (there may be none, and
     * it would report their token) or added at close (where failing, say ENOMEM, would leave a
     * thread blocked). On a kernel kqueue it costs no descriptor; libkqueue backs it with an
     * eventfd, one more per Poll, as epoll's interrupt eventfd.
     */
    private static final long INTERRUPT_IDENT = 0;
    /**
     * Events one wait call asks for: libkqueue's MAX_KEVENT, the most it returns from one call
     * (it caps larger lists there). See the class comment for why this is not the caller's
     * capacity.
     */
    private static final int BATCH = 512;

    private final Kqueue kqueue;
    private final KeventLayout layout;
    private final KqueueConstants c;
    private final EventFormat format;
    private final int kq;
    /** False on libkqueue before 2.4: then changes go one per call and errors come as errno. */
    private final boolean receiptsWork;
    private final AtomicLong nextWakerIdent = new AtomicLong(1);
    /** Set when {@link #implClose} starts: from then on {@link #kq} must not be used. */
    private volatile boolean queueClosed;
    private final ThreadLocal<MemorySegment> changes;
    /** The one change {@link #implInterrupt} makes, prepared here: the closing thread is any thread. */
    private final MemorySegment interrupt;
    /** What the last wait call returned; only the polling thread touches it and the indexes below. */
    private final MemorySegment batch;
    /** The events of {@link #batch} not handed out yet: {@code [batchNext, batchEnd)}. */
    private int batchNext;
    private int batchEnd;
    /** {@link #epochs}' clock just before the wait call that filled {@link #batch}. */
    private long batchEpoch;
    private final RegistrationEpochs epochs = new RegistrationEpochs();
    /**
     * Errors that events carried (EV_EOF with an errno in fflags), by descriptor, until
     * {@link #takeReportedError} takes them or the registration ends. Touched only when an event
     * carries one, so the normal path neither allocates nor looks here.
     */
    private final ConcurrentHashMap<Integer, Integer> reportedErrors = new ConcurrentHashMap<>();

    private KqueueSelector(Kqueue kqueue, int kq, boolean receiptsWork) {
        this.kqueue = kqueue;
        this.receiptsWork = receiptsWork;
        this.layout = kqueue.layout();
        this.c = kqueue.constants();
        this.format = new KqueueEventFormat(layout, c);
        this.kq = kq;
        this.changes = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(MAX_CHANGES * layout.size(), layout.alignment()));
        this.interrupt = Arena.ofAuto().allocate(layout.size(), layout.alignment());
        this.batch = Arena.ofAuto().allocate(BATCH * layout.size(), layout.alignment());
    }

    /**
     * Opens a kqueue on this OS's kqueue implementation.
     *
     * @throws UnsupportedOperationException if there is none (or libkqueue is not installed)
     */
    public static KqueueSelector open() throws IOException {
        Os os = Os.current();
        Loaded loaded = Loaded.get(os);
        int kq = Check.check("kqueue", loaded.kqueue.create());
        int r = os.setCloseOnExec(kq);
        if (r < 0) {
            os.close(kq);
            Check.check("fcntl", r);
        }
        KqueueSelector selector = new KqueueSelector(loaded.kqueue, kq, loaded.receiptsWork);
        KeventLayout layout = selector.layout;
        KqueueConstants c = selector.c;
        layout.set(selector.interrupt, 0, INTERRUPT_IDENT, c.evfiltUser(), (short) (c.evAdd() | c.evClear()), 0, 0, 0);
        r = loaded.kqueue.change(kq, selector.interrupt, 1);
        if (r < 0) {
            os.close(kq);
            Check.check("kevent", r);
        }
        // From now on the segment holds the trigger, so that the interrupt only makes one call.
        layout.set(selector.interrupt, 0, INTERRUPT_IDENT, c.evfiltUser(), (short) 0, c.noteTrigger(), 0, 0);
        return selector;
    }

    /**
     * The kqueue implementation, linked once, and whether its receipts report errors, probed once:
     * not per {@link #open()}, which would load the library again and open, probe and close a
     * scratch queue every time (libkqueue 2.3.1 crashed, SIGSEGV in kevent, when that probe ran
     * while other threads closed their queues). Loaded again only if the library path changes
     * ({@code -Dpollux.libkqueue}).
     */
    private record Loaded(KqueuePlatform platform, String library, Kqueue kqueue, boolean receiptsWork) {
        private static volatile Loaded current;

        static Loaded get(Os os) {
            KqueuePlatform platform = KqueuePlatform.current();
            Loaded l = current;
            if (l != null && l.platform == platform && Objects.equals(l.library, platform.library())) {
                return l;
            }
            synchronized (Loaded.class) {
                l = current;
                if (l == null || l.platform != platform || !Objects.equals(l.library, platform.library())) {
                    Kqueue kqueue = Kqueue.load(platform, os.eintr());
                    l = new Loaded(platform, platform.library(), kqueue, kqueue.receiptsReportErrors());
                    current = l;
                }
                return l;
            }
        }
    }

    @Override
    public Backend backend() {
        return Backend.KQUEUE;
    }

    @Override
    public EventFormat eventFormat() {
        return format;
    }

    /**
     * Hands out what is left of the last wait call's events without a system call, or waits for
     * new ones: into the selector's own list of {@link #BATCH} events, never into the caller's
     * (see the class comment), then copies up to {@code capacity} of them into {@code buffer}.
     */
    @Override
    protected int implSelect(MemorySegment buffer, int capacity, long timeoutNanos) throws IOException {
        boolean surplus = batchNext < batchEnd;
        if (!surplus) {
            long epoch = epochs.now();
            int n = kqueue.await(kq, batch, BATCH, timeoutNanos);
            if (n == -Os.current().eintr()) {
                return 0;
            }
            batchEnd = Check.check("kevent", n);
            batchNext = 0;
            batchEpoch = epoch;
        }
        return handOut(buffer, capacity, surplus);
    }

    /**
     * Copies events from {@link #batch} to {@code buffer}, leaving out the interrupt's and, for
     * events kept from an earlier poll, those whose descriptor's registration changed since they
     * were collected (a deregister that returned before this poll began must not be followed by
     * an event for its token). May return 0 when everything left was dropped: a spurious early
     * return, as a signal gives.
     */
    private int handOut(MemorySegment buffer, int capacity, boolean surplus) {
        long size = layout.size();
        int out = 0;
        while (out < capacity && batchNext < batchEnd) {
            int i = batchNext++;
            short filter = layout.filter(batch, i);
            if (filter == c.evfiltUser()) {
                if (layout.ident(batch, i) == INTERRUPT_IDENT) {
                    continue; // only a close sends it, and that poll throws ClosedSelectorException
                }
            } else {
                int fd = (int) layout.ident(batch, i);
                if (surplus && epochs.changedSince(fd, batchEpoch)) {
                    continue;
                }
                int errno = layout.fflags(batch, i);
                if (errno != 0 && (filter == c.evfiltRead() || filter == c.evfiltWrite())) {
                    keepError(fd, errno);
                }
            }
            MemorySegment.copy(batch, i * size, buffer, out * size, size);
            out++;
        }
        return out;
    }

    /**
     * Keeps the error an event carries for {@link #takeReportedError}. kqueue puts a socket's
     * pending error in the event's fflags with EV_EOF; libkqueue gets it with
     * {@code getsockopt(SO_ERROR)}, which clears it from the socket, so without this a refused
     * connect would show as an error event while {@code takeError()} found nothing. libkqueue
     * before 2.5 sets fflags without EV_EOF (see {@link KqueueEventFormat}); that is an errno too.
     */
    private void keepError(int fd, int errno) {
        reportedErrors.put(fd, errno);
    }

    @Override
    public int takeReportedError(int fd) {
        if (reportedErrors.isEmpty()) {
            return 0;
        }
        Integer errno = reportedErrors.remove(fd);
        return errno == null ? 0 : errno;
    }

    /**
     * After a change of {@code fd}'s filters, {@code applied} or failed part way: earlier events
     * and, when the registration {@code ended} (or began anew), errors no longer stand.
     */
    private void registrationChanged(int fd, boolean applied, boolean ended) {
        epochs.changed(fd, applied);
        if (ended && !reportedErrors.isEmpty()) {
            reportedErrors.remove(fd);
        }
    }

    @Override
    protected void implRegister(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        MemorySegment list = changes.get();
        short flags = (short) (c.evAdd() | c.evEnable() | triggerFlags(trigger));
        int n = 0;
        checkInterest(interest);
        // WRITE before READ: libkqueue, adding a second filter to a descriptor, keeps only the
        // in/out bits of the first filter's epoll events; READ added first would lose the
        // EPOLLRDHUP that gives read-closed (EV_EOF) once WRITE is added.
        if (interest.isWritable()) {
            layout.set(list, n++, fd, c.evfiltWrite(), flags, 0, 0, token);
        }
        if (interest.isReadable()) {
            layout.set(list, n++, fd, c.evfiltRead(), flags, 0, 0, token);
        }
        boolean applied = false;
        try {
            apply(list, n, false);
            applied = true;
        } finally {
            registrationChanged(fd, applied, true); // a new registration: what an older one left goes
        }
    }

    /**
     * Deletes both filters and adds the wanted ones again, in one call: re-adding an existing
     * filter would keep some of its old flags (EV_CLEAR, a dispatched EV_DISPATCH), so a change
     * of trigger or a oneshot re-arm would not take effect.
     */
    @Override
    protected void implReregister(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        MemorySegment list = changes.get();
        short add = (short) (c.evAdd() | c.evEnable() | triggerFlags(trigger));
        checkInterest(interest);
        int n = 0;
        layout.set(list, n++, fd, c.evfiltRead(), c.evDelete(), 0, 0, 0);
        layout.set(list, n++, fd, c.evfiltWrite(), c.evDelete(), 0, 0, 0);
        if (interest.isWritable()) { // WRITE before READ, as in implRegister
            layout.set(list, n++, fd, c.evfiltWrite(), add, 0, 0, token);
        }
        if (interest.isReadable()) {
            layout.set(list, n++, fd, c.evfiltRead(), add, 0, 0, token);
        }
        int missing = -1;
        try {
            missing = apply(list, n, true);
        } finally {
            registrationChanged(fd, missing == 0 || missing == 1, false); // added again: they report afresh
        }
        if (missing == 2) {
            // Neither filter existed: reregistering what is not registered (ENOENT, as on epoll).
            deleteQuietly(list, n);
            throw Check.error("kevent", Os.current().enoent());
        }
    }

    /** Undoes the adds of a refused reregistration. */
    private void deleteQuietly(MemorySegment list, int n) {
        for (int i = 2; i < n; i++) {
            layout.set(list, i - 2, fd(list, i), layout.filter(list, i), c.evDelete(), 0, 0, 0);
        }
        kqueue.change(kq, list, n - 2);
    }

    private int fd(MemorySegment list, int index) {
        return (int) layout.ident(list, index);
    }

    @Override
    protected void implDeregister(int fd) throws IOException {
        MemorySegment list = changes.get();
        layout.set(list, 0, fd, c.evfiltRead(), c.evDelete(), 0, 0, 0);
        layout.set(list, 1, fd, c.evfiltWrite(), c.evDelete(), 0, 0, 0);
        int missing = -1;
        try {
            missing = apply(list, 2, true);
        } finally {
            registrationChanged(fd, missing == 0 || missing == 1, true); // 2: nothing was registered
        }
        if (missing == 2) {
            // Neither filter existed: the descriptor was not registered (epoll says ENOENT too).
            throw Check.error("kevent", Os.current().enoent());
        }
    }

    /**
     * Applies changes with {@code EV_RECEIPT} and throws the first per-change error. ENOENT from
     * deleting a filter that does not exist is counted, not thrown, when {@code deletesMayMiss}.
     */
    private int apply(MemorySegment list, int count, boolean deletesMayMiss) throws IOException {
        if (!receiptsWork) {
            return applyOneByOne(list, count, deletesMayMiss);
        }
        for (int i = 0; i < count; i++) {
            int flags = layout.flags(list, i);
            layout.set(list, i, layout.ident(list, i), layout.filter(list, i), (short) (flags | c.evReceipt()), 0, 0,
                    layout.udata(list, i));
        }
        int n = Check.check("kevent", kqueue.apply(kq, list, count, list));
        int missing = 0;
        for (int i = 0; i < n; i++) {
            if ((layout.flags(list, i) & c.evError()) == 0) {
                continue;
            }
            int errno = (int) layout.data(list, i);
            if (errno == 0) {
                continue;
            }
            String name = Os.current().errnoName(errno);
            if (deletesMayMiss && name.equals("ENOENT")) {
                missing++;
                continue;
            }
            if (name.equals("EPIPE") && layout.filter(list, i) == c.evfiltWrite()) {
                // macOS refuses a WRITE filter on a pipe whose reader is gone; the source will
                // report write-closed on its first write instead (mio ignores it the same way).
                continue;
            }
            throw Check.error("kevent", errno);
        }
        return missing;
    }

    /**
     * The same without receipts, for kqueues that do not report errors in them (libkqueue before
     * 2.4, which also fails READ and WRITE for one descriptor in one call): each change in a call
     * of its own, its error from errno.
     */
    private int applyOneByOne(MemorySegment list, int count, boolean deletesMayMiss) throws IOException {
        int missing = 0;
        for (int i = 0; i < count; i++) {
            int r = kqueue.change(kq, list.asSlice(i * layout.size(), layout.size()), 1);
            if (r == 0) {
                continue;
            }
            String name = Os.current().errnoName(-r);
            if (deletesMayMiss && name.equals("ENOENT")) {
                missing++;
                continue;
            }
            if (name.equals("EPIPE") && layout.filter(list, i) == c.evfiltWrite()) {
                continue;
            }
            throw Check.error("kevent", -r);
        }
        return missing;
    }

    private short triggerFlags(Trigger trigger) {
        return switch (trigger) {
            case EDGE -> c.evClear();
            case LEVEL -> 0;
            case ONESHOT -> c.evDispatch();
        };
    }

    private static void checkInterest(Interest interest) {
        if (interest.isPriority()) {
            throw new UnsupportedOperationException("PRIORITY interest needs the epoll backend; kqueue has no such filter here");
        }
    }

    @Override
    protected SelectorWaker implOpenWaker(long token) throws IOException {
        long ident = nextWakerIdent.getAndIncrement();
        MemorySegment list = changes.get();
        layout.set(list, 0, ident, c.evfiltUser(), (short) (c.evAdd() | c.evClear()), 0, 0, token);
        Check.check("kevent", kqueue.change(kq, list, 1));
        return new UserEventWaker(ident, token);
    }

    /**
     * Triggers the interrupt event. Once triggered it stays pending until a kevent call reports
     * it, so a select that has not yet reached {@code kevent} returns at once too.
     */
    @Override
    protected void implInterrupt() throws IOException {
        Check.check("kevent", kqueue.change(kq, interrupt, 1));
    }

    @Override
    protected void implClose() throws IOException {
        // Deleted first for libkqueue's sake, as the wakers are (see UserEventWaker.close).
        layout.set(interrupt, 0, INTERRUPT_IDENT, c.evfiltUser(), c.evDelete(), 0, 0, 0);
        kqueue.change(kq, interrupt, 1);
        queueClosed = true;
        Check.check("close", Os.current().close(kq));
    }

    @Override
    public String toString() {
        return "KqueueSelector[kq=" + kq + ", " + kqueue.platform() + (isClosed() ? ", closed]" : "]");
    }

    /**
     * An {@code EVFILT_USER} event: {@code NOTE_TRIGGER} fires it, {@code EV_CLEAR} resets it
     * once reported, so wakes before the next poll coalesce.
     */
    private final class UserEventWaker implements SelectorWaker {
        private final long ident;
        private final long token;
        private final CloseGuard guard = new CloseGuard();

        UserEventWaker(long ident, long token) {
            this.ident = ident;
            this.token = token;
        }

        @Override
        public void wake() throws IOException {
            if (!guard.enter()) {
                throw new ClosedSelectorException();
            }
            try {
                // A single change with no room for receipts: an error comes back as errno. The
                // token goes along because a trigger replaces udata.
                MemorySegment list = changes.get();
                layout.set(list, 0, ident, c.evfiltUser(), (short) 0, c.noteTrigger(), 0, token);
                Check.check("kevent", kqueue.change(kq, list, 1));
            } finally {
                guard.exit();
            }
        }

        @Override
        public void close() throws IOException {
            // Also while the selector closes (it closes its wakers before the queue): libkqueue
            // frees an EVFILT_USER's eventfd at once on EV_DELETE, but a closed queue's only
            // asynchronously, and now and then not at all.
            if (guard.close() && !queueClosed) {
                MemorySegment list = changes.get();
                layout.set(list, 0, ident, c.evfiltUser(), c.evDelete(), 0, 0, 0);
                Check.check("kevent", kqueue.change(kq, list, 1));
            }
        }
    }
}
