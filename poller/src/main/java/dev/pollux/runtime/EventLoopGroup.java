package dev.pollux.runtime;

import dev.pollux.net.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The multi-threaded mode: N {@link EventLoop}s, one per core by default, each with its own
 * thread and {@link dev.pollux.Poll}. Spawn onto a chosen loop ({@link #loop(int)}) or round-robin
 * ({@link #spawn}); {@link #serve} spreads a TCP listener's connections across the loops.
 *
 * <p>Tasks never migrate: a task, and the streams it registers, stay on the loop it was spawned
 * on (no work stealing, as in Netty). Thread-safe. {@link #shutdown(Duration)} and
 * {@link #close()} shut every loop down (see {@link EventLoop#shutdown}).
 */
public final class EventLoopGroup implements AutoCloseable {
    private static final AtomicInteger GROUPS = new AtomicInteger();

    private final EventLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    private EventLoopGroup(EventLoop[] loops) {
        this.loops = loops;
    }

    /** One loop per available processor. */
    public static EventLoopGroup open() throws IOException {
        return open(java.lang.Runtime.getRuntime().availableProcessors());
    }

    /**
     * {@code count} loops.
     *
     * @throws IllegalArgumentException if {@code count} is below 1
     */
    public static EventLoopGroup open(int count) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1 (one loop): " + count);
        }
        int group = GROUPS.incrementAndGet();
        EventLoop[] loops = new EventLoop[count];
        try {
            for (int i = 0; i < count; i++) {
                loops[i] = EventLoop.open("pollux-group" + group + "-loop" + i);
            }
        } catch (IOException | RuntimeException e) {
            for (EventLoop loop : loops) {
                if (loop != null) {
                    loop.close();
                }
            }
            throw e;
        }
        return new EventLoopGroup(loops);
    }

    /** How many loops the group has. */
    public int size() {
        return loops.length;
    }

    /** Loop {@code index} (0-based). */
    public EventLoop loop(int index) {
        return loops[Objects.checkIndex(index, loops.length)];
    }

    /** The next loop in round-robin order. */
    public EventLoop next() {
        return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    }

    /**
     * Spawns {@code async} on the next loop in round-robin order.
     *
     * @throws RejectedExecutionException if that loop has terminated
     */
    public <T> TaskHandle<T> spawn(Async<T> async) {
        return next().spawn(async);
    }

    /**
     * Serves TCP on {@code address}: every connection becomes a task running
     * {@code handler.apply(stream)} on one of the loops, and its stream is closed when that task
     * ends (completed, failed or cancelled). Uses {@link TcpServer.Spread#forThisOs()}.
     */
    public TcpServer serve(InetSocketAddress address, Function<AsyncStream<TcpStream>, ? extends Async<?>> handler)
            throws IOException {
        return serve(address, handler, TcpServer.Spread.forThisOs());
    }

    /** {@link #serve(InetSocketAddress, Function)} with a chosen way of spreading connections. */
    public TcpServer serve(InetSocketAddress address, Function<AsyncStream<TcpStream>, ? extends Async<?>> handler,
            TcpServer.Spread spread) throws IOException {
        return TcpServer.start(this, address, handler, spread);
    }

    /** Starts a graceful shutdown of every loop (see {@link EventLoop#shutdown}). Returns at once. */
    public void shutdown(Duration grace) {
        for (EventLoop loop : loops) {
            loop.shutdown(grace);
        }
    }

    /** Waits for every loop to terminate; whether they all did within {@code timeout}. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Timers.nanos(timeout, "timeout");
        for (EventLoop loop : loops) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!loop.awaitTermination(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    /** Shuts every loop down at once and waits for them (see {@link EventLoop#close()}). Idempotent. */
    @Override
    public void close() {
        shutdown(Duration.ZERO);
        RuntimeException failure = null;
        for (EventLoop loop : loops) {
            try {
                loop.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "EventLoopGroup[" + loops.length + " loops]";
    }
}
