package dev.pollux.runtime;

import dev.pollux.Interest;
import dev.pollux.net.UdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;

/**
 * A UDP socket driven by an {@link EventLoop}: datagram {@link #send} and {@link #receive}
 * futures, and their allocation-free poll-style forms.
 *
 * <p>Threading and ownership: at most one task receives and one sends at a time. The socket is
 * owned: {@link #close()} deregisters and closes it and wakes waiting tasks; the loop closes
 * sockets still open when it terminates. Options, {@code connect} and multicast are on
 * {@link #socket()}; do not send or receive on it directly.
 */
public final class AsyncUdpSocket implements AutoCloseable {
    private final EventLoop loop;
    private final UdpSocket socket;
    private final ScheduledIo io;

    private AsyncUdpSocket(EventLoop loop, UdpSocket socket) throws IOException {
        this.loop = loop;
        this.socket = socket;
        this.io = loop.register(socket, Interest.READABLE.add(Interest.WRITABLE), this);
    }

    /** Binds a socket to {@code address} (port 0 picks one) on {@code loop}. */
    public static AsyncUdpSocket bind(EventLoop loop, InetSocketAddress address) throws IOException {
        return of(Objects.requireNonNull(loop, "loop"), UdpSocket.bind(address)); // loop checked first: no socket leaks
    }

    /** Binds with {@code options} set first, on {@code loop}. */
    public static AsyncUdpSocket bind(EventLoop loop, InetSocketAddress address, Map<SocketOption<?>, ?> options)
            throws IOException {
        return of(Objects.requireNonNull(loop, "loop"), UdpSocket.bind(address, options));
    }

    /** Takes ownership of {@code socket} and registers it with {@code loop} (closing it if that fails). */
    public static AsyncUdpSocket of(EventLoop loop, UdpSocket socket) throws IOException {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(socket, "socket");
        try {
            return new AsyncUdpSocket(loop, socket);
        } catch (IOException | RuntimeException e) {
            Combinators.closeQuietly(socket);
            throw e;
        }
    }

    /** The socket, for options, connect and multicast. */
    public UdpSocket socket() {
        return socket;
    }

    /**
     * Sends {@code src}'s remaining bytes as one datagram to {@code target}: the bytes sent, or
     * {@link Async#PENDING_COUNT} when the socket's buffer is full (a wake is arranged).
     */
    public int pollSend(Context cx, ByteBuffer src, InetSocketAddress target) throws IOException {
        if (!src.hasRemaining()) {
            return socket.send(src, target); // an empty datagram: 0 whether or not it would block
        }
        while (true) {
            long snapshot = io.pollReady(cx, ScheduledIo.WRITE_DIRECTION);
            if (snapshot < 0) {
                return Async.PENDING_COUNT;
            }
            int n = socket.send(src, target);
            if (n != 0) {
                io.wroteSome();
                return n;
            }
            io.clearReadiness(snapshot, ScheduledIo.WRITE_DIRECTION);
            io.needWriteEvent();
        }
    }

    /**
     * Receives one datagram into {@code dst} (what does not fit is discarded): its sender, or
     * {@code null} after arranging a wake when none has arrived.
     */
    public InetSocketAddress pollReceive(Context cx, ByteBuffer dst) throws IOException {
        while (true) {
            long snapshot = io.pollReady(cx, ScheduledIo.READ_DIRECTION);
            if (snapshot < 0) {
                return null;
            }
            InetSocketAddress sender = socket.receive(dst);
            if (sender != null) {
                return sender;
            }
            io.clearReadiness(snapshot, ScheduledIo.READ_DIRECTION);
        }
    }

    /** Sends one datagram to {@code target}: completes with the bytes sent. */
    public Async<Integer> send(ByteBuffer src, InetSocketAddress target) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(target, "target");
        return cx -> {
            int n = pollSend(cx, src, target);
            return n == Async.PENDING_COUNT ? Async.PENDING : Integer.valueOf(n);
        };
    }

    /** Receives one datagram into {@code dst}: completes with its sender. */
    public Async<InetSocketAddress> receive(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return cx -> {
            InetSocketAddress sender = pollReceive(cx, dst);
            return sender == null ? Async.PENDING : sender;
        };
    }

    /** The bound address. */
    public InetSocketAddress localAddress() throws IOException {
        return socket.localAddress();
    }

    /** Deregisters and closes the socket. Idempotent; any thread. */
    @Override
    public void close() throws IOException {
        io.markClosed();
        loop.release(io);
        socket.close();
    }

    @Override
    public String toString() {
        return "AsyncUdpSocket[" + socket + " on " + loop.name() + "]";
    }
}
