package dev.pollux.net;

import dev.pollux.internal.ChannelIo;
import dev.pollux.internal.IoSource;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * What TCP and Unix streams share: NIO channel I/O, peek, shutdown and the pending error.
 * {@code read} returns -1 at end of stream and 0 when it would block; {@code write} returns 0
 * when it would block; heap and direct buffers and {@link MemorySegment}s work without an
 * intermediate copy; scattering and gathering use one {@code recvmsg}/{@code sendmsg} when every
 * buffer is direct.
 */
abstract sealed class NetStream extends NetSource implements ByteChannel, ScatteringByteChannel, GatheringByteChannel
        permits TcpStream, UnixStream {
    NetStream(IoSource io, int family) {
        super(io, family);
    }

    @Override
    public final int read(ByteBuffer dst) throws IOException {
        return ChannelIo.read(io, dst);
    }

    @Override
    public final long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return ChannelIo.read(io, dsts, offset, length);
    }

    @Override
    public final long read(ByteBuffer[] dsts) throws IOException {
        return ChannelIo.read(io, dsts, 0, dsts.length);
    }

    /** Reads into {@code dst}: bytes read, -1 at end of stream, 0 when it would block. */
    public final long read(MemorySegment dst) throws IOException {
        return ChannelIo.read(io, dst);
    }

    @Override
    public final int write(ByteBuffer src) throws IOException {
        return ChannelIo.write(io, src);
    }

    @Override
    public final long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return ChannelIo.write(io, srcs, offset, length);
    }

    @Override
    public final long write(ByteBuffer[] srcs) throws IOException {
        return ChannelIo.write(io, srcs, 0, srcs.length);
    }

    /** Writes from {@code src}: bytes written, 0 when it would block. */
    public final long write(MemorySegment src) throws IOException {
        return ChannelIo.write(io, src);
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
     * reports failure. Returns {@code null} when there is none; otherwise the exception (not
     * thrown), such as a {@link java.net.ConnectException} for a refused connection. On the
     * kqueue backend over libkqueue, which reads (and so clears) {@code SO_ERROR} itself to
     * report an error event, the Poll keeps the error from that event while the stream stays
     * registered: this method, or else the next read or write, reports it.
     */
    public final IOException takeError() throws IOException {
        return SocketCalls.takeError(io, "connect");
    }
}
