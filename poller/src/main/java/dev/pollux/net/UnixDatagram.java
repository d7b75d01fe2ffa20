package dev.pollux.net;

import dev.pollux.Interest;
import dev.pollux.internal.Arguments;
import dev.pollux.internal.IoSource;
import dev.pollux.internal.Os;
import dev.pollux.internal.SocketAddresses;
import dev.pollux.OsException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A non-blocking Unix domain datagram socket: mio's {@code UnixDatagram}, with NIO's
 * {@link java.nio.channels.DatagramChannel} conventions. Made by {@link #bind}, {@link #unbound()}
 * or {@link #pair()}.
 *
 * <p>{@link #send(ByteBuffer, UnixAddress)} and {@link #receive(ByteBuffer)} work with or without
 * a connection; {@link #connect} fixes the peer, after which {@link #write} and {@link #read} work
 * too and datagrams from other sockets are refused, until {@link #disconnect()}. {@code receive}
 * returns the sender's address, or {@code null} when no datagram is waiting (would block); the
 * sender of an unbound socket is {@linkplain UnixAddress#isUnnamed() unnamed}. {@code send}, {@code write} and {@code read}
 * return 0 when they would block (the peer's queue is full, or nothing arrived); a datagram is
 * sent whole or not at all. A received datagram longer than the space in the buffer is
 * truncated and the rest discarded (no space at all discards it whole); an empty datagram reads
 * as 0 bytes. Every call sends or receives one datagram.
 *
 * <p>Pathname addresses: binding creates the socket file and, as in mio, Pollux never removes
 * it; binding a pathname that exists fails with {@link java.net.BindException} EADDRINUSE.
 *
 * <p>Ownership: the socket owns its descriptor (not the socket file); {@link #close()}
 * deregisters and closes it. Thread-safe; each call moves one whole datagram. Use after close
 * throws {@link java.nio.channels.ClosedChannelException}.
 */
public final class UnixDatagram extends NetSource implements ByteChannel {
    /** Both ends of a connected pair made by {@link #pair()}; closing the pair closes both. */
    public record Pair(UnixDatagram first, UnixDatagram second) implements AutoCloseable {
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

    private UnixDatagram(IoSource io) {
        super(io, Os.current().afUnix());
    }

    /**
     * A datagram socket bound to {@code address}.
     *
     * @throws NullPointerException if {@code address} is null
     * @throws IllegalArgumentException if it is unnamed, or too long for {@code sun_path}
     * @throws java.net.BindException if the name is in use (for a pathname: if the file exists)
     * @throws dev.pollux.OsException if the OS refuses otherwise (ENOENT, EACCES)
     */
    public static UnixDatagram bind(UnixAddress address) throws IOException {
        UnixSockets.named(address);
        UnixSockets.encode(address); // an address that does not fit fails before a socket exists
        IoSource io = UnixSockets.socket(Os.current().sockDgram());
        try {
            UnixSockets.bind(io, address);
            return new UnixDatagram(io);
        } catch (IOException | RuntimeException e) {
            io.close();
            throw e;
        }
    }

    /** A datagram socket bound to the pathname {@code path}; see {@link #bind(UnixAddress)}. */
    public static UnixDatagram bind(Path path) throws IOException {
        return bind(UnixSockets.address(path));
    }

    /** A datagram socket bound to the pathname of {@code address}; see {@link #bind(UnixAddress)}. */
    public static UnixDatagram bind(UnixDomainSocketAddress address) throws IOException {
        return bind(UnixSockets.address(address));
    }

    /**
     * A datagram socket bound to no address: it can send (its datagrams arrive from an unnamed
     * sender, so they cannot be answered) and, once connected, exchange datagrams with its peer.
     */
    public static UnixDatagram unbound() throws IOException {
        return new UnixDatagram(UnixSockets.socket(Os.current().sockDgram()));
    }

    /** A connected pair of unnamed datagram sockets ({@code socketpair}). */
    public static Pair pair() throws IOException {
        IoSource[] ends = UnixSockets.pair(Os.current().sockDgram());
        return new Pair(new UnixDatagram(ends[0]), new UnixDatagram(ends[1]));
    }

    /**
     * Connects to the socket bound to {@code address}: {@link #write}/{@link #read} then talk to
     * it, and only its datagrams are received. Completes at once.
     *
     * @throws NullPointerException if {@code address} is null
     * @throws IllegalArgumentException if it is unnamed, or too long for {@code sun_path}
     * @throws java.net.ConnectException naming {@code address} if no socket is bound there
     * @throws dev.pollux.OsException for the other refusals (ENOENT, EACCES)
     */
    public void connect(UnixAddress address) throws IOException {
        UnixSockets.named(address);
        int length = UnixSockets.encode(address);
        Os os = Os.current();
        int r;
        io.begin();
        try {
            r = os.connect(io.fd(), SocketAddresses.scratch(), length);
        } finally {
            io.end();
        }
        if (r < 0) {
            throw UnixSockets.error("connect", -r, address);
        }
    }

    /**
     * Ends the association made by {@link #connect}: datagrams from any socket are received
     * again, {@link #write} throws {@link NotYetConnectedException} and {@link #peerAddress()} too.
     * Does nothing when the socket is not connected. The socket keeps its own name, if it has
     * one, and its registration. Also works on an end of a {@link #pair()}.
     *
     * @throws java.nio.channels.ClosedChannelException if the socket is closed
     */
    public void disconnect() throws IOException {
        if (!isConnected()) {
            return;
        }
        int r = SocketCalls.disconnect(io, family);
        // On the BSDs the connect that disconnects then fails: what counts is that the peer is gone.
        if (r < 0 && isConnected()) {
            throw io.error("connect", -r);
        }
    }

    private boolean isConnected() throws IOException {
        return SocketAddresses.hasPeer(io);
    }

    /** Connects to the pathname {@code path}; see {@link #connect(UnixAddress)}. */
    public void connect(Path path) throws IOException {
        connect(UnixSockets.address(path));
    }

    /** Connects to the pathname of {@code address}; see {@link #connect(UnixAddress)}. */
    public void connect(UnixDomainSocketAddress address) throws IOException {
        connect(UnixSockets.address(address));
    }

    /**
     * Sends the remaining bytes of {@code src} as one datagram to {@code target}: bytes sent
     * (advancing the position), or 0 when it would block.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code target} is unnamed or too long
     * @throws java.net.ConnectException naming {@code target} when no socket is bound there (the
     *     socket file outlived its socket; ECONNREFUSED), as {@link #connect} says
     * @throws dev.pollux.OsException ENOENT when the pathname does not exist, EMSGSIZE when the
     *     datagram is too large
     */
    public int send(ByteBuffer src, UnixAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        int remaining = src.remaining();
        long r = sendTo(MemorySegment.ofBuffer(src), remaining, target);
        if (r > 0) {
            src.position(src.position() + (int) r);
        }
        return (int) r;
    }

    /** Sends {@code src} as one datagram to {@code target}; see {@link #send(ByteBuffer, UnixAddress)}. */
    public long send(MemorySegment src, UnixAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        return sendTo(src, src.byteSize(), target);
    }

    private long sendTo(MemorySegment src, long length, UnixAddress target) throws IOException {
        UnixSockets.named(target, "target");
        int addressLength = UnixSockets.encode(target);
        Os os = Os.current();
        long r;
        io.begin();
        try {
            r = os.sendTo(io.fd(), src, length, SocketAddresses.scratch(), addressLength);
        } finally {
            io.end();
        }
        try {
            r = io.complete("sendto", r, Interest.WRITABLE);
        } catch (ConnectException e) {
            // The same failure, naming the path that has no socket bound to it.
            throw e.getCause() instanceof OsException refused ? UnixSockets.refused(refused, target) : e;
        }
        return r == IoSource.WOULD_BLOCK ? 0 : r;
    }

    /**
     * Receives one datagram into {@code dst} (advancing its position by its length, truncated to
     * the space there): the sender's address, or {@code null} when no datagram is waiting (would
     * block).
     *
     * @throws IllegalArgumentException if {@code dst} is read-only
     */
    public UnixAddress receive(ByteBuffer dst) throws IOException {
        Arguments.destination(dst, "dst");
        int remaining = dst.remaining();
        Os os = Os.current();
        MemorySegment address = SocketAddresses.scratch();
        int[] addressLength = new int[1];
        long r;
        io.begin();
        try {
            r = os.receiveFrom(io.fd(), MemorySegment.ofBuffer(dst), remaining, false, address, addressLength);
        } finally {
            io.end();
        }
        r = io.complete("recvfrom", r, Interest.READABLE);
        if (r == IoSource.WOULD_BLOCK) {
            return null;
        }
        dst.position(dst.position() + (int) r);
        // Linux reports a zero-length address for a sender that never bound.
        if (addressLength[0] == 0) {
            return UnixAddress.unnamed();
        }
        return UnixSockets.cast(os.addresses().decode(address, addressLength[0], UnixAddress::fromSunPath));
    }

    /**
     * Receives one datagram into {@code dst}: its length (truncated to the space there, advancing
     * the position), or 0 when none is waiting (would block) — or when it was empty. Works
     * unconnected too (as mio's {@code recv}), receiving from anyone.
     *
     * @throws IllegalArgumentException if {@code dst} is read-only
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        return SocketCalls.readDatagram(io, dst);
    }

    /** Receives one datagram into {@code dst}; see {@link #read(ByteBuffer)}. */
    public long read(MemorySegment dst) throws IOException {
        return SocketCalls.readDatagram(io, dst);
    }

    /**
     * Sends the remaining bytes of {@code src} as one datagram to the connected peer: bytes sent
     * (advancing the position), or 0 when it would block.
     *
     * @throws NotYetConnectedException if the socket is not connected
     * @throws java.net.ConnectException when the peer has closed (ECONNREFUSED)
     * @throws dev.pollux.OsException EPIPE after {@link #shutdownOutput()}
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        int remaining = src.remaining();
        long r = send(MemorySegment.ofBuffer(src), remaining);
        if (r > 0) {
            src.position(src.position() + (int) r);
        }
        return (int) r;
    }

    /** Sends {@code src} as one datagram to the connected peer; see {@link #write(ByteBuffer)}. */
    public long write(MemorySegment src) throws IOException {
        Objects.requireNonNull(src, "src");
        return send(src, src.byteSize());
    }

    private long send(MemorySegment src, long length) throws IOException {
        Os os = Os.current();
        long r;
        io.begin();
        try {
            r = os.send(io.fd(), src, length);
        } finally {
            io.end();
        }
        if (r == -os.enotconn()) {
            throw new NotYetConnectedException();
        }
        r = io.complete("send", r, Interest.WRITABLE);
        return r == IoSource.WOULD_BLOCK ? 0 : r;
    }

    /** Shuts down the receiving half: the socket reports read-closed; nothing more is received. */
    public void shutdownInput() throws IOException {
        SocketCalls.shutdown(io, true, false, true);
    }

    /** Shuts down the sending half: later sends fail with {@code OsException} EPIPE. */
    public void shutdownOutput() throws IOException {
        SocketCalls.shutdown(io, false, true, true);
    }

    /** Shuts down both halves. */
    public void shutdown() throws IOException {
        SocketCalls.shutdown(io, true, true, true);
    }

    /**
     * Reads and clears the socket's pending error ({@code SO_ERROR}): {@code null} when there is
     * none, otherwise the exception (not thrown), named under {@code getsockopt(SO_ERROR)}, the
     * call that reported it: for example ECONNRESET on an end whose connected peer disconnected
     * or connected elsewhere. On the kqueue backend over libkqueue, which reads (and so clears)
     * {@code SO_ERROR} itself to report an error event, the Poll keeps the error from that event
     * while the socket stays registered.
     */
    public IOException takeError() throws IOException {
        return SocketCalls.takeError(io, "getsockopt(SO_ERROR)");
    }

    /** The address the socket is bound to; unnamed when it is not bound. */
    public UnixAddress localAddress() throws IOException {
        return UnixSockets.local(io);
    }

    /**
     * The connected peer's address.
     *
     * @throws NotYetConnectedException if the socket is not connected
     */
    public UnixAddress peerAddress() throws IOException {
        return UnixSockets.peer(io);
    }

    @Override
    public String toString() {
        return "UnixDatagram[" + io + "]";
    }
}
