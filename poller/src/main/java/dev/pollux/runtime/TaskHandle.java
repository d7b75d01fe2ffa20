package dev.pollux.runtime;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.time.Duration;

/**
 * The handle of a spawned task: wait for its result ({@link #join()}), {@link #cancel()} it, see
 * it as a {@link CompletableFuture}, or await it from another task (a {@code TaskHandle} is an
 * {@link Async} of the task's result).
 *
 * <p>Thread-safe. The task's outcome is decided once: its value, its failure (the exception its
 * {@code poll} threw), or cancellation ({@link CancellationException}); whichever comes first
 * wins. Callbacks attached to {@link #toCompletableFuture()} run on the thread that completes
 * the task, normally its event loop's: keep them short and non-blocking.
 *
 * @param <T> the task's result type
 */
public final class TaskHandle<T> implements Async<T> {
    /** What cancelling reaches: the executor task or the virtual thread behind the handle. */
    interface Control {
        void requestCancel();
    }

    private final CompletableFuture<T> future = new CompletableFuture<>();
    private final Control control;
    /** The waker registered by the last task that awaited this one, and whether it is subscribed. */
    private volatile TaskWaker awaiting;
    private TaskWaker subscribed;

    TaskHandle(Control control) {
        this.control = control;
    }

    /**
     * Waits for the task and returns its result.
     *
     * @throws CancellationException if the task was cancelled
     * @throws CompletionException with the task's failure as its cause
     * @throws IllegalStateException if called on an event-loop thread, which would stop that loop
     */
    public T join() {
        EventLoop.refuseBlockingOnLoop("TaskHandle.join");
        return future.join();
    }

    /**
     * Waits at most {@code timeout} for the task and returns its result.
     *
     * @throws TimeoutException if the task has not finished by then (it keeps running)
     * @throws CancellationException if the task was cancelled
     * @throws ExecutionException with the task's failure as its cause
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public T join(Duration timeout) throws TimeoutException, ExecutionException, InterruptedException {
        EventLoop.refuseBlockingOnLoop("TaskHandle.join");
        return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Cancels the task unless it has finished: its handle completes with
     * {@link CancellationException} at once, and its event loop then calls the task's
     * {@link Async#onCancel()} (which releases timers and closes what the task owns, such as a
     * stream given to {@link Async#using}) and stops polling it.
     *
     * @return whether this call cancelled the task (false when it had finished already)
     */
    public boolean cancel() {
        boolean cancelled = !future.isDone() && future.completeExceptionally(new CancellationException("task cancelled"));
        if (cancelled) {
            control.requestCancel();
            wakeAwaiting();
        }
        return cancelled;
    }

    /** Whether the task has finished: completed, failed or cancelled. */
    public boolean isDone() {
        return future.isDone();
    }

    /** Whether the task was cancelled. */
    public boolean isCancelled() {
        return future.isCancelled();
    }

    /**
     * A {@link CompletableFuture} that completes with the task. A new dependent future each call:
     * completing or cancelling it does not affect the task (use {@link #cancel()}).
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> view = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            if (failure == null) {
                view.complete(value);
            } else {
                view.completeExceptionally(failure instanceof CompletionException c && c.getCause() != null
                        ? c.getCause() : failure);
            }
        });
        return view;
    }

    /**
     * Awaits the task from another task: its result, or its failure (a
     * {@link CancellationException} if it was cancelled). Cancelling the awaiting side does not
     * cancel this task.
     */
    @Override
    public Object poll(Context cx) throws Exception {
        if (future.isDone()) {
            return result();
        }
        TaskWaker waker = cx.waker();
        awaiting = waker;
        if (subscribed != waker) {
            subscribed = waker;
            future.whenComplete((v, e) -> wakeAwaiting());
        }
        return future.isDone() ? result() : Async.PENDING;
    }

    private T result() throws Exception {
        try {
            return future.getNow(null);
        } catch (CompletionException e) {
            throw taskFailure(e);
        }
    }

    /** The task's own exception behind {@code e} (an Error is thrown as is), for callers to rethrow. */
    static Exception taskFailure(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception x) {
            return x;
        }
        if (cause instanceof Error x) {
            throw x;
        }
        return e;
    }

    private void wakeAwaiting() {
        TaskWaker w = awaiting;
        if (w != null) {
            w.wake();
        }
    }

    void succeed(T value) {
        future.complete(value);
    }

    void fail(Throwable failure) {
        future.completeExceptionally(failure);
    }

    @Override
    public String toString() {
        return "TaskHandle[" + (future.isDone() ? (future.isCompletedExceptionally() ? "failed or cancelled" : "done") : "running") + "]";
    }
}
