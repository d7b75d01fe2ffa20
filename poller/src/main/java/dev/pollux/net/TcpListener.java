package dev.pollux.net;

import dev.pollux.Interest;
import dev.pollux.internal.Check;
import dev.pollux.internal.IoSource;
import dev.pollux.internal.Os;
import dev.pollux.internal.SocketAddresses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.util.Map;
import java.util.Objects;

/**
 * A non-blocking TCP listening socket: mio's {@code TcpListener}. Register it for
 * {@link Interest#READABLE}; on each event call {@link #accept()} until it returns {@code null}.
 *
 * <p>The socket is created non-blocking and close-on-exec in one call, with
 * {@code SO_REUSEADDR} set (so a restarted server can bind at once, as mio does); accepted
 * streams are non-blocking and close-on-exec too ({@code accept4}). An IPv6 address gives an
 * IPv6 socket (dual-stack unless {@link PolluxSocketOptions#IPV6_V6ONLY} is set before binding,
 * see {@link #bind(InetSocketAddress, int, Map)}).
 *
 * <p>Ownership: the listener owns its descriptor; {@link #close()} deregisters and closes it.
 * Thread-safe. Use after close throws {@link java.nio.channels.ClosedChannelException}.
 */
public final class TcpListener extends NetSource {
    /** The backlog {@link #bind(InetSocketAddress)} uses (the kernel caps it at somaxconn). */
    public static final int DEFAULT_BACKLOG = 1024;

    private TcpListener(IoSource io, int family) {
        super(io, family);
    }

    /** Binds to {@code address} (port 0 picks a free port) and listens, with the default backlog. */
    public static TcpListener bind(InetSocketAddress address) throws IOException {
        return bind(address, DEFAULT_BACKLOG, Map.of());
    }

    /** Binds to {@code address} and listens with {@code backlog} (below 1: the default). */
    public static TcpListener bind(InetSocketAddress address, int backlog) throws IOException {
        return bind(address, backlog, Map.of());
    }

    /**
     * Binds and listens, setting {@code options} first: the way to set options that must precede
     * {@code bind} or {@code listen}, such as {@link java.net.StandardSocketOptions#SO_REUSEPORT},
     * {@link PolluxSocketOptions#IPV6_V6ONLY}, {@link PolluxSocketOptions#TCP_FASTOPEN}.
     *
     * @throws java.nio.channels.UnresolvedAddressException if {@code address} is unresolved
     * @throws IllegalArgumentException if an option value is wrong
     * @throws java.net.BindException if the address is in use or not available
     */
    public static TcpListener bind(InetSocketAddress address, int backlog, Map<SocketOption<?>, ?> options)
            throws IOException {
        SocketAddresses.checkInet(address, "address");
        Objects.requireNonNull(options, "options");
        Os os = Os.current();
        int family = SocketAddresses.familyOf(address);
        IoSource io = IoSource.ofSocket(Check.checkSocket("socket", os.socket(family, os.sockStream())));
        TcpListener listener = new TcpListener(io, family);
        try {
            listener.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            for (Map.Entry<SocketOption<?>, ?> option : options.entrySet()) {
                setUnchecked(listener, option.getKey(), option.getValue());
            }
            int length = SocketAddresses.encode(address, family);
            Check.checkSocket("bind", os.bind(io.fd(), SocketAddresses.scratch(), length));
            Check.checkSocket("listen", os.listen(io.fd(), backlog < 1 ? DEFAULT_BACKLOG : backlog));
            return listener;
        } catch (IOException | RuntimeException e) {
            io.close();
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    static <T> void setUnchecked(NetSource socket, SocketOption<T> option, Object value) throws IOException {
        if (value != null && !option.type().isInstance(value)) {
            throw new IllegalArgumentException(option.name() + " takes a " + option.type().getSimpleName());
        }
        socket.setOption(option, (T) value);
    }

    /**
     * Accepts a pending connection: a new non-blocking stream, or {@code null} when none is
     * pending (would block). With edge-triggered registration, call until it returns null.
     */
    public TcpStream accept() throws IOException {
        int fd = SocketCalls.accept(io);
        return fd < 0 ? null : new TcpStream(IoSource.ofSocket(fd), family);
    }

    /** The address the listener is bound to (with the actual port when bound to port 0). */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) SocketAddresses.local(io, UnixAddress::fromSunPath);
    }

    @Override
    public String toString() {
        return "TcpListener[" + io + "]";
    }
}
