package dev.pollux.net;

import dev.pollux.Interest;
import dev.pollux.internal.ChannelIo;
import dev.pollux.internal.Check;
import dev.pollux.internal.IoSource;
import dev.pollux.internal.Os;
import dev.pollux.internal.SocketAddresses;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.util.Map;
import java.util.Objects;

/**
 * A non-blocking TCP connection: mio's {@code TcpStream}, with NIO's channel conventions.
 *
 * <p>{@link #connect} returns at once while the handshake goes on: register for
 * {@link Interest#WRITABLE}; on the event, {@link #takeError()} reports a failed connect
 * (for example a {@link java.net.ConnectException}) and {@link #peerAddress()} succeeds once
 * connected (it throws {@link java.nio.channels.NotYetConnectedException} before).
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
public final class TcpStream extends NetSource implements ByteChannel, ScatteringByteChannel, GatheringByteChannel {
    TcpStream(IoSource io, int family) {
        super(io, family);
    }

    /**
     * Starts connecting to {@code address} without blocking.
     *
     * @throws IllegalArgumentException if {@code address} is unresolved
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
     * @throws IllegalArgumentException if an address is unresolved or of the other IP family, or
     *     an option value is wrong
     * @throws java.net.BindException if {@code localAddress} is in use or not available
     * @throws java.net.ConnectException if the OS refuses at once
     */
    public static TcpStream connect(InetSocketAddress address, InetSocketAddress localAddress,
            Map<SocketOption<?>, ?> options) throws IOException {
        SocketAddresses.checkInet(address);
        if (localAddress != null) {
            SocketAddresses.checkInet(localAddress);
        }
        Objects.requireNonNull(options, "options");
        Os os = Os.current();
        int family = SocketAddresses.familyOf(address);
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
            if (r < 0 && r != -os.einprogress()) {
                throw Check.socketError("connect", -r);
            }
            return stream;
        } catch (IOException | RuntimeException e) {
            io.close();
            throw e;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return ChannelIo.read(io, dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return ChannelIo.read(io, dsts, offset, length);
    }

    @Override
    public long read(ByteBuffer[] dsts) throws IOException {
        return ChannelIo.read(io, dsts, 0, dsts.length);
    }

    /** Reads into {@code dst}: bytes read, -1 at end of stream, 0 when it would block. */
    public long read(MemorySegment dst) throws IOException {
        return ChannelIo.read(io, dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return ChannelIo.write(io, src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return ChannelIo.write(io, srcs, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return ChannelIo.write(io, srcs, 0, srcs.length);
    }

    /** Writes from {@code src}: bytes written, 0 when it would block. */
    public long write(MemorySegment src) throws IOException {
        return ChannelIo.write(io, src);
    }

    /**
     * Copies received data into {@code dst} without consuming it: bytes copied, -1 at end of
     * stream, 0 when nothing has arrived (would block). Advances {@code dst}'s position.
     */
    public int peek(ByteBuffer dst) throws IOException {
        return SocketCalls.peek(io, dst);
    }

    /**
     * Shuts down the reading half: the stream reports read-closed, and reads return -1 once the
     * data already received is consumed. The peer is not told. Unlike NIO's
     * {@code SocketChannel}, Pollux does not discard data: on Linux, bytes already queued (and
     * even bytes the peer sends afterwards) are still delivered before the -1. Does nothing once
     * the connection has ended; see {@link #shutdownOutput()}.
     */
    public void shutdownInput() throws IOException {
        shutdown(true, false);
    }

    /**
     * Shuts down the writing half: the peer reads end of stream; reading still works. Like every
     * shutdown method, it does nothing once the connection has ended (closed by both sides, reset,
     * or the connect failed), as in NIO.
     */
    public void shutdownOutput() throws IOException {
        shutdown(false, true);
    }

    /** Shuts down both halves; see {@link #shutdownOutput()}. */
    public void shutdown() throws IOException {
        shutdown(true, true);
    }

    private void shutdown(boolean read, boolean write) throws IOException {
        // After the connection has ended there is nothing left to shut down (NIO ignores it too).
        SocketCalls.shutdown(io, read, write, false);
    }

    /**
     * Reads and clears the socket's pending error ({@code SO_ERROR}): how a non-blocking connect
     * reports failure. Returns {@code null} when there is none; otherwise the exception (not
     * thrown), such as a {@link java.net.ConnectException} for a refused connection.
     */
    public IOException takeError() throws IOException {
        return SocketCalls.takeError(io, "connect");
    }

    /**
     * The peer's address.
     *
     * @throws java.nio.channels.NotYetConnectedException while the connect is still in progress,
     *     after it failed (see {@link #takeError()}), and once the connection has ended (closed by
     *     both sides, or reset): the OS forgets the peer then
     */
    public InetSocketAddress peerAddress() throws IOException {
        return (InetSocketAddress) SocketAddresses.peer(io, UnixAddress::fromSunPath);
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
