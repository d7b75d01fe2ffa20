package dev.pollux;

import dev.pollux.internal.Selector;
import dev.pollux.internal.Selectors;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * A readiness event queue: register sources through {@link #registry()}, then call
 * {@link #poll} to wait for their events.
 *
 * <pre>{@code
 * try (Poll poll = Poll.open()) {
 *     Events events = Events.withCapacity(1024);
 *     poll.registry().register(receiver, 1, Interest.READABLE);
 *     while (running) {
 *         poll.poll(events, Duration.ofMillis(100));
 *         for (int i = 0; i < events.size(); i++) {
 *             if (events.token(i) == 1) { ... read until it returns 0 ... }
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Semantics follow mio: registrations are edge-triggered unless a {@link Trigger} says
 * otherwise, so after an event keep doing I/O until it would block; spurious events are possible;
 * a signal may end a poll early with no events (EINTR is not an error).
 *
 * <p>Threading: one thread polls at a time; a second thread calling {@code poll} while one is
 * inside it gets an {@link IllegalStateException}. The {@link Registry} and {@link Waker}s may be
 * used from any thread. {@link #close()} may be called from any thread, also while another thread
 * is blocked in {@code poll} (as {@link java.nio.channels.Selector#close()} may): it wakes that
 * thread, waits until it has left the OS's wait call, then releases the queue; the interrupted
 * {@code poll} throws {@link java.nio.channels.ClosedSelectorException} (the events it may have
 * collected are discarded: they belong to a queue that no longer exists). A poll that starts
 * while the close is under way throws it too, without blocking.
 *
 * <p>Ownership: the Poll owns its OS queue and the wakers created on it; {@link #close()} releases
 * them. Sources stay owned by their creators; closing the Poll does not close them, and after it
 * they may be registered with another Poll. Once the Poll is closed, {@link #poll} and every
 * {@link Registry} and {@link Waker} operation throw
 * {@link java.nio.channels.ClosedSelectorException}; {@link #registry()} and {@link #backend()}
 * still answer.
 */
public final class Poll implements Closeable {
    private final Selector selector;
    private final Registry registry;

    private Poll(Selector selector) {
        this.selector = selector;
        this.registry = new Registry(selector);
    }

    /**
     * Opens a Poll on this OS's backend, or on the one named by the system property
     * {@value Backend#PROPERTY}.
     *
     * @throws UnsupportedOperationException if that backend is not available on this OS
     * @throws IllegalArgumentException if the property names no backend
     */
    public static Poll open() throws IOException {
        return open(Backend.selected());
    }

    /**
     * Opens a Poll on {@code backend}.
     *
     * @throws UnsupportedOperationException if that backend is not available on this OS
     */
    public static Poll open(Backend backend) throws IOException {
        return new Poll(Selectors.open(Objects.requireNonNull(backend, "backend")));
    }

    /** The registry of this Poll; the same instance every time. */
    public Registry registry() {
        return registry;
    }

    /** The backend this Poll runs on. */
    public Backend backend() {
        return selector.backend();
    }

    /**
     * Waits until at least one registered source is ready, the timeout passes, a {@link Waker}
     * fires or a signal arrives, and fills {@code events} (clearing what it held).
     *
     * @param timeout how long to wait: {@code null} waits until an event, {@link Duration#ZERO}
     *     does not block; rounded up to the backend's resolution (1 ms on epoll)
     * @return the number of events now in {@code events}
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws IllegalStateException if another thread is polling
     * @throws java.nio.channels.ClosedSelectorException if this Poll is closed, also when another
     *     thread closes it while this call waits ({@code events} is then empty)
     */
    public int poll(Events events, Duration timeout) throws IOException {
        Objects.requireNonNull(events, "events");
        long nanos = toNanos(timeout);
        int n = selector.select(events.prepare(selector.eventFormat()), events.capacity(), nanos);
        events.filled(n);
        return n;
    }

    private static long toNanos(Duration timeout) {
        if (timeout == null) {
            return -1;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative poll timeout: " + timeout);
        }
        // Duration.toNanos overflows past ~292 years; any such timeout means "a very long time".
        return timeout.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : timeout.toNanos();
    }

    /**
     * Closes the OS queue and the wakers made on it. Idempotent. If another thread is inside
     * {@link #poll}, wakes it (its poll throws {@link java.nio.channels.ClosedSelectorException})
     * and returns once it has left the wait: never closes the queue under a waiting thread.
     */
    @Override
    public void close() throws IOException {
        selector.close();
    }

    @Override
    public String toString() {
        return "Poll[" + selector + "]";
    }
}
