package dev.pollux.internal.iocp;

import static dev.pollux.ffi.iocp.Afd.AFD_POLL_ABORT;
import static dev.pollux.ffi.iocp.Afd.AFD_POLL_ACCEPT;
import static dev.pollux.ffi.iocp.Afd.AFD_POLL_CONNECT_FAIL;
import static dev.pollux.ffi.iocp.Afd.AFD_POLL_DISCONNECT;
import static dev.pollux.ffi.iocp.Afd.AFD_POLL_LOCAL_CLOSE;
import static dev.pollux.ffi.iocp.Afd.AFD_POLL_RECEIVE;
import static dev.pollux.ffi.iocp.Afd.AFD_POLL_SEND;
import static dev.pollux.ffi.iocp.NtStatus.STATUS_CANCELLED;
import static dev.pollux.ffi.iocp.NtStatus.STATUS_INVALID_HANDLE;
import static dev.pollux.ffi.iocp.NtStatus.STATUS_NOT_FOUND;
import static dev.pollux.ffi.iocp.NtStatus.STATUS_PENDING;
import static dev.pollux.ffi.iocp.NtStatus.STATUS_SUCCESS;
import static dev.pollux.ffi.iocp.WinLayouts.ENTRY_KEY;
import static dev.pollux.ffi.iocp.WinLayouts.ENTRY_OVERLAPPED;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.pollux.Backend;
import dev.pollux.Interest;
import dev.pollux.OsException;
import dev.pollux.Trigger;
import dev.pollux.ffi.iocp.NtStatus;
import dev.pollux.ffi.iocp.WinError;
import dev.pollux.ffi.iocp.WinLayouts;
import dev.pollux.internal.EventFormat;
import dev.pollux.internal.Readiness;
import dev.pollux.internal.Selector;
import dev.pollux.internal.SelectorWaker;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Windows backend: one I/O completion port, and readiness learned by AFD poll requests
 * (IOCTL_AFD_POLL on {@code \Device\Afd} helper handles), the design of mio's {@code sys/windows}
 * and of wepoll. Sockets only.
 *
 * <p>Each registered socket has a {@link SockState} with its base socket (SIO_BASE_HANDLE) and
 * one poll request at a time in the kernel. A completion reports the socket's events once and
 * removes them from what is watched: edge triggering is emulated by watching an event again only
 * after an I/O call on the socket returned would-block ({@link #wouldBlock}, called by
 * {@code IoSource}), as mio does. Interest changes are queued and submitted just before the wait
 * (or at once while another thread waits); a request that watches too little is cancelled and
 * resubmitted when its cancelled completion arrives. Deregistering cancels the request; the
 * state and its native memory live until that completion has been dequeued (by {@link #select}
 * or, at the latest, by {@link #close}), because the kernel writes into them until then.
 *
 * <p>Level-triggered and oneshot registrations, PRIORITY, and descriptors that are not sockets
 * are refused with {@link UnsupportedOperationException}. Every kernel call goes through an
 * {@link IocpDriver}; on Linux the selector runs only over a simulated one, in tests.
 *
 * <p>Threading: one lock guards all state; the polling thread releases it while it waits in
 * GetQueuedCompletionStatusEx, so registrations and would-block re-arms from other threads
 * proceed meanwhile (and submit at once, since the waiting thread cannot).
 */
public final class IocpSelector extends Selector {
    /** dwNumberOfBytesTransferred of a packet posted by a waker (its key is the waker's token). */
    static final int WAKE_PACKET = 1;
    /** dwNumberOfBytesTransferred of the packet {@link #implInterrupt} posts. */
    static final int INTERRUPT_PACKET = 2;
    /** The events a poll request can watch for a caller. */
    private static final int KNOWN_EVENTS = AFD_POLL_RECEIVE | dev.pollux.ffi.iocp.Afd.AFD_POLL_RECEIVE_EXPEDITED
            | AFD_POLL_SEND | AFD_POLL_DISCONNECT | AFD_POLL_ABORT | AFD_POLL_LOCAL_CLOSE | AFD_POLL_ACCEPT
            | AFD_POLL_CONNECT_FAIL;
    private static final int READABLE_EVENTS = AFD_POLL_RECEIVE | AFD_POLL_DISCONNECT | AFD_POLL_ACCEPT
            | AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL;
    private static final int WRITABLE_EVENTS = AFD_POLL_SEND | AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL;
    /** Always watched, whatever the interest: a failed connect and a reset connection. */
    private static final int ALWAYS = AFD_POLL_CONNECT_FAIL | AFD_POLL_ABORT;
    private static final String PLATFORM = "the iocp backend (Windows, AFD polling)";

    private final IocpDriver driver;
    private final long port;
    private final ReentrantLock lock = new ReentrantLock();
    private final AfdGroup group;
    private final PollSlots slots = new PollSlots();
    /** Registered sockets by socket number. */
    private final LongMap<SockState> bySocket = new LongMap<>();
    /** States with a request in the kernel, by the request's lpOverlapped (the slot address). */
    private final LongMap<SockState> inFlight = new LongMap<>();
    private final ArrayDeque<SockState> updates = new ArrayDeque<>();
    /** A thread is in GetQueuedCompletionStatusEx: updates must be submitted at once. */
    private boolean polling;

    private IocpSelector(IocpDriver driver, long port) {
        this.driver = driver;
        this.port = port;
        this.group = new AfdGroup(driver, port);
    }

    /** Opens a completion port through {@code driver}. */
    public static IocpSelector open(IocpDriver driver) throws IOException {
        return new IocpSelector(driver, driver.createPort());
    }

    /** Opens the Windows selector over the real kernel calls. */
    public static IocpSelector open() throws IOException {
        return open(NativeIocpDriver.open());
    }

    @Override
    public Backend backend() {
        return Backend.IOCP;
    }

    @Override
    public EventFormat eventFormat() {
        return IocpEventFormat.INSTANCE;
    }

    private static void checkSupported(Interest interest, Trigger trigger) {
        if (trigger != Trigger.EDGE) {
            throw new UnsupportedOperationException(trigger.name().toLowerCase(java.util.Locale.ROOT)
                    + " registrations are not supported by " + PLATFORM + ": it emulates edge triggering only");
        }
        if (interest.isPriority()) {
            throw new UnsupportedOperationException("PRIORITY is not supported by " + PLATFORM);
        }
    }

    static int afdEvents(Interest interest) {
        int e = 0;
        if (interest.isReadable()) {
            e |= READABLE_EVENTS;
        }
        if (interest.isWritable()) {
            e |= WRITABLE_EVENTS;
        }
        return e | ALWAYS;
    }

    /** mio's mapping of AFD events to readiness. */
    static int readiness(int afd) {
        int r = 0;
        if ((afd & READABLE_EVENTS) != 0) {
            r |= Readiness.READABLE;
        }
        if ((afd & WRITABLE_EVENTS) != 0) {
            r |= Readiness.WRITABLE;
        }
        if ((afd & AFD_POLL_CONNECT_FAIL) != 0) {
            r |= Readiness.ERROR;
        }
        if ((afd & (AFD_POLL_DISCONNECT | AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL)) != 0) {
            r |= Readiness.READ_CLOSED;
        }
        if ((afd & (AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL)) != 0) {
            r |= Readiness.WRITE_CLOSED;
        }
        return r;
    }

    @Override
    protected void implRegister(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        checkSupported(interest, trigger);
        lock.lock();
        try {
            if (bySocket.get(fd) != null) {
                throw new OsException("register", WinError.ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS");
            }
            long base = baseSocket(fd);
            AfdGroup.Afd afd = group.acquire();
            SockState s = new SockState(fd, base, afd, slots.acquire());
            s.token = token;
            s.interest = interest;
            s.userEvents = afdEvents(interest);
            bySocket.put(fd, s);
            if (!polling) {
                queue(s);
                return;
            }
            try {
                update(s);
            } catch (IOException e) {
                // Not registered after all: no half-registered socket left for the next select.
                bySocket.remove(fd);
                s.deletePending = true;
                try {
                    free(s);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    private long baseSocket(int fd) throws IOException {
        try {
            return driver.baseSocket(fd);
        } catch (OsException e) {
            if (e.code() == WinError.WSAENOTSOCK) {
                throw new UnsupportedOperationException(
                        "descriptor " + fd + " is not a socket: " + PLATFORM + " polls sockets only", e);
            }
            throw e;
        }
    }

    @Override
    protected void implReregister(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        checkSupported(interest, trigger);
        lock.lock();
        try {
            SockState s = registered(fd, "reregister");
            s.token = token;
            s.interest = interest;
            s.userEvents = afdEvents(interest);
            submitOrQueue(s);
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void implDeregister(int fd) throws IOException {
        lock.lock();
        try {
            SockState s = registered(fd, "deregister");
            bySocket.remove(fd);
            delete(s);
        } finally {
            lock.unlock();
        }
    }

    private SockState registered(int fd, String call) throws OsException {
        SockState s = bySocket.get(fd);
        if (s == null) {
            throw new OsException(call, WinError.ERROR_NOT_FOUND, "ERROR_NOT_FOUND");
        }
        return s;
    }

    /**
     * The socket returned would-block: watch all its interests again (mio re-registers the same
     * way). Allocation-free; errors resurface from the next {@link #select}, which retries.
     */
    @Override
    public void wouldBlock(int fd, long token, Interest direction) {
        lock.lock();
        try {
            SockState s = bySocket.get(fd);
            if (s == null || s.deletePending) {
                return;
            }
            int wanted = afdEvents(s.interest);
            if ((s.userEvents & wanted) == wanted) {
                return; // nothing was reported since: the request in the kernel (or queued) covers it
            }
            s.userEvents |= wanted;
            submitOrQueue(s);
        } catch (IOException e) {
            // Left in the update queue: select submits it again and throws if it fails again.
        } finally {
            lock.unlock();
        }
    }

    private void queue(SockState s) {
        if (!s.queued) {
            s.queued = true;
            updates.add(s);
        }
    }

    /**
     * Submits {@code s}'s update at once while another thread waits (it cannot), else queues it
     * for the next select. Only {@code s}'s: another socket's failure is not this caller's. A
     * failed update is queued, so the next select retries it.
     */
    private void submitOrQueue(SockState s) throws IOException {
        if (!polling) {
            queue(s);
            return;
        }
        try {
            update(s);
        } catch (IOException e) {
            queue(s);
            throw e;
        }
    }

    /** Submits (or cancels, to resubmit) the queued states' requests; failed ones stay queued. */
    private void flushUpdates() throws IOException {
        IOException failure = null;
        for (int n = updates.size(); n > 0; n--) {
            SockState s = updates.poll();
            s.queued = false;
            if (s.deletePending) {
                continue;
            }
            try {
                update(s);
            } catch (IOException e) {
                queue(s);
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void update(SockState s) throws IOException {
        switch (s.poll) {
            case PENDING -> {
                if ((s.userEvents & KNOWN_EVENTS & ~s.pendingEvents) != 0) {
                    // The request watches too little: cancel it; its completion resubmits.
                    cancel(s);
                }
                // Otherwise it watches enough; if it completes for an event no longer wanted,
                // the completion resubmits with the current events.
            }
            case CANCELLED -> { } // its completion is on the way and resubmits
            case IDLE -> submit(s);
        }
    }

    private void submit(SockState s) throws IOException {
        MemorySegment slot = s.slot;
        slot.set(JAVA_LONG, PollSlots.INFO + WinLayouts.POLL_TIMEOUT, Long.MAX_VALUE);
        slot.set(JAVA_INT, PollSlots.INFO + WinLayouts.POLL_NUMBER_OF_HANDLES, 1);
        slot.set(JAVA_INT, PollSlots.INFO + WinLayouts.POLL_EXCLUSIVE, 0);
        slot.set(JAVA_LONG, PollSlots.INFO + WinLayouts.POLL_HANDLE, s.base);
        slot.set(JAVA_INT, PollSlots.INFO + WinLayouts.POLL_EVENTS, s.userEvents | AFD_POLL_LOCAL_CLOSE);
        slot.set(JAVA_INT, PollSlots.INFO + WinLayouts.POLL_STATUS, 0);
        slot.set(JAVA_INT, PollSlots.IOSB + WinLayouts.IOSB_STATUS, STATUS_PENDING);
        slot.set(JAVA_LONG, PollSlots.IOSB + WinLayouts.IOSB_INFORMATION, 0L);
        // In the map before the call: the completion may be dequeued by the polling thread as
        // soon as the request is in the kernel (it waits for this lock before looking it up).
        inFlight.put(s.key, s);
        int status = driver.poll(s.afd.handle, s.iosb, s.info);
        if (status == STATUS_PENDING || status == STATUS_SUCCESS) {
            s.poll = SockState.Poll.PENDING;
            s.pendingEvents = s.userEvents;
            return;
        }
        inFlight.remove(s.key);
        if (status == STATUS_INVALID_HANDLE) {
            // The socket was closed without being deregistered: forget it, as mio does.
            bySocket.remove(s.fd);
            s.deletePending = true;
            free(s);
            return;
        }
        throw new OsException("IOCTL_AFD_POLL", status, NtStatus.name(status));
    }

    private void cancel(SockState s) throws IOException {
        // A request whose status is no longer pending has completed: its completion is queued.
        if (s.slot.get(JAVA_INT, PollSlots.IOSB + WinLayouts.IOSB_STATUS) == STATUS_PENDING) {
            int status = driver.cancel(s.afd.handle, s.iosb);
            if (status != STATUS_SUCCESS && status != STATUS_NOT_FOUND) {
                throw new OsException("NtCancelIoFileEx", status, NtStatus.name(status));
            }
        }
        s.poll = SockState.Poll.CANCELLED;
        s.pendingEvents = 0;
    }

    /** Stops watching {@code s}; frees it now if no request is in the kernel, else at its completion. */
    private void delete(SockState s) throws IOException {
        if (s.deletePending) {
            return;
        }
        s.deletePending = true;
        switch (s.poll) {
            case IDLE -> free(s);
            case PENDING -> cancel(s);
            case CANCELLED -> { }
        }
    }

    private void free(SockState s) throws IOException {
        slots.release(s.slot);
        group.release(s.afd);
    }

    @Override
    protected int implSelect(MemorySegment buffer, int capacity, long timeoutNanos) throws IOException {
        int millis = toMillis(timeoutNanos);
        while (true) {
            lock.lock();
            try {
                flushUpdates();
                polling = true;
            } finally {
                lock.unlock();
            }
            int n;
            try {
                n = driver.dequeue(port, buffer, capacity, millis);
            } finally {
                lock.lock();
                polling = false;
                lock.unlock();
            }
            int events = 0;
            boolean interrupted = false;
            // A completion whose processing fails (CloseHandle of a released AFD handle) must not
            // strand the ones dequeued after it: they are out of the port and only here.
            IOException failure = null;
            lock.lock();
            try {
                for (int i = 0; i < n; i++) {
                    long at = i * IocpEventFormat.SIZE;
                    long key = buffer.get(JAVA_LONG, at + ENTRY_KEY);
                    long overlapped = buffer.get(JAVA_LONG, at + ENTRY_OVERLAPPED);
                    int bytes = buffer.get(JAVA_INT, at + WinLayouts.ENTRY_BYTES);
                    if (overlapped == 0) {
                        if (bytes == INTERRUPT_PACKET) {
                            interrupted = true;
                        } else {
                            IocpEventFormat.write(buffer, events++, key, Readiness.READABLE);
                        }
                        continue;
                    }
                    SockState s = inFlight.remove(overlapped);
                    if (s == null) {
                        continue; // not a request of this selector's (never expected): nothing to report
                    }
                    try {
                        int readiness = feed(s);
                        if (readiness != 0) {
                            IocpEventFormat.write(buffer, events++, s.token, readiness);
                        }
                    } catch (IOException e) {
                        if (failure == null) {
                            failure = e;
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            if (failure != null) {
                throw failure;
            }
            // An infinite wait that dequeued only cancellations waits again, as mio's does.
            if (events > 0 || interrupted || millis >= 0) {
                return events;
            }
        }
    }

    /** One completion of {@code s}'s request: the readiness to report, or 0. */
    private int feed(SockState s) throws IOException {
        s.poll = SockState.Poll.IDLE;
        s.pendingEvents = 0;
        if (s.deletePending) {
            free(s);
            return 0;
        }
        MemorySegment slot = s.slot;
        int status = slot.get(JAVA_INT, PollSlots.IOSB + WinLayouts.IOSB_STATUS);
        int afd = 0;
        if (status == STATUS_CANCELLED) {
            // cancelled to resubmit with other events
        } else if (status < 0) {
            afd = AFD_POLL_CONNECT_FAIL; // the request itself failed: report an error, as mio does
        } else if (slot.get(JAVA_INT, PollSlots.INFO + WinLayouts.POLL_NUMBER_OF_HANDLES) < 1) {
            // completed without events for the socket
        } else {
            int reported = slot.get(JAVA_INT, PollSlots.INFO + WinLayouts.POLL_EVENTS);
            if ((reported & AFD_POLL_LOCAL_CLOSE) != 0) {
                // Closed without being deregistered: forget it.
                if (bySocket.get(s.fd) == s) {
                    bySocket.remove(s.fd);
                }
                s.deletePending = true;
                free(s);
                return 0;
            }
            afd = reported;
        }
        queue(s); // watch again what is still wanted
        afd &= s.userEvents;
        if (afd == 0) {
            return 0;
        }
        s.userEvents &= ~afd; // reported once, until an I/O call says would-block
        return readiness(afd);
    }

    /** Rounds up, so that a short timeout never becomes a busy zero-timeout poll. */
    private static int toMillis(long timeoutNanos) {
        if (timeoutNanos < 0) {
            return -1;
        }
        long millis = timeoutNanos / 1_000_000L + (timeoutNanos % 1_000_000L == 0 ? 0 : 1);
        return (int) Math.min(millis, Integer.MAX_VALUE - 1); // INFINITE is 0xFFFFFFFF
    }

    @Override
    protected SelectorWaker implOpenWaker(long token) {
        return new IocpWaker(driver, port, token);
    }

    /** Makes a blocked {@link #select} return (with no event for it), for {@code close()}. */
    @Override
    protected void implInterrupt() throws IOException {
        driver.post(port, INTERRUPT_PACKET, 0L);
    }

    /**
     * Cancels every request, waits (up to about 5 s) for their completions so their memory is
     * no longer the kernel's, then closes the AFD handles and the port. If a completion never
     * comes, the requests' memory is left allocated rather than freed under the kernel.
     */
    @Override
    protected void implClose() throws IOException {
        lock.lock();
        // Every step runs whatever failed before it (the first failure is thrown at the end):
        // a failed CloseHandle must not leave the other handles or the port open.
        IOException failure = null;
        try {
            List<SockState> all = new ArrayList<>(bySocket.size());
            bySocket.forEach(all::add);
            bySocket.clear();
            for (SockState s : all) {
                try {
                    delete(s);
                } catch (IOException e) {
                    failure = first(failure, e);
                }
            }
            updates.clear();
            if (!inFlight.isEmpty()) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment entries = arena.allocate(WinLayouts.OVERLAPPED_ENTRY, 64);
                    for (int round = 0; round < 50 && !inFlight.isEmpty(); round++) {
                        int n;
                        try {
                            n = driver.dequeue(port, entries, 64, 100);
                        } catch (IOException e) {
                            failure = first(failure, e);
                            break;
                        }
                        for (int i = 0; i < n; i++) {
                            long overlapped = entries.get(JAVA_LONG, i * IocpEventFormat.SIZE + ENTRY_OVERLAPPED);
                            SockState s = overlapped == 0 ? null : inFlight.remove(overlapped);
                            if (s != null) {
                                try {
                                    free(s);
                                } catch (IOException e) {
                                    failure = first(failure, e);
                                }
                            }
                        }
                    }
                }
            }
            try {
                group.closeAll();
            } catch (IOException e) {
                failure = first(failure, e);
            }
            try {
                driver.closeHandle(port);
            } catch (IOException e) {
                failure = first(failure, e);
            }
            if (inFlight.isEmpty()) {
                slots.close();
            }
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static IOException first(IOException failure, IOException e) {
        return failure == null ? e : failure;
    }

    /** Native poll slots still held (registered sockets plus requests awaiting completion). */
    int slotsInUse() {
        lock.lock();
        try {
            return slots.inUse();
        } finally {
            lock.unlock();
        }
    }

    /** Open AFD helper handles. */
    int afdHandles() {
        lock.lock();
        try {
            return group.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "IocpSelector[port=" + port + (isClosed() ? ", closed]" : "]");
    }
}
