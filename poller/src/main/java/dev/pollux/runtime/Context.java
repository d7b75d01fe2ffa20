package dev.pollux.runtime;

import java.util.Objects;

/**
 * What {@link Async#poll} gets: the {@link TaskWaker} of the task being polled, and the
 * {@link EventLoop} whose reactor and timers that task's I/O and sleeps use.
 *
 * <p>The executor makes one {@code Context} per task, once, and passes the same instance to every
 * poll (so polling allocates nothing). Immutable and thread-safe. A pending {@code Async} keeps
 * {@code waker()} (not the context) and wakes it when it can make progress.
 */
public final class Context {
    private final TaskWaker waker;
    private final EventLoop loop;

    /**
     * A context for polling futures outside the executor (tests, bridges).
     *
     * @param waker what pending futures wake
     * @param loop the event loop their I/O and timers use
     */
    public Context(TaskWaker waker, EventLoop loop) {
        this.waker = Objects.requireNonNull(waker, "waker");
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /** The waker of the task being polled. */
    public TaskWaker waker() {
        return waker;
    }

    /** The event loop of the task being polled. */
    public EventLoop loop() {
        return loop;
    }

    @Override
    public String toString() {
        return "Context[" + waker + " on " + loop + "]";
    }
}
