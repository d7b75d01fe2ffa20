package dev.pollux.net;

import dev.pollux.Interest;
import dev.pollux.Registry;
import dev.pollux.Source;
import dev.pollux.Trigger;
import dev.pollux.internal.Check;
import dev.pollux.internal.IoSource;
import dev.pollux.internal.Os;
import dev.pollux.internal.SocketOptionAccess;
import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.Channel;

/**
 * What every Pollux socket shares: an owned, non-blocking, close-on-exec descriptor that can be
 * registered, closed and configured with {@link SocketOption}s.
 */
abstract class NetSource implements Source, Channel {
    final IoSource io;
    /** The OS address family of the socket. */
    final int family;

    NetSource(IoSource io, int family) {
        this.io = io;
        this.family = family;
    }

    @Override
    public final void register(Registry registry, long token, Interest interest, Trigger trigger) throws IOException {
        io.register(registry, token, interest, trigger);
    }

    @Override
    public final void reregister(Registry registry, long token, Interest interest, Trigger trigger) throws IOException {
        io.reregister(registry, token, interest, trigger);
    }

    @Override
    public final void deregister(Registry registry) throws IOException {
        io.deregister(registry);
    }

    @Override
    public final boolean isOpen() {
        return io.isOpen();
    }

    /**
     * Deregisters the socket if it is registered (no event for its token follows) and closes it.
     * Idempotent; I/O calls in flight on other threads finish first.
     */
    @Override
    public final void close() throws IOException {
        io.close();
    }

    /**
     * Sets a socket option: the JDK's {@link java.net.StandardSocketOptions}, the
     * {@code jdk.net.ExtendedSocketOptions} keep-alive and quick-ack options, or
     * {@link PolluxSocketOptions}.
     *
     * @throws NullPointerException if {@code option} is null
     * @throws UnsupportedOperationException if this OS has no such option, or it is not one of
     *     this kind of socket (a TCP option on a UDP or Unix socket, a multicast option or
     *     {@code SO_BROADCAST} on anything but UDP, an IP option on a Unix socket), as NIO's
     *     channels say
     * @throws IllegalArgumentException if the value is null, has the wrong type or is out of range
     * @throws dev.pollux.OsException if the kernel refuses it for this socket
     * @throws java.nio.channels.ClosedChannelException if the socket is closed
     */
    public final <T> void setOption(SocketOption<T> option, T value) throws IOException {
        checkKind(option);
        if (option == PolluxSocketOptions.TCP_INFO) {
            throw new UnsupportedOperationException("TCP_INFO is read-only");
        }
        SocketOptionAccess.set(io, family, option, value);
    }

    /**
     * Reads a socket option; see {@link #setOption}.
     *
     * @throws UnsupportedOperationException if this OS has no such option
     */
    public final <T> T getOption(SocketOption<T> option) throws IOException {
        checkKind(option);
        if (option == PolluxSocketOptions.TCP_INFO) {
            return option.type().cast(readTcpInfo());
        }
        return SocketOptionAccess.get(io, family, option);
    }

    /**
     * Refuses an option that belongs to another kind of socket, before any system call (the
     * kernel would refuse some with EINVAL or ENOPROTOOPT and silently accept others).
     */
    private void checkKind(SocketOption<?> option) {
        String name = java.util.Objects.requireNonNull(option, "option").name();
        boolean tcp = this instanceof TcpStream || this instanceof TcpListener;
        boolean udp = this instanceof UdpSocket;
        boolean fits;
        if (name.startsWith("TCP_")) {
            fits = tcp;
        } else if (name.startsWith("IP_MULTICAST_") || name.equals("SO_BROADCAST")) {
            fits = udp;
        } else if (name.startsWith("IP")) {
            fits = tcp || udp;
        } else {
            fits = true;
        }
        if (!fits) {
            throw new UnsupportedOperationException(name + " is not an option of " + getClass().getSimpleName());
        }
    }

    private TcpInfo readTcpInfo() throws IOException {
        long[] values = new long[TcpInfo.FIELD_COUNT];
        Os os = Os.current();
        int r;
        io.begin();
        try {
            r = os.tcpInfo(io.fd(), values);
        } finally {
            io.end();
        }
        Check.check("getsockopt(TCP_INFO)", r);
        return TcpInfo.of(values);
    }
}
