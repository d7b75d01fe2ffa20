package dev.pollux.net;

import dev.pollux.Interest;
import dev.pollux.internal.Check;
import dev.pollux.internal.IoSource;
import dev.pollux.internal.Os;
import dev.pollux.internal.SocketAddresses;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.util.Map;
import java.util.Objects;

/**
 * A non-blocking TCP connection: mio's {@code TcpStream}, with NIO's channel conventions.
 *
 * <p>{@link #connect} returns at once while the handshake goes on: register for
 * {@link Interest#WRITABLE}; on the event, {@link #takeError()} reports a failed connect
 * (for example a {@link java.net.ConnectException}) and {@link #peerAddress()} succeeds once
 * connected (it throws {@link java.nio.channels.NotYetConnectedException} before). Later,
 * {@code takeError()} reports the connection's own failure, such as a
 * {@link java.net.SocketException} "Connection reset", not as a connect error.
 *
 * <p>I/O: {@code read} returns -1 at end of stream and 0 when it would block; {@code write}
 * returns 0 when it would block; heap and direct buffers and {@link MemorySegment}s work without
 * an intermediate copy; scattering and gathering calls use one {@code recvmsg}/{@code sendmsg}
 * when every buffer is direct. Sends never raise SIGPIPE: writing to a connection the peer
 * closed fails with {@code OsException} EPIPE or ECONNRESET.
 *
 * <p>Ownership: the stream owns its descriptor; {@link #close()} deregisters and closes it.
 * Thread-safe; concurrent reads (or writes) interleave at the OS's discretion. Use after close
 * throws {@link java.nio.channels.ClosedChannelException}.
 */
public final class TcpStream extends NetStream {
    TcpStream(IoSource io, int family) {
        super(io, family);
    }

    /**
     * Starts connecting to {@code address} without blocking.
     *
     * @throws java.nio.channels.UnresolvedAddressException if {@code address} is unresolved
     * @throws java.net.ConnectException if the OS refuses at once
     */
    public static TcpStream connect(InetSocketAddress address) throws IOException {
        return connect(address, null, Map.of());
    }

    /**
     * Starts connecting to {@code address} without blocking, after setting {@code options} and,
     * when {@code localAddress} is not null, binding to it: the way to use options that only
     * mean something before connecting, such as {@link PolluxSocketOptions#TCP_FASTOPEN_CONNECT},
     * or {@link PolluxSocketOptions#IP_BIND_ADDRESS_NO_PORT} with a local address of port 0.
     *
     * @param localAddress the local address to bind first, or {@code null} to let the OS choose
     * @throws java.nio.channels.UnresolvedAddressException if an address is unresolved
     * @throws java.nio.channels.UnsupportedAddressTypeException if {@code localAddress} is IPv6
     *     and {@code address} IPv4
     * @throws IllegalArgumentException if an option value is wrong
     * @throws java.net.BindException if {@code localAddress} is in use or not available
     * @throws java.net.ConnectException if the OS refuses at once
     */
    public static TcpStream connect(InetSocketAddress address, InetSocketAddress localAddress,
            Map<SocketOption<?>, ?> options) throws IOException {
        SocketAddresses.checkInet(address, "address");
        Objects.requireNonNull(options, "options");
        Os os = Os.current();
        int family = SocketAddresses.familyOf(address);
        if (localAddress != null) {
            SocketAddresses.checkInet(localAddress, "localAddress", family);
        }
        IoSource io = IoSource.ofSocket(Check.checkSocket("socket", os.socket(family, os.sockStream())));
        TcpStream stream = new TcpStream(io, family);
        try {
            for (Map.Entry<SocketOption<?>, ?> option : options.entrySet()) {
                TcpListener.setUnchecked(stream, option.getKey(), option.getValue());
            }
            if (localAddress != null) {
                int length = SocketAddresses.encode(localAddress, family);
                Check.checkSocket("bind", os.bind(io.fd(), SocketAddresses.scratch(), length));
            }
            int length = SocketAddresses.encode(address, family);
            int r = os.connect(io.fd(), SocketAddresses.scratch(), length);
            if (r == -os.einprogress()) {
                stream.connectInProgress();
            } else if (r < 0) {
                throw Check.socketError("connect", -r);
            }
            return stream;
        } catch (IOException | RuntimeException e) {
            io.close();
            throw e;
        }
    }

    /**
     * The peer's address.
     *
     * @throws java.nio.channels.NotYetConnectedException while the connect is still in progress,
     *     after it failed (see {@link #takeError()}), and once the connection has ended (closed by
     *     both sides, or reset): the OS forgets the peer then
     */
    public InetSocketAddress peerAddress() throws IOException {
        InetSocketAddress peer = (InetSocketAddress) SocketAddresses.peer(io, UnixAddress::fromSunPath);
        established();
        return peer;
    }

    /** The local address. */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) SocketAddresses.local(io, UnixAddress::fromSunPath);
    }

    @Override
    public String toString() {
        return "TcpStream[" + io + "]";
    }
}
