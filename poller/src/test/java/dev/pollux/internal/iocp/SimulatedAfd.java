package dev.pollux.internal.iocp;

import static dev.pollux.ffi.iocp.NtStatus.STATUS_CANCELLED;
import static dev.pollux.ffi.iocp.NtStatus.STATUS_INVALID_HANDLE;
import static dev.pollux.ffi.iocp.NtStatus.STATUS_NOT_FOUND;
import static dev.pollux.ffi.iocp.NtStatus.STATUS_PENDING;
import static dev.pollux.ffi.iocp.NtStatus.STATUS_SUCCESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.pollux.OsException;
import dev.pollux.ffi.iocp.Afd;
import dev.pollux.ffi.iocp.WinError;
import dev.pollux.ffi.iocp.WinLayouts;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A simulated AFD driver and completion port, behaving as the rehearsal under wine showed the
 * real ones do: a poll request completes (through the port, with its IO_STATUS_BLOCK as
 * lpOverlapped) when its socket has one of the requested events, immediately (STATUS_SUCCESS) if
 * it already has one; the kernel writes the final status and the events before the completion
 * can be dequeued; NtCancelIoFileEx completes a pending request with STATUS_CANCELLED and
 * returns STATUS_NOT_FOUND for one that is no longer pending; closing a socket completes its
 * requests with AFD_POLL_LOCAL_CLOSE and later requests fail with STATUS_INVALID_HANDLE; closing
 * an AFD handle cancels its requests. Tests may hold completions back and release them in any
 * order, inject foreign ones, or make the next poll fail. Records misuse (a second request on
 * a busy IO_STATUS_BLOCK, calls on closed handles) in {@link #violations}. Thread-safe.
 */
final class SimulatedAfd implements IocpDriver {
    record Completion(long key, long overlapped, int bytes) {}

    private static final class Sock {
        final int fd;
        final long base;
        int ready;
        boolean closed;

        Sock(int fd) {
            this.fd = fd;
            this.base = 0x10000L + fd * 4L;
        }
    }

    private record Request(long afd, MemorySegment iosb, MemorySegment info, Sock sock, int events) {}

    private long nextHandle = 0x100;
    private final Set<Long> ports = new HashSet<>();
    private final Map<Long, Long> afds = new HashMap<>();
    private final Map<Integer, Sock> socks = new HashMap<>();
    private final Map<Long, Sock> byBase = new HashMap<>();
    private final List<Request> pending = new ArrayList<>();
    private final ArrayDeque<Completion> queue = new ArrayDeque<>();
    private final List<Completion> held = new ArrayList<>();
    private boolean holding;
    private int failNextPoll;
    private int failNextClose;
    private final Map<Integer, Integer> failNextPollsOf = new HashMap<>();
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    int polls;
    int cancels;
    int afdOpened;
    volatile int dequeues;

    // ---- the test's side: sockets and the kernel's timing ----

    synchronized void addSocket(int fd) {
        Sock s = new Sock(fd);
        socks.put(fd, s);
        byBase.put(s.base, s);
    }

    synchronized long base(int fd) {
        return socks.get(fd).base;
    }

    /** The socket gains {@code events}: pending requests watching any of them complete. */
    synchronized void setReady(int fd, int events) {
        Sock s = socks.get(fd);
        s.ready |= events;
        for (Iterator<Request> it = pending.iterator(); it.hasNext(); ) {
            Request r = it.next();
            if (r.sock == s && (r.events & s.ready) != 0) {
                it.remove();
                complete(r, STATUS_SUCCESS, r.events & s.ready);
            }
        }
    }

    /** The socket loses {@code events} (it was read or written until would-block). */
    synchronized void clearReady(int fd, int events) {
        socks.get(fd).ready &= ~events;
    }

    /** closesocket without deregistering: pending requests complete with AFD_POLL_LOCAL_CLOSE. */
    synchronized void closeSocket(int fd) {
        Sock s = socks.get(fd);
        s.closed = true;
        for (Iterator<Request> it = pending.iterator(); it.hasNext(); ) {
            Request r = it.next();
            if (r.sock == s) {
                it.remove();
                complete(r, STATUS_SUCCESS, Afd.AFD_POLL_LOCAL_CLOSE);
            }
        }
    }

    /** Completions are kept back from the port until {@link #release}. */
    synchronized void hold() {
        holding = true;
    }

    /** Releases held completions to the port in {@code order} (indexes into the held list). */
    synchronized void release(int... order) {
        List<Completion> copy = new ArrayList<>(held);
        held.clear();
        holding = false;
        if (order.length == 0) {
            queue.addAll(copy);
        } else {
            for (int i : order) {
                queue.add(copy.get(i));
            }
        }
        notifyAll();
    }

    synchronized int held() {
        return held.size();
    }

    /** Puts a completion no request of the selector's made into the port. */
    synchronized void inject(Completion c) {
        queue.add(c);
        notifyAll();
    }

    /** The next {@code n} poll requests fail with STATUS_INVALID_PARAMETER. */
    synchronized void failNextPolls(int n) {
        failNextPoll = n;
    }

    /** The next {@code n} poll requests for socket {@code fd} fail with STATUS_INVALID_PARAMETER. */
    synchronized void failNextPollsOf(int fd, int n) {
        failNextPollsOf.put(fd, n);
    }

    /**
     * The next {@code n} CloseHandle calls report ERROR_INVALID_HANDLE after closing the handle
     * (so the handle counts stay exact).
     */
    synchronized void failNextCloses(int n) {
        failNextClose = n;
    }

    synchronized int pendingRequests() {
        return pending.size();
    }

    /** The events the pending request on {@code fd} watches, or -1 if none is pending. */
    synchronized int pendingEvents(int fd) {
        for (Request r : pending) {
            if (r.sock.fd == fd) {
                return r.events;
            }
        }
        return -1;
    }

    synchronized int openAfdHandles() {
        return afds.size();
    }

    synchronized int openPorts() {
        return ports.size();
    }

    private void complete(Request r, int status, int events) {
        r.info.set(JAVA_INT, WinLayouts.POLL_EVENTS, events);
        r.info.set(JAVA_INT, WinLayouts.POLL_NUMBER_OF_HANDLES, status == STATUS_SUCCESS ? 1 : 0);
        r.iosb.set(JAVA_INT, WinLayouts.IOSB_STATUS, status);
        Completion c = new Completion(0, r.iosb.address(), 0);
        if (holding) {
            held.add(c);
        } else {
            queue.add(c);
            notifyAll();
        }
    }

    private static List<Completion> concat(ArrayDeque<Completion> a, List<Completion> b) {
        List<Completion> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    // ---- the selector's side ----

    @Override
    public synchronized long createPort() {
        long port = nextHandle += 4;
        ports.add(port);
        return port;
    }

    @Override
    public synchronized long openAfd(long port) throws IOException {
        if (!ports.contains(port)) {
            violations.add("openAfd on a closed port");
        }
        long afd = nextHandle += 4;
        afds.put(afd, port);
        afdOpened++;
        return afd;
    }

    @Override
    public synchronized long baseSocket(int socket) throws IOException {
        Sock s = socks.get(socket);
        if (s == null) {
            throw new OsException("WSAIoctl(SIO_BASE_HANDLE)", WinError.WSAENOTSOCK, "WSAENOTSOCK");
        }
        return s.base;
    }

    @Override
    public synchronized int poll(long afd, MemorySegment iosb, MemorySegment pollInfo) {
        polls++;
        if (!afds.containsKey(afd)) {
            violations.add("poll on a closed AFD handle");
            return STATUS_INVALID_HANDLE;
        }
        for (Request r : pending) {
            if (r.iosb.address() == iosb.address()) {
                violations.add("second request on a busy IO_STATUS_BLOCK");
            }
        }
        for (Completion c : concat(queue, held)) {
            if (c.overlapped() == iosb.address()) {
                violations.add("request resubmitted before its completion was dequeued");
            }
        }
        if (iosb.get(JAVA_INT, WinLayouts.IOSB_STATUS) != STATUS_PENDING) {
            violations.add("IO_STATUS_BLOCK not set to STATUS_PENDING before the request");
        }
        if (failNextPoll > 0) {
            failNextPoll--;
            return dev.pollux.ffi.iocp.NtStatus.STATUS_INVALID_PARAMETER;
        }
        Sock s = byBase.get(pollInfo.get(JAVA_LONG, WinLayouts.POLL_HANDLE));
        if (s != null && failNextPollsOf.getOrDefault(s.fd, 0) > 0) {
            failNextPollsOf.merge(s.fd, -1, Integer::sum);
            return dev.pollux.ffi.iocp.NtStatus.STATUS_INVALID_PARAMETER;
        }
        if (s == null || s.closed || pollInfo.get(JAVA_INT, WinLayouts.POLL_NUMBER_OF_HANDLES) != 1) {
            return STATUS_INVALID_HANDLE;
        }
        Request r = new Request(afd, iosb, pollInfo, s, pollInfo.get(JAVA_INT, WinLayouts.POLL_EVENTS));
        if ((r.events & s.ready) != 0) {
            complete(r, STATUS_SUCCESS, r.events & s.ready);
            return STATUS_SUCCESS;
        }
        pending.add(r);
        return STATUS_PENDING;
    }

    @Override
    public synchronized int cancel(long afd, MemorySegment iosb) {
        cancels++;
        for (Iterator<Request> it = pending.iterator(); it.hasNext(); ) {
            Request r = it.next();
            if (r.iosb.address() == iosb.address() && r.afd == afd) {
                it.remove();
                complete(r, STATUS_CANCELLED, 0);
                return STATUS_SUCCESS;
            }
        }
        return STATUS_NOT_FOUND;
    }

    @Override
    public synchronized int dequeue(long port, MemorySegment entries, int capacity, int timeoutMillis)
            throws IOException {
        dequeues++;
        if (!ports.contains(port)) {
            violations.add("dequeue on a closed port");
        }
        // An infinite wait is bounded here so a broken test fails instead of hanging.
        long deadline = System.nanoTime() + (timeoutMillis < 0 ? 20_000 : timeoutMillis) * 1_000_000L;
        while (queue.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (timeoutMillis < 0) {
                    violations.add("infinite wait never woken");
                }
                return 0;
            }
            try {
                wait(Math.max(1, left / 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        int n = 0;
        while (n < capacity && !queue.isEmpty()) {
            Completion c = queue.poll();
            long at = n * WinLayouts.OVERLAPPED_ENTRY.byteSize();
            entries.set(JAVA_LONG, at + WinLayouts.ENTRY_KEY, c.key());
            entries.set(JAVA_LONG, at + WinLayouts.ENTRY_OVERLAPPED, c.overlapped());
            entries.set(JAVA_LONG, at + WinLayouts.ENTRY_INTERNAL, 0L);
            entries.set(JAVA_INT, at + WinLayouts.ENTRY_BYTES, c.bytes());
            n++;
        }
        return n;
    }

    @Override
    public synchronized void post(long port, int bytes, long key) throws IOException {
        if (!ports.contains(port)) {
            throw new OsException("PostQueuedCompletionStatus", WinError.ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE");
        }
        queue.add(new Completion(key, 0, bytes));
        notifyAll();
    }

    @Override
    public synchronized void closeHandle(long handle) throws IOException {
        if (afds.remove(handle) != null) {
            for (Iterator<Request> it = pending.iterator(); it.hasNext(); ) {
                Request r = it.next();
                if (r.afd == handle) {
                    it.remove();
                    complete(r, STATUS_CANCELLED, 0);
                }
            }
        } else if (!ports.remove(handle)) {
            violations.add("CloseHandle of an unknown handle");
            throw new OsException("CloseHandle", WinError.ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE");
        }
        if (failNextClose > 0) {
            failNextClose--;
            throw new OsException("CloseHandle", WinError.ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE");
        }
    }
}
