package dev.pollux.runtime;

/**
 * Wakes a task so that its {@link Async} is polled again: what a pending {@code Async} keeps from
 * {@link Context#waker()} and calls once polling again may make progress.
 *
 * <p>Thread-safe: {@link #wake()} may be called from any thread, any number of times, at any
 * moment. For an executor task, wakes coalesce (a task woken twice before it runs is queued and
 * polled once; woken while it runs, it is polled once more afterwards) and waking a task that has
 * finished or was cancelled does nothing. A wake from the task's own event-loop thread costs no
 * lock and no allocation; a wake from another thread goes through a lock-free queue (one node
 * allocated per wake that schedules the task) and, if the
 * loop is blocked in {@link dev.pollux.Poll#poll}, one {@link dev.pollux.Waker#wake()}.
 *
 * <p>Implement it to drive {@code Async}s from elsewhere (tests, other executors); the waker the
 * runtime gives {@link Blocking#await} unparks the waiting thread.
 */
@FunctionalInterface
public interface TaskWaker {
    /** Asks for the task to be polled again. Never throws for a finished task. */
    void wake();
}
