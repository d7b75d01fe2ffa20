package dev.pollux;

import dev.pollux.internal.Registries;
import dev.pollux.internal.Selector;
import dev.pollux.internal.SelectorWaker;
import java.io.IOException;

/**
 * Wakes a thread blocked in {@link Poll#poll} from any thread: the poll returns an event with this
 * waker's token that {@link Event#isReadable() is readable}.
 *
 * <p>Wakes coalesce: several {@link #wake()} calls before the poll thread gets to its next poll
 * produce one event, not one per call, and a wake made while nobody is polling makes the next
 * poll return at once. Nothing needs to be drained after the event.
 *
 * <p>Threading: {@code wake()} is thread-safe and lock-free (one system call). Ownership: the
 * waker's OS resource (an eventfd on Linux) belongs to the {@code Poll}; {@link #close()}
 * releases it early, and closing the {@code Poll} releases it in any case. {@code wake()} after
 * either throws {@link java.nio.channels.ClosedSelectorException}.
 */
public final class Waker implements AutoCloseable {
    private final Selector selector;
    private final SelectorWaker handle;

    /**
     * Creates a waker for the {@code Poll} behind {@code registry}, reporting {@code token}.
     * Use a token no other source uses.
     */
    public Waker(Registry registry, long token) throws IOException {
        this.selector = Registries.selector(registry);
        this.handle = selector.openWaker(token);
    }

    /** Makes the poll thread's current or next {@link Poll#poll} return with this waker's token. */
    public void wake() throws IOException {
        handle.wake();
    }

    /** Releases the waker before its {@code Poll} closes. Idempotent. */
    @Override
    public void close() throws IOException {
        selector.closeWaker(handle);
    }
}
