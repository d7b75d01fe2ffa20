package dev.pollux.internal;

import dev.pollux.Backend;
import dev.pollux.Interest;
import dev.pollux.Trigger;
import dev.pollux.internal.jfr.JfrSupport;
import dev.pollux.internal.jfr.PollEvent;
import dev.pollux.internal.jfr.RegistrationEvent;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedSelectorException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One OS event queue (an epoll, kqueue or IOCP instance) and the registrations on it; the engine
 * behind a {@code Poll} and its {@code Registry}.
 *
 * <p>This base class owns the lifecycle: registration calls may come from any thread, also while
 * one thread waits in {@link #select}; a second concurrent {@code select} fails; every call after
 * {@link #close()} fails with {@link ClosedSelectorException}; closing waits for in-flight
 * registration calls so the queue's descriptor is never used after it was released, and closes
 * the wakers created on this selector. Subclasses implement the {@code impl*} methods, which are
 * only called inside that protocol.
 *
 * <p>Closing under a select: {@link #close()} from another thread while a select runs (blocked,
 * or about to block) marks the selector closed, makes the select return through
 * {@link #implInterrupt()}, waits until it has left the wait call, and only then releases the
 * queue, so the queue's descriptor is never closed while a thread may still be inside
 * {@code epoll_wait} or {@code kevent} (where a reused descriptor number would be waited on).
 * That select then throws {@link ClosedSelectorException} instead of returning: whatever it
 * collected belongs to a queue that no longer exists, and on epoll the interrupt's own event
 * could not be told from a user's token. A select starting after the close began fails the same
 * way without waiting.
 */
public abstract class Selector {
    private final CloseGuard guard = new CloseGuard();
    private final Set<SelectorWaker> wakers = ConcurrentHashMap.newKeySet();

    /** Which backend this is. */
    public abstract Backend backend();

    /** The layout of the events {@link #select} writes. */
    public abstract EventFormat eventFormat();

    /**
     * Waits for events and writes up to {@code capacity} of them into {@code buffer}, in
     * {@link #eventFormat()}.
     *
     * @param timeoutNanos negative to wait forever, 0 not to block
     * @return the number of events; 0 also when a signal interrupted the wait
     * @throws IllegalStateException if another thread is in {@code select}
     * @throws ClosedSelectorException if the selector is closed, also when {@link #close()} was
     *     called from another thread while this select ran (its events are then discarded)
     */
    public final int select(MemorySegment buffer, int capacity, long timeoutNanos) throws IOException {
        switch (guard.enterExclusive()) {
            case CLOSED -> throw new ClosedSelectorException();
            case BUSY -> throw new IllegalStateException("another thread is already polling this Poll");
            case ENTERED -> { }
        }
        int n;
        try {
            n = JfrSupport.pollEnabled()
                    ? recordedSelect(buffer, capacity, timeoutNanos)
                    : implSelect(buffer, capacity, timeoutNanos);
        } finally {
            // Read before leaving: once the exclusive call has ended, a waiting close() may run.
            if (guard.isClosed()) {
                guard.exitExclusive();
                throw new ClosedSelectorException(); // replaces a failure of the interrupted wait too
            }
            guard.exitExclusive();
        }
        return n;
    }

    /** {@link #implSelect} inside a JFR poll event; only while a recording asks for it. */
    private int recordedSelect(MemorySegment buffer, int capacity, long timeoutNanos) throws IOException {
        PollEvent event = new PollEvent();
        event.begin();
        int n = implSelect(buffer, capacity, timeoutNanos);
        event.end();
        if (event.shouldCommit()) {
            event.backend = backend().name();
            event.events = n;
            event.capacity = capacity;
            event.timeout = timeoutNanos;
            event.commit();
        }
        return n;
    }

    private void recordRegistration(String operation, int fd, long token, Interest interest, Trigger trigger) {
        RegistrationEvent event = new RegistrationEvent();
        if (event.shouldCommit()) {
            event.operation = operation;
            event.backend = backend().name();
            event.fd = fd;
            event.token = token;
            event.interest = interest == null ? null : interest.toString();
            event.trigger = trigger == null ? null : trigger.name();
            event.commit();
        }
    }

    /**
     * Registers {@code fd}; the OS's error (such as EEXIST or EBADF) is thrown as is. When this
     * returns the registration is in effect: the next select (or one waiting now) reports the
     * descriptor's readiness from then on. On epoll and kqueue the OS queue holds it, as with
     * {@code epoll_ctl}; io_uring queues it for the polling thread to submit.
     */
    public final void register(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        enter();
        try {
            implRegister(fd, token, interest, trigger);
            if (JfrSupport.registrationEnabled()) {
                recordRegistration("register", fd, token, interest, trigger);
            }
        } finally {
            guard.exit();
        }
    }

    /**
     * Registers a descriptor whose owner keeps it open until it calls {@link #release(int)} (Pollux's
     * own sources): a backend that batches changes may hand this one, and a later
     * {@link #deregisterOwned}, to the kernel with its next wait instead of at once. EEXIST is still
     * thrown here; a failure only the kernel can see (which an open descriptor does not cause) then
     * arrives as an error event for {@code token}.
     */
    public final void registerOwned(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        // The same steps as register, not a shared helper: with one call level more, epoll's
        // register + deregister allocated 40 B (JMH -prof gc, RegistrationChurn), an object
        // escape analysis removes at this depth no longer being removed.
        enter();
        try {
            implRegisterOwned(fd, token, interest, trigger);
            if (JfrSupport.registrationEnabled()) {
                recordRegistration("register", fd, token, interest, trigger);
            }
        } finally {
            guard.exit();
        }
    }

    /** Changes the registration of {@code fd}; ENOENT if it is not registered. */
    public final void reregister(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        enter();
        try {
            implReregister(fd, token, interest, trigger);
            if (JfrSupport.registrationEnabled()) {
                recordRegistration("reregister", fd, token, interest, trigger);
            }
        } finally {
            guard.exit();
        }
    }

    /**
     * Removes the registration of {@code fd}; ENOENT if it is not registered. When this returns
     * no event reaches its token, and the caller may close the descriptor: the OS queue holds no
     * reference to its file (io_uring, called on a thread other than the polling thread: it drops
     * the file when the polling thread next polls, which a waiting poll does at once).
     */
    public final void deregister(int fd) throws IOException {
        enter();
        try {
            implDeregister(fd);
            if (JfrSupport.registrationEnabled()) {
                recordRegistration("deregister", fd, 0, null, null);
            }
        } finally {
            guard.exit();
        }
    }

    /**
     * Removes the registration of a descriptor registered with {@link #registerOwned}: no event
     * for it is reported after this returns, but the kernel may keep its reference to the file
     * until the next wait or until {@link #release(int)}, which the owner calls before closing it.
     */
    public final void deregisterOwned(int fd) throws IOException {
        enter(); // as registerOwned: not through a shared helper
        try {
            implDeregisterOwned(fd);
            if (JfrSupport.registrationEnabled()) {
                recordRegistration("deregister", fd, 0, null, null);
            }
        } finally {
            guard.exit();
        }
    }

    /**
     * The owner of {@code fd} is about to close it: hands the kernel any deferred
     * {@link #deregisterOwned} still holding the file, so that closing the descriptor closes the
     * file (a socket sends its FIN, a listener frees its port). Does nothing on a closed selector,
     * whose queue holds no file any more, nor on backends that apply every change at once.
     */
    public final void release(int fd) throws IOException {
        if (!guard.enter()) {
            return;
        }
        try {
            implRelease(fd);
        } finally {
            guard.exit();
        }
    }

    /** Creates a waker that makes {@link #select} report {@code token}; closed with this selector. */
    public final SelectorWaker openWaker(long token) throws IOException {
        enter();
        try {
            SelectorWaker waker = implOpenWaker(token);
            wakers.add(waker);
            return waker;
        } finally {
            guard.exit();
        }
    }

    /**
     * Closes a waker created by {@link #openWaker} before this selector closes. Inside the
     * selector's guard, because a waker's close may use the queue's descriptor (kqueue deletes its
     * EVFILT_USER event): a concurrent {@link #close()} waits for it, or, if it came first, closes
     * the waker itself.
     */
    public final void closeWaker(SelectorWaker waker) throws IOException {
        if (!guard.enter()) {
            return; // closed or closing: close() closes every waker still in the set
        }
        try {
            if (wakers.remove(waker)) {
                waker.close();
            }
        } finally {
            guard.exit();
        }
    }

    /**
     * Called after an I/O call on a registered source returned would-block. epoll and kqueue
     * keep watching on their own; a completion-based backend (IOCP with AFD polling) re-arms its
     * poll request here, as mio's {@code IoSource::do_io} does.
     */
    public void wouldBlock(int fd, long token, Interest direction) {}

    /**
     * The error (errno) an event reported for {@code fd} that the OS no longer holds, or 0; taken
     * once. On kqueue over libkqueue the library reads a socket's {@code SO_ERROR} to build the
     * event, which clears it: the selector keeps it from the event, so that {@code takeError()}
     * and the next read or write still see it. Kept while {@code fd} stays registered here. 0 on
     * backends whose events leave the socket's error in place.
     */
    public int takeReportedError(int fd) {
        return 0;
    }

    /** Whether {@link #close()} has run. */
    public final boolean isClosed() {
        return guard.isClosed();
    }

    /**
     * Closes the wakers created on this selector and then the queue itself; later calls fail with
     * {@link ClosedSelectorException}. Idempotent. From another thread while a select runs: makes
     * it return (it throws {@link ClosedSelectorException}) and waits until it has left the wait
     * call before releasing anything.
     */
    public final void close() throws IOException {
        switch (guard.closeUnderExclusive()) {
            case CLOSED_ALREADY -> {
                return;
            }
            case CLOSED_WHILE_EXCLUSIVE -> {
                // If the interrupt fails (it cannot on a healthy system), the selector stays open
                // rather than closing a queue that a thread may still be waiting on.
                implInterrupt();
                guard.awaitExclusiveExit();
            }
            case CLOSED -> { }
        }
        IOException failure = null;
        for (SelectorWaker waker : wakers) {
            try {
                waker.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        wakers.clear();
        implClose();
        if (failure != null) {
            throw failure;
        }
    }

    private void enter() {
        if (!guard.enter()) {
            throw new ClosedSelectorException();
        }
    }

    protected abstract int implSelect(MemorySegment buffer, int capacity, long timeoutNanos) throws IOException;

    protected abstract void implRegister(int fd, long token, Interest interest, Trigger trigger) throws IOException;

    protected abstract void implReregister(int fd, long token, Interest interest, Trigger trigger) throws IOException;

    protected abstract void implDeregister(int fd) throws IOException;

    /** {@link #registerOwned}: by default the same as {@link #implRegister}. */
    protected void implRegisterOwned(int fd, long token, Interest interest, Trigger trigger) throws IOException {
        implRegister(fd, token, interest, trigger);
    }

    /** {@link #deregisterOwned}: by default the same as {@link #implDeregister}. */
    protected void implDeregisterOwned(int fd) throws IOException {
        implDeregister(fd);
    }

    /** {@link #release}: nothing to do unless the backend defers owned deregistrations. */
    protected void implRelease(int fd) throws IOException {}

    protected abstract SelectorWaker implOpenWaker(long token) throws IOException;

    /**
     * Makes a select that is blocked, or about to block, in this selector return promptly.
     * Called by {@link #close()} from another thread, concurrently with {@link #implSelect}, at
     * most once per selector and before {@link #implClose()}. Must not allocate per call beyond
     * what {@code open()} prepared. Whatever event it causes must never be reported as a user's
     * event: the select it ends throws {@link ClosedSelectorException}, and a backend that copies
     * events itself must drop it.
     */
    protected abstract void implInterrupt() throws IOException;

    protected abstract void implClose() throws IOException;
}
