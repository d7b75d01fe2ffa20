package dev.pollux.net;

import dev.pollux.Interest;
import dev.pollux.internal.Arguments;
import dev.pollux.internal.Check;
import dev.pollux.internal.IoSource;
import dev.pollux.internal.Os;
import dev.pollux.internal.SocketAddresses;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;

/**
 * Socket calls shared by the socket types of this package, whatever their family: peek, shutdown
 * and {@code SO_ERROR}. Each goes through the socket's {@link IoSource} (so use after close throws
 * {@link java.nio.channels.ClosedChannelException} and a would-block result reaches the selector).
 * Stateless and thread-safe.
 */
final class SocketCalls {
    private SocketCalls() {}

    /**
     * {@code recv(MSG_PEEK)} into {@code dst}: bytes copied (advancing its position), -1 when
     * {@code recv} returned 0 (end of stream), 0 when it would block.
     */
    static int peek(IoSource io, ByteBuffer dst) throws IOException {
        Arguments.destination(dst, "dst");
        int remaining = dst.remaining();
        if (remaining == 0) {
            io.ensureOpen();
            return 0;
        }
        Os os = Os.current();
        long r;
        io.begin();
        try {
            r = os.receive(io.fd(), MemorySegment.ofBuffer(dst), remaining, true);
        } finally {
            io.end();
        }
        r = io.complete("recv", r, Interest.READABLE);
        if (r == IoSource.WOULD_BLOCK) {
            return 0;
        }
        if (r == 0) {
            return -1;
        }
        dst.position(dst.position() + (int) r);
        return (int) r;
    }

    /**
     * {@code shutdown} of one or both halves. The OS answers ENOTCONN for a socket that was never
     * connected and, on Linux, for a stream whose connection has ended (closed by both sides,
     * reset, or a failed connect).
     *
     * @param unconnectedIsError whether ENOTCONN throws (for sockets that may never have been
     *     connected, such as datagram sockets) or is ignored (for streams, which are connected
     *     from birth, so ENOTCONN means the connection has ended)
     * @throws NotYetConnectedException on ENOTCONN when {@code unconnectedIsError}
     */
    static void shutdown(IoSource io, boolean read, boolean write, boolean unconnectedIsError) throws IOException {
        Os os = Os.current();
        int r;
        io.begin();
        try {
            r = os.shutdown(io.fd(), read, write);
        } finally {
            io.end();
        }
        if (r == -os.enotconn()) {
            if (unconnectedIsError) {
                throw new NotYetConnectedException();
            }
            return;
        }
        Check.check("shutdown", r);
    }

    /**
     * Reads and clears {@code SO_ERROR}: {@code null} when there is none, else the exception (not
     * thrown) for it, mapped as an error of {@code call} on this socket would be.
     */
    static IOException takeError(IoSource io, String call) throws IOException {
        int errno = takeErrno(io);
        return errno == 0 ? null : io.error(call, errno);
    }

    /**
     * Dissolves the association of a connected datagram socket ({@link Os#disconnect}): the
     * call's result, {@code -errno} on failure, which the caller judges (on the BSDs the connect
     * that disconnects then fails, and what counts is that the peer is gone).
     */
    static int disconnect(IoSource io, int family) throws IOException {
        io.begin();
        try {
            return Os.current().disconnect(io.fd(), family, SocketAddresses.scratch());
        } finally {
            io.end();
        }
    }

    /** Reads and clears {@code SO_ERROR}: the pending errno, 0 for none. */
    static int takeErrno(IoSource io) throws IOException {
        Os os = Os.current();
        int r;
        io.begin();
        try {
            r = os.takeSocketError(io.fd());
        } finally {
            io.end();
        }
        Check.check("getsockopt(SO_ERROR)", r);
        // libkqueue may have read (and so cleared) SO_ERROR to build the event: the Poll kept it.
        int reported = io.takeReportedError();
        return r != 0 ? r : reported;
    }

    /**
     * {@code accept}: the new connection's descriptor, or -1 when none is pending (would block).
     * The descriptor is non-blocking and close-on-exec.
     */
    static int accept(IoSource io) throws IOException {
        Os os = Os.current();
        int r;
        io.begin();
        try {
            r = os.accept(io.fd());
        } finally {
            io.end();
        }
        long fd = io.complete("accept", r, Interest.READABLE);
        return fd == IoSource.WOULD_BLOCK ? -1 : (int) fd;
    }

    /**
     * Receives one datagram into {@code dst}'s remaining space, advancing its position: the
     * datagram's length (truncated to the space; the rest is discarded), 0 when it would block or
     * for an empty datagram. Never -1: datagrams have no end of stream.
     */
    static int readDatagram(IoSource io, ByteBuffer dst) throws IOException {
        Arguments.destination(dst, "dst");
        long r = io.read(MemorySegment.ofBuffer(dst), dst.remaining());
        if (r == IoSource.WOULD_BLOCK) {
            return 0;
        }
        dst.position(dst.position() + (int) r);
        return (int) r;
    }

    /** Receives one datagram into {@code dst}: like {@link #readDatagram(IoSource, ByteBuffer)}. */
    static long readDatagram(IoSource io, MemorySegment dst) throws IOException {
        Arguments.destination(dst, "dst");
        long r = io.read(dst, dst.byteSize());
        return r == IoSource.WOULD_BLOCK ? 0 : r;
    }
}
