package dev.pollux.runtime;

import dev.pollux.Interest;
import dev.pollux.net.TcpListener;
import dev.pollux.net.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.util.Map;
import java.util.Objects;

/**
 * A TCP listener driven by an {@link EventLoop}: {@link #accept()} completes with each new
 * connection as an {@link AsyncStream} registered with the same loop.
 *
 * <p>Threading and ownership: one task accepts at a time. The listener owns its socket:
 * {@link #close()} deregisters and closes it and wakes a waiting accept (which then fails with
 * {@link java.nio.channels.ClosedChannelException}); the loop closes listeners still open when it
 * terminates. Accepted streams belong to the caller.
 */
public final class AsyncTcpListener implements AutoCloseable {
    private final EventLoop loop;
    private final TcpListener listener;
    private final ScheduledIo io;

    private AsyncTcpListener(EventLoop loop, TcpListener listener) throws IOException {
        this.loop = loop;
        this.listener = listener;
        this.io = loop.register(listener, Interest.READABLE, this);
    }

    /** Binds {@code address} (port 0 picks one) and listens, on {@code loop}. */
    public static AsyncTcpListener bind(EventLoop loop, InetSocketAddress address) throws IOException {
        return of(Objects.requireNonNull(loop, "loop"), TcpListener.bind(address)); // loop checked first: no socket leaks
    }

    /**
     * Binds with {@code backlog} and {@code options} set before binding (such as
     * {@link java.net.StandardSocketOptions#SO_REUSEPORT}), on {@code loop}.
     */
    public static AsyncTcpListener bind(EventLoop loop, InetSocketAddress address, int backlog,
            Map<SocketOption<?>, ?> options) throws IOException {
        return of(Objects.requireNonNull(loop, "loop"), TcpListener.bind(address, backlog, options));
    }

    /** Takes ownership of {@code listener} and registers it with {@code loop} (closing it if that fails). */
    public static AsyncTcpListener of(EventLoop loop, TcpListener listener) throws IOException {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(listener, "listener");
        try {
            return new AsyncTcpListener(loop, listener);
        } catch (IOException | RuntimeException e) {
            Combinators.closeQuietly(listener);
            throw e;
        }
    }

    /**
     * Accepts a connection that is pending, registering it with this listener's loop; or returns
     * {@code null} after arranging a wake of {@code cx.waker()} when none is.
     */
    public AsyncStream<TcpStream> pollAccept(Context cx) throws IOException {
        TcpStream s = pollAcceptStream(cx);
        return s == null ? null : AsyncStream.of(loop, s);
    }

    /** Accepts a pending connection without registering it (for hand-off to another loop), or null. */
    TcpStream pollAcceptStream(Context cx) throws IOException {
        while (true) {
            long snapshot = io.pollReady(cx, ScheduledIo.READ_DIRECTION);
            if (snapshot < 0) {
                return null;
            }
            TcpStream s = listener.accept();
            if (s != null) {
                return s;
            }
            io.clearReadiness(snapshot, ScheduledIo.READ_DIRECTION);
        }
    }

    /** The next connection. */
    public Async<AsyncStream<TcpStream>> accept() {
        return cx -> {
            AsyncStream<TcpStream> s = pollAccept(cx);
            return s == null ? Async.PENDING : s;
        };
    }

    /** The bound address (with the actual port when bound to port 0). */
    public InetSocketAddress localAddress() throws IOException {
        return listener.localAddress();
    }

    /** The loop this listener is registered with. */
    public EventLoop loop() {
        return loop;
    }

    /** Deregisters and closes the listener. Idempotent; any thread. */
    @Override
    public void close() throws IOException {
        io.markClosed();
        loop.release(io);
        listener.close();
    }

    @Override
    public String toString() {
        return "AsyncTcpListener[" + listener + " on " + loop.name() + "]";
    }
}
