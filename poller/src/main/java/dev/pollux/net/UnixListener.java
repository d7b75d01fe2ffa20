package dev.pollux.net;

import dev.pollux.Interest;
import dev.pollux.internal.Check;
import dev.pollux.internal.IoSource;
import dev.pollux.internal.Os;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * A non-blocking Unix domain stream listening socket: mio's {@code UnixListener}. Register it for
 * {@link Interest#READABLE}; on each event call {@link #accept()} until it returns {@code null}.
 *
 * <p>Addresses: a filesystem pathname ({@link UnixAddress#of}, a {@link Path} or a
 * {@link UnixDomainSocketAddress}) or a Linux abstract name ({@link UnixAddress#ofAbstract}).
 * Binding a pathname creates the socket file; as in mio and Rust's std, Pollux never removes
 * it: neither before binding (a pathname that exists, even a stale socket file, fails with
 * {@link java.net.BindException} EADDRINUSE; delete it yourself if that is what you want) nor on
 * {@link #close()}. Abstract names vanish when the socket closes.
 *
 * <p>The socket is created non-blocking and close-on-exec in one call; accepted streams are
 * non-blocking and close-on-exec too ({@code accept4}).
 *
 * <p>Ownership: the listener owns its descriptor (not the socket file); {@link #close()}
 * deregisters and closes it. Thread-safe. Use after close throws
 * {@link java.nio.channels.ClosedChannelException}.
 */
public final class UnixListener extends NetSource {
    /** The backlog the {@code bind} methods without one use (the kernel caps it at somaxconn). */
    public static final int DEFAULT_BACKLOG = 1024;

    private UnixListener(IoSource io) {
        super(io, Os.current().afUnix());
    }

    /**
     * Binds to {@code address} and listens, with the default backlog.
     *
     * @throws NullPointerException if {@code address} is null
     * @throws IllegalArgumentException if it is unnamed, or too long for {@code sun_path}
     * @throws java.net.BindException if the name is in use (for a pathname: if the file exists)
     * @throws dev.pollux.OsException if the OS refuses otherwise (a missing directory: ENOENT,
     *     no permission: EACCES)
     */
    public static UnixListener bind(UnixAddress address) throws IOException {
        return bind(address, DEFAULT_BACKLOG);
    }

    /** Binds to the pathname {@code path} and listens; see {@link #bind(UnixAddress)}. */
    public static UnixListener bind(Path path) throws IOException {
        return bind(UnixSockets.address(path), DEFAULT_BACKLOG);
    }

    /** Binds to the pathname of {@code address} and listens; see {@link #bind(UnixAddress)}. */
    public static UnixListener bind(UnixDomainSocketAddress address) throws IOException {
        return bind(UnixSockets.address(address), DEFAULT_BACKLOG);
    }

    /**
     * Binds to {@code address} and listens with {@code backlog} (below 1: the default); see
     * {@link #bind(UnixAddress)}.
     */
    public static UnixListener bind(UnixAddress address, int backlog) throws IOException {
        UnixSockets.named(address);
        UnixSockets.encode(address); // an address that does not fit fails before a socket exists
        Os os = Os.current();
        IoSource io = UnixSockets.socket(os.sockStream());
        try {
            UnixSockets.bind(io, address);
            Check.checkSocket("listen", os.listen(io.fd(), backlog < 1 ? DEFAULT_BACKLOG : backlog));
            return new UnixListener(io);
        } catch (IOException | RuntimeException e) {
            io.close();
            throw e;
        }
    }

    /**
     * Accepts a pending connection: a new non-blocking stream, or {@code null} when none is
     * pending (would block). With edge-triggered registration, call until it returns null. The
     * stream's {@link UnixStream#peerAddress()} is the connecting socket's address (usually
     * unnamed).
     */
    public UnixStream accept() throws IOException {
        int fd = SocketCalls.accept(io);
        return fd < 0 ? null : new UnixStream(IoSource.ofSocket(fd));
    }

    /** The address the listener is bound to. */
    public UnixAddress localAddress() throws IOException {
        return UnixSockets.local(io);
    }

    /**
     * Reads and clears the socket's pending error ({@code SO_ERROR}): {@code null} when there is
     * none, otherwise the exception (not thrown).
     */
    public IOException takeError() throws IOException {
        return SocketCalls.takeError(io, "getsockopt(SO_ERROR)");
    }

    @Override
    public String toString() {
        return "UnixListener[" + io + "]";
    }
}
