package dev.pollux.net;

import dev.pollux.internal.ChannelIo;
import dev.pollux.internal.Check;
import dev.pollux.internal.IoSource;
import dev.pollux.internal.StreamSockets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.util.Objects;

/**
 * What TCP and Unix streams share: NIO channel I/O, peek, shutdown and the pending error.
 * {@code read} returns -1 at end of stream and 0 when it would block; {@code write} returns 0
 * when it would block; heap and direct buffers and {@link MemorySegment}s work without an
 * intermediate copy; scattering and gathering use one {@code recvmsg}/{@code sendmsg} when every
 * buffer is direct.
 */
abstract sealed class NetStream extends NetSource implements ByteChannel, ScatteringByteChannel, GatheringByteChannel
        permits TcpStream, UnixStream {
    static {
        StreamSockets.install(channel -> channel instanceof NetStream stream ? stream.io.fd() : -1);
    }

    /**
     * Whether a connect that did not complete at once may still be under way: until something
     * shows the connection established (bytes moved, the peer's address read), a pending error
     * is the connect's. Written once or twice, read on each transfer (a plain load on x86).
     */
    private volatile boolean connecting;

    NetStream(IoSource io, int family) {
        super(io, family);
    }

    /** Records that {@code connect} returned before the connection was established (EINPROGRESS). */
    final void connectInProgress() {
        connecting = true;
    }

    /** Records that the connection is established: later errors are the connection's, not the connect's. */
    final void established() {
        if (connecting) {
            connecting = false;
        }
    }

    /** {@code transferred}, after noting that a transfer of bytes proves the connection established. */
    private int seen(int transferred) {
        if (transferred > 0) {
            established();
        }
        return transferred;
    }

    private long seen(long transferred) {
        if (transferred > 0) {
            established();
        }
        return transferred;
    }

    @Override
    public final int read(ByteBuffer dst) throws IOException {
        return seen(ChannelIo.read(io, dst));
    }

    @Override
    public final long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return seen(ChannelIo.read(io, dsts, offset, length));
    }

    @Override
    public final long read(ByteBuffer[] dsts) throws IOException {
        return seen(ChannelIo.read(io, dsts, 0, Objects.requireNonNull(dsts, "dsts").length));
    }

    /** Reads into {@code dst}: bytes read, -1 at end of stream, 0 when it would block. */
    public final long read(MemorySegment dst) throws IOException {
        return seen(ChannelIo.read(io, dst));
    }

    @Override
    public final int write(ByteBuffer src) throws IOException {
        return seen(ChannelIo.write(io, src));
    }

    @Override
    public final long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return seen(ChannelIo.write(io, srcs, offset, length));
    }

    @Override
    public final long write(ByteBuffer[] srcs) throws IOException {
        return seen(ChannelIo.write(io, srcs, 0, Objects.requireNonNull(srcs, "srcs").length));
    }

    /** Writes from {@code src}: bytes written, 0 when it would block. */
    public final long write(MemorySegment src) throws IOException {
        return seen(ChannelIo.write(io, src));
    }

    /**
     * Copies received data into {@code dst} without consuming it: bytes copied, -1 at end of
     * stream, 0 when nothing has arrived (would block). Advances {@code dst}'s position.
     */
    public final int peek(ByteBuffer dst) throws IOException {
        return SocketCalls.peek(io, dst);
    }

    /**
     * Shuts down the reading half: the stream reports read-closed, and reads return -1 once the
     * data already received is consumed. The peer is not told. Unlike NIO's
     * {@code SocketChannel}, Pollux does not discard data: on Linux, bytes already queued (and
     * even bytes the peer sends afterwards) are still delivered before the -1. Does nothing once
     * the connection has ended.
     */
    public final void shutdownInput() throws IOException {
        SocketCalls.shutdown(io, true, false, false);
    }

    /**
     * Shuts down the writing half: the peer reads end of stream; later writes fail with EPIPE.
     * Reading still works. Does nothing once the connection has ended.
     */
    public final void shutdownOutput() throws IOException {
        SocketCalls.shutdown(io, false, true, false);
    }

    /** Shuts down both halves. Does nothing once the connection has ended. */
    public final void shutdown() throws IOException {
        SocketCalls.shutdown(io, true, true, false);
    }

    /**
     * Reads and clears the socket's pending error ({@code SO_ERROR}): how a non-blocking connect
     * reports failure, and how an established connection reports its end. Returns {@code null}
     * when there is none; otherwise the exception (not thrown), its {@link dev.pollux.OsException}
     * (errno name and call) as the cause where the type is a {@code java.net} one:
     * <ul>
     * <li>while a connect that did not complete at once has not been seen to succeed (no byte
     *     read or written, no {@code peerAddress} yet), the connect's failure, named
     *     {@code connect}: a {@link java.net.ConnectException} for ECONNREFUSED or ETIMEDOUT, a
     *     {@link java.net.NoRouteToHostException} for EHOSTUNREACH or ENETUNREACH; taking it ends
     *     the connect;
     * <li>on an established connection (accepted, connected at once, seen to succeed, or an error
     *     only a connection can have, ECONNRESET or EPIPE), the connection's failure, named
     *     {@code getsockopt(SO_ERROR)}: ECONNRESET is a {@link java.net.SocketException}
     *     "Connection reset", as NIO reports it, other errors the {@link dev.pollux.OsException}.
     * </ul>
     * A read or write that meets the error first throws it instead (under its own call) and
     * clears it. On the kqueue backend over libkqueue, which reads (and so clears)
     * {@code SO_ERROR} itself to report an error event, the Poll keeps the error from that event
     * while the stream stays registered: this method, or else the next read or write, reports it.
     */
    public final IOException takeError() throws IOException {
        int errno = SocketCalls.takeErrno(io);
        if (errno == 0) {
            return null;
        }
        if (connecting && !Check.endsEstablishedConnection(errno)) {
            connecting = false; // the connect is over: it failed
            return io.error("connect", errno);
        }
        return Check.connectionError(errno);
    }
}
