package dev.pollux.runtime;

import dev.pollux.net.TcpListener;
import dev.pollux.net.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A TCP server on an {@link EventLoopGroup}, made by {@link EventLoopGroup#serve}: accepts
 * connections and runs a handler task for each, on the loops of the group.
 *
 * <p>Spreading connections ({@link Spread}): with {@link Spread#REUSE_PORT} every loop has its
 * own listening socket bound to the same port with {@code SO_REUSEPORT}, and the kernel spreads
 * incoming connections across them (Linux hashes each connection to one listener); with
 * {@link Spread#HAND_OFF} one loop accepts and hands each connection to the next loop in
 * round-robin order (for OSes whose {@code SO_REUSEPORT} does not balance).
 *
 * <p>Each connection task owns its stream: it is closed when the handler's {@code Async}
 * completes, fails or is cancelled. A handler failure (a reset connection, say) ends only that
 * connection; {@link #failedConnections()} counts them. Accept errors other than a closed
 * listener (such as running out of descriptors) are counted and retried after 10 ms.
 *
 * <p>{@link #close()} stops accepting (closes the listeners); connections already accepted go on
 * until their handlers finish or their loops shut down. Thread-safe.
 */
public final class TcpServer implements AutoCloseable {
    /** How a server spreads connections across the loops of its group. */
    public enum Spread {
        /** One listener per loop, same port, {@code SO_REUSEPORT}: the kernel spreads connections. */
        REUSE_PORT,
        /** One listener on the first loop, which hands each connection to the next loop in turn. */
        HAND_OFF;

        /** {@link #REUSE_PORT} on Linux (where the kernel balances), {@link #HAND_OFF} elsewhere. */
        public static Spread forThisOs() {
            return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                    ? REUSE_PORT : HAND_OFF;
        }
    }

    private final EventLoopGroup group;
    private final Function<AsyncStream<TcpStream>, ? extends Async<?>> handler;
    private final List<AsyncTcpListener> listeners = new ArrayList<>();
    private final List<TaskHandle<Void>> acceptors = new ArrayList<>();
    private final InetSocketAddress localAddress;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong acceptErrors = new AtomicLong();

    private TcpServer(EventLoopGroup group, Function<AsyncStream<TcpStream>, ? extends Async<?>> handler,
            InetSocketAddress localAddress) {
        this.group = group;
        this.handler = handler;
        this.localAddress = localAddress;
    }

    static TcpServer start(EventLoopGroup group, InetSocketAddress address,
            Function<AsyncStream<TcpStream>, ? extends Async<?>> handler, Spread spread) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(spread, "spread");
        List<AsyncTcpListener> bound = new ArrayList<>();
        try {
            if (spread == Spread.REUSE_PORT) {
                Map<java.net.SocketOption<?>, ?> reusePort = Map.of(StandardSocketOptions.SO_REUSEPORT, true);
                InetSocketAddress at = address;
                for (int i = 0; i < group.size(); i++) {
                    AsyncTcpListener l = AsyncTcpListener.bind(group.loop(i), at, TcpListener.DEFAULT_BACKLOG, reusePort);
                    bound.add(l);
                    at = l.localAddress(); // the others bind the port the first one got
                }
            } else {
                bound.add(AsyncTcpListener.bind(group.loop(0), address));
            }
            TcpServer server = new TcpServer(group, handler, bound.get(0).localAddress());
            server.listeners.addAll(bound);
            for (AsyncTcpListener l : bound) {
                server.acceptors.add(l.loop().spawn(server.new Acceptor(l, spread == Spread.HAND_OFF)));
            }
            return server;
        } catch (IOException | RuntimeException e) {
            for (AsyncTcpListener l : bound) {
                Combinators.closeQuietly(l);
            }
            throw e;
        }
    }

    /** The address the server listens on (with the actual port when bound to port 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Connections accepted so far. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Connections whose handler failed. */
    public long failedConnections() {
        return failed.get();
    }

    /** Accept calls that failed (and were retried). */
    public long acceptErrors() {
        return acceptErrors.get();
    }

    /** Stops accepting: cancels the accept tasks and closes the listeners. Idempotent. */
    @Override
    public void close() {
        for (TaskHandle<Void> a : acceptors) {
            a.cancel();
        }
        for (AsyncTcpListener l : listeners) {
            Combinators.closeQuietly(l);
        }
    }

    @Override
    public String toString() {
        return "TcpServer[" + localAddress + ", " + listeners.size() + " listener(s) on " + group + "]";
    }

    /** Accepts until the listener closes, starting a connection task for each connection. */
    private final class Acceptor implements Async<Void> {
        private final AsyncTcpListener listener;
        private final boolean handOff;
        private Async<Void> backoff;

        Acceptor(AsyncTcpListener listener, boolean handOff) {
            this.listener = listener;
            this.handOff = handOff;
        }

        @Override
        public Object poll(Context cx) throws Exception {
            while (true) {
                if (backoff != null) {
                    if (backoff.poll(cx) == PENDING) {
                        return Async.PENDING;
                    }
                    backoff = null;
                }
                TcpStream s;
                try {
                    s = listener.pollAcceptStream(cx);
                } catch (ClosedChannelException e) {
                    return null; // the server was closed
                } catch (IOException e) {
                    acceptErrors.incrementAndGet();
                    backoff = Timers.sleep(Duration.ofMillis(10));
                    continue;
                }
                if (s == null) {
                    return Async.PENDING;
                }
                accepted.incrementAndGet();
                start(handOff ? group.next() : cx.loop(), s);
            }
        }

        private void start(EventLoop loop, TcpStream s) {
            AsyncStream<TcpStream> stream;
            try {
                stream = AsyncStream.of(loop, s);
            } catch (IOException | RuntimeException e) {
                failed.incrementAndGet(); // of() closed it
                return;
            }
            try {
                loop.spawn(new Connection(stream, handler.apply(stream)));
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                Combinators.closeQuietly(stream);
            }
        }

        @Override
        public void onCancel() {
            if (backoff != null) {
                backoff.onCancel();
            }
        }
    }

    /** One connection's task: the handler's future, closing the stream when it ends. */
    private final class Connection implements Async<Object> {
        private final AsyncStream<TcpStream> stream;
        private final Async<?> body;

        Connection(AsyncStream<TcpStream> stream, Async<?> body) {
            this.stream = stream;
            this.body = Objects.requireNonNull(body, "the handler returned null");
        }

        @Override
        public Object poll(Context cx) throws Exception {
            Object r;
            try {
                r = body.poll(cx);
            } catch (Exception | Error e) {
                failed.incrementAndGet();
                Combinators.closeQuietly(stream);
                throw e;
            }
            if (r != PENDING) {
                stream.close();
            }
            return r;
        }

        @Override
        public void onCancel() {
            try {
                body.onCancel();
            } finally {
                Combinators.closeQuietly(stream);
            }
        }
    }
}
