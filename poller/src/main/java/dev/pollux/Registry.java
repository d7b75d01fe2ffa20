package dev.pollux;

import dev.pollux.internal.Registries;
import dev.pollux.internal.Selector;
import java.io.IOException;
import java.util.Objects;

/**
 * Registers {@link Source}s with a {@link Poll}: which readiness to watch ({@link Interest}), how
 * to report it ({@link Trigger}, edge-triggered unless said otherwise) and the {@code long} token
 * that identifies it in {@link Events}.
 *
 * <p>Thread-safe: any thread may register, reregister and deregister at any time, also while
 * another thread is blocked in {@link Poll#poll}; a registration made during a poll may be
 * reported by that poll. After {@link #deregister} returns, no poll that starts afterwards
 * returns an event for the source (a poll already running on another thread may still return
 * one it had collected). After the {@code Poll} is closed every method throws
 * {@link java.nio.channels.ClosedSelectorException}.
 *
 * <p>Obtained from {@link Poll#registry()}; owned by its {@code Poll}.
 */
public final class Registry {
    static {
        Registries.install(registry -> registry.selector);
    }

    private final Selector selector;

    Registry(Selector selector) {
        this.selector = selector;
    }

    /** Registers {@code source}, edge-triggered. See {@link #register(Source, long, Interest, Trigger)}. */
    public void register(Source source, long token, Interest interest) throws IOException {
        register(source, token, interest, Trigger.EDGE);
    }

    /**
     * Starts watching {@code source} for {@code interest}; its events carry {@code token}.
     *
     * @throws IllegalStateException if a Pollux source is already registered (use
     *     {@link #reregister}), or registered with another {@code Poll}
     * @throws OsException for a raw descriptor the OS refuses (EEXIST, EBADF, EPERM...)
     */
    public void register(Source source, long token, Interest interest, Trigger trigger) throws IOException {
        Objects.requireNonNull(source, "source").register(this, token, check(interest), check(trigger));
    }

    /** Changes a registration, edge-triggered. See {@link #reregister(Source, long, Interest, Trigger)}. */
    public void reregister(Source source, long token, Interest interest) throws IOException {
        reregister(source, token, interest, Trigger.EDGE);
    }

    /**
     * Replaces the token, interest and trigger of {@code source}'s registration; re-arms a
     * {@link Trigger#ONESHOT} registration.
     *
     * @throws IllegalStateException if a Pollux source is not registered with this {@code Poll}
     * @throws OsException for a raw descriptor that is not registered (ENOENT)
     */
    public void reregister(Source source, long token, Interest interest, Trigger trigger) throws IOException {
        Objects.requireNonNull(source, "source").reregister(this, token, check(interest), check(trigger));
    }

    /**
     * Stops watching {@code source}.
     *
     * @throws IllegalStateException if a Pollux source is not registered with this {@code Poll}
     * @throws OsException for a raw descriptor that is not registered (ENOENT)
     */
    public void deregister(Source source) throws IOException {
        Objects.requireNonNull(source, "source").deregister(this);
    }

    private static Interest check(Interest interest) {
        return Objects.requireNonNull(interest, "interest");
    }

    private static Trigger check(Trigger trigger) {
        return Objects.requireNonNull(trigger, "trigger");
    }

    @Override
    public String toString() {
        return "Registry[" + selector + "]";
    }
}
