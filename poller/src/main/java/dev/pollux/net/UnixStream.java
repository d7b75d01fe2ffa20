package dev.pollux.net;

import dev.pollux.Interest;
import dev.pollux.internal.IoSource;
import dev.pollux.internal.Os;
import dev.pollux.internal.SocketAddresses;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * A non-blocking Unix domain stream socket: mio's {@code UnixStream}, with NIO's channel
 * conventions. Made by {@link #connect}, by {@link #pair()} or by {@link UnixListener#accept()}.
 *
 * <p>{@link #connect} does not block. On Linux a Unix connect completes (or fails) at once; on
 * other systems it may still be in progress: register for {@link Interest#WRITABLE} and check
 * {@link #takeError()} on the event, as for {@link TcpStream}. Connecting to a listener whose
 * backlog is full fails with {@link dev.pollux.OsException} EAGAIN (Linux does not queue the
 * attempt); to a name nobody listens on with {@link java.net.ConnectException}; to a pathname
 * that does not exist with {@code OsException} ENOENT.
 *
 * <p>I/O: {@code read} returns -1 at end of stream and 0 when it would block; {@code write}
 * returns 0 when it would block; heap and direct buffers and {@link MemorySegment}s work without
 * an intermediate copy; scattering and gathering calls use one {@code recvmsg}/{@code sendmsg}
 * when every buffer is direct. Sends never raise SIGPIPE: writing after the peer closed, or after
 * {@link #shutdownOutput()}, fails with {@code OsException} EPIPE (or ECONNRESET).
 *
 * <p>Ownership: the stream owns its descriptor; {@link #close()} deregisters and closes it.
 * Thread-safe; concurrent reads (or writes) interleave at the OS's discretion. Use after close
 * throws {@link java.nio.channels.ClosedChannelException}.
 */
public final class UnixStream extends NetStream {
    /**
     * Both ends of a connected pair made by {@link #pair()}; closing the pair closes both.
     * Each end is an ordinary {@link UnixStream}, owned by whoever holds it.
     */
    public record Pair(UnixStream first, UnixStream second) implements AutoCloseable {
        /** Closes both ends (the second even if closing the first fails). */
        @Override
        public void close() throws IOException {
            try {
                first.close();
            } finally {
                second.close();
            }
        }
    }

    UnixStream(IoSource io) {
        super(io, Os.current().afUnix());
    }

    /**
     * Connects to the socket listening on {@code address} without blocking.
     *
     * @throws NullPointerException if {@code address} is null
     * @throws IllegalArgumentException if it is unnamed, or too long for {@code sun_path}
     * @throws java.net.ConnectException if nothing listens there
     * @throws dev.pollux.OsException for the other refusals (ENOENT, EACCES, EAGAIN: see above)
     */
    public static UnixStream connect(UnixAddress address) throws IOException {
        UnixSockets.named(address);
        UnixSockets.encode(address); // an address that does not fit fails before a socket exists
        Os os = Os.current();
        IoSource io = UnixSockets.socket(os.sockStream());
        try {
            int length = UnixSockets.encode(address);
            int r = os.connect(io.fd(), SocketAddresses.scratch(), length);
            if (r < 0 && r != -os.einprogress()) {
                throw UnixSockets.error("connect", -r, address);
            }
            return new UnixStream(io);
        } catch (IOException | RuntimeException e) {
            io.close();
            throw e;
        }
    }

    /** Connects to the pathname {@code path}; see {@link #connect(UnixAddress)}. */
    public static UnixStream connect(Path path) throws IOException {
        return connect(UnixSockets.address(path));
    }

    /** Connects to the pathname of {@code address}; see {@link #connect(UnixAddress)}. */
    public static UnixStream connect(UnixDomainSocketAddress address) throws IOException {
        return connect(UnixSockets.address(address));
    }

    /**
     * A connected pair of unnamed streams ({@code socketpair}): what one end writes the other
     * reads. Both are non-blocking and close-on-exec.
     */
    public static Pair pair() throws IOException {
        IoSource[] ends = UnixSockets.pair(Os.current().sockStream());
        return new Pair(new UnixStream(ends[0]), new UnixStream(ends[1]));
    }

    /**
     * The peer's address: the listener's name for a connected stream, unnamed for a
     * {@link #pair()} end or a peer that never bound.
     *
     * @throws java.nio.channels.NotYetConnectedException if the stream is not connected
     */
    public UnixAddress peerAddress() throws IOException {
        return UnixSockets.peer(io);
    }

    /**
     * The local address: unnamed for a stream made by {@link #connect} or {@link #pair()}; the
     * listener's name for an accepted one.
     */
    public UnixAddress localAddress() throws IOException {
        return UnixSockets.local(io);
    }

    @Override
    public String toString() {
        return "UnixStream[" + io + "]";
    }
}
