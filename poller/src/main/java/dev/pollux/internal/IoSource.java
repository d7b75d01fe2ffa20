package dev.pollux.internal;

import dev.pollux.Interest;
import dev.pollux.Registry;
import dev.pollux.Trigger;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;

/**
 * A descriptor Pollux owns (a pipe end, a socket), with its registration state and the path every
 * I/O call on it takes: mio's {@code IoSource}.
 *
 * <p>Owns the descriptor: {@link #close()} deregisters it (so no event for its token follows),
 * releases the Poll it was last deregistered from (a backend that batches changes may still hold
 * the file, see {@link Selector#deregisterOwned}) and closes it exactly once, after waiting for I/O calls in flight on other threads, so a call never
 * reaches a descriptor number the OS has given to someone else. Registration is tracked: a second
 * registration, a registration with another Poll while registered, and reregister or deregister
 * while not registered throw {@link IllegalStateException}. Use after close throws
 * {@link ClosedChannelException}. Thread-safe.
 *
 * <p>Every I/O call goes through here so that a would-block result reaches
 * {@link Selector#wouldBlock}, where a completion-based backend re-arms its readiness request.
 */
public final class IoSource {
    /** What the I/O methods return when the call would block. */
    public static final long WOULD_BLOCK = Long.MIN_VALUE;

    private record Registration(Selector selector, long token) {}

    private final int fd;
    private final boolean socket;
    /** An IP datagram socket, where ECONNREFUSED is a port-unreachable reply, not a refused connect. */
    private final boolean ipDatagram;
    private final Os os = Os.current();
    private final CloseGuard guard = new CloseGuard();
    private final Object lock = new Object();
    private volatile Registration registration;
    /**
     * The registration {@link #deregister} ended, kept so that registering again with the same
     * Poll and token (a connection pool, a proxy pausing a peer) allocates nothing. Guarded by lock.
     */
    private Registration retired;
    /** Segments for the buffers {@link ChannelIo} reads into and writes from (see {@link BufferSegments}). */
    private final BufferSegments readSegments = new BufferSegments();
    private final BufferSegments writeSegments = new BufferSegments();

    private IoSource(int fd, boolean socket, boolean ipDatagram) {
        if (fd < 0) {
            throw new IllegalArgumentException("negative file descriptor: " + fd);
        }
        this.fd = fd;
        this.socket = socket;
        this.ipDatagram = ipDatagram;
    }

    /** Takes ownership of a non-blocking descriptor that is not a socket (a pipe end). */
    public static IoSource ofFile(int fd) {
        return new IoSource(fd, false, false);
    }

    /**
     * Takes ownership of a non-blocking IP datagram (UDP) socket: as {@link #ofSocket}, and its
     * errors are mapped with {@link Check#datagramError}.
     */
    public static IoSource ofIpDatagramSocket(int fd) {
        return new IoSource(fd, true, true);
    }

    /**
     * Takes ownership of a non-blocking socket: reads and writes become recv and send (sends never
     * raise SIGPIPE).
     */
    public static IoSource ofSocket(int fd) {
        return new IoSource(fd, true, false);
    }

    /** The descriptor; still owned by this object. */
    public int fd() {
        return fd;
    }

    BufferSegments readSegments() {
        return readSegments;
    }

    BufferSegments writeSegments() {
        return writeSegments;
    }

    public boolean isOpen() {
        return !guard.isClosed();
    }

    public void register(Registry registry, long token, Interest interest, Trigger trigger) throws IOException {
        Selector selector = Registries.selector(registry);
        synchronized (lock) {
            ensureOpen();
            Registration current = live();
            if (current != null) {
                throw new IllegalStateException(current.selector == selector
                        ? "already registered with this Poll: use reregister"
                        : "registered with another Poll: deregister it there first");
            }
            Registration last = retired;
            if (last != null && last.selector != selector) {
                // The other Poll may still hold the file for its deferred deregistration; only
                // the last Poll is released at close.
                last.selector.release(fd);
            }
            selector.registerOwned(fd, token, interest, trigger);
            registration = last != null && last.selector == selector && last.token == token
                    ? last : new Registration(selector, token);
        }
    }

    public void reregister(Registry registry, long token, Interest interest, Trigger trigger) throws IOException {
        Selector selector = Registries.selector(registry);
        synchronized (lock) {
            ensureOpen();
            requireRegisteredWith(selector);
            selector.reregister(fd, token, interest, trigger);
            if (registration.token != token) {
                // Changing only the interest (the common case: WRITABLE on and off) allocates nothing.
                registration = new Registration(selector, token);
            }
        }
    }

    public void deregister(Registry registry) throws IOException {
        Selector selector = Registries.selector(registry);
        synchronized (lock) {
            ensureOpen();
            requireRegisteredWith(selector);
            selector.deregisterOwned(fd);
            retired = registration;
            registration = null;
        }
    }

    /** The registration, unless its Poll has been closed since (which ended it). */
    private Registration live() {
        Registration r = registration;
        return r == null || r.selector.isClosed() ? null : r;
    }

    private void requireRegisteredWith(Selector selector) {
        if (selector.isClosed()) {
            throw new ClosedSelectorException();
        }
        Registration current = live();
        if (current == null) {
            throw new IllegalStateException("not registered");
        }
        if (current.selector != selector) {
            throw new IllegalStateException("registered with another Poll");
        }
    }

    /** @throws ClosedChannelException if this source has been closed */
    public void ensureOpen() throws ClosedChannelException {
        if (guard.isClosed()) {
            throw new ClosedChannelException();
        }
    }

    /** {@code read} ({@code recv} on a socket): bytes read (0 at end of stream), or {@link #WOULD_BLOCK}. */
    public long read(MemorySegment buffer, long length) throws IOException {
        begin();
        long r;
        try {
            r = socket ? os.receive(fd, buffer, length, false) : os.read(fd, buffer, length);
        } finally {
            guard.exit();
        }
        return complete("read", r, Interest.READABLE);
    }

    /** {@code write} ({@code send} on a socket): bytes written, or {@link #WOULD_BLOCK}. */
    public long write(MemorySegment buffer, long length) throws IOException {
        begin();
        long r;
        try {
            r = socket ? os.send(fd, buffer, length) : os.write(fd, buffer, length);
        } finally {
            guard.exit();
        }
        return complete("write", r, Interest.WRITABLE);
    }

    /** {@code readv} into direct buffers: bytes read (0 at end of stream), or {@link #WOULD_BLOCK}. */
    public long readv(ByteBuffer[] buffers, int offset, int length) throws IOException {
        begin();
        long r;
        try {
            r = socket ? os.receiveVectored(fd, buffers, offset, length) : os.readv(fd, buffers, offset, length);
        } finally {
            guard.exit();
        }
        return complete("readv", r, Interest.READABLE);
    }

    /** {@code writev} from direct buffers: bytes written, or {@link #WOULD_BLOCK}. */
    public long writev(ByteBuffer[] buffers, int offset, int length) throws IOException {
        begin();
        long r;
        try {
            r = socket ? os.sendVectored(fd, buffers, offset, length) : os.writev(fd, buffers, offset, length);
        } finally {
            guard.exit();
        }
        return complete("writev", r, Interest.WRITABLE);
    }

    /**
     * Starts a system call on the descriptor, for operations this class has no method for
     * (accept, connect, sendto...): pair with {@link #end()} in a finally block, then pass the
     * result to {@link #complete}.
     *
     * @throws ClosedChannelException if the source is closed
     */
    public void begin() throws ClosedChannelException {
        if (!guard.enter()) {
            throw new ClosedChannelException();
        }
    }

    /** Ends a call started with {@link #begin()}. */
    public void end() {
        guard.exit();
    }

    /**
     * The result of a call on the descriptor: non-negative results pass through, would-block
     * becomes {@link #WOULD_BLOCK} (after telling the selector, see {@link Selector#wouldBlock}),
     * anything else is thrown as the exception {@link #error} gives for {@code call}.
     */
    public long complete(String call, long result, Interest direction) throws IOException {
        if (result >= 0) {
            if (result == 0 && socket && direction == Interest.READABLE) {
                // End of stream, or a connection whose error the Poll's queue consumed (a
                // refused connect on libkqueue reads as end of stream): report the error.
                int reported = takeReportedError();
                if (reported != 0) {
                    throw error(call, reported);
                }
            }
            return result;
        }
        if (result == -os.eagain()) {
            Registration r = registration;
            if (r != null) {
                if (socket) {
                    // A connected UDP socket whose ICMP error libkqueue consumed has nothing to
                    // read: the error comes now, as the read would have returned it on epoll.
                    int reported = r.selector.takeReportedError(fd);
                    if (reported != 0) {
                        throw error(call, reported);
                    }
                }
                r.selector.wouldBlock(fd, r.token, direction);
            }
            return WOULD_BLOCK;
        }
        // The error an event reported first is the cause (ECONNREFUSED where the call itself
        // says EPIPE or ENOTCONN once libkqueue has cleared it).
        int reported = socket ? takeReportedError() : 0;
        throw error(call, reported != 0 ? reported : (int) -result);
    }

    /**
     * The exception for {@code errno} from {@code call} on this descriptor: on a socket the
     * {@code java.net} type for it ({@link Check#socketError}, or {@link Check#datagramError} on
     * an IP datagram socket), else the {@link dev.pollux.OsException}.
     */
    public IOException error(String call, int errno) {
        if (!socket) {
            return Check.error(call, errno);
        }
        return ipDatagram ? Check.datagramError(call, errno) : Check.socketError(call, errno);
    }

    /**
     * The socket error an event reported for this descriptor that the OS no longer holds, taken
     * once (see {@link Selector#takeReportedError}); 0 when there is none or it is not registered.
     */
    public int takeReportedError() {
        Registration r = registration;
        return r == null ? 0 : r.selector.takeReportedError(fd);
    }

    /**
     * Deregisters (if registered) and closes the descriptor, once. Idempotent. Waits for I/O calls
     * in flight on other threads (they never block).
     */
    public void close() throws IOException {
        if (!guard.close()) {
            return;
        }
        synchronized (lock) {
            Registration r = live();
            if (r != null) {
                try {
                    r.selector.deregister(fd);
                } catch (IOException | ClosedSelectorException e) {
                    // The Poll closed meanwhile or refused: closing the descriptor below removes
                    // it from the OS queue all the same.
                }
            } else if (retired != null) {
                try {
                    retired.selector.release(fd);
                } catch (IOException e) {
                    // Closing the descriptor still works; only the file may outlive it until
                    // that Poll's next wait.
                }
            }
            registration = null;
        }
        Check.check("close", os.close(fd));
    }

    @Override
    public String toString() {
        return "fd=" + fd + (isOpen() ? "" : " (closed)");
    }
}
