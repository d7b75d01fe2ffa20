package dev.pollux.runtime;

import dev.pollux.internal.jfr.JfrSupport;
import dev.pollux.internal.jfr.TaskRunEvent;
import dev.pollux.internal.jfr.TaskWakeEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;

/**
 * An executor task: an {@link Async} driven to completion on one {@link EventLoop}, and its own
 * {@link TaskWaker} (so waking allocates nothing).
 *
 * <p>State machine (one atomic int): IDLE (waiting for a wake), SCHEDULED (in a run queue),
 * RUNNING, NOTIFIED (woken while running: run again), DONE. A wake moves IDLE to SCHEDULED and
 * enqueues the task, RUNNING to NOTIFIED, and does nothing otherwise: a task is never queued
 * twice and a finished task ignores wakes. Only the loop thread runs a task.
 */
final class Task<T> implements TaskWaker, TaskHandle.Control {
    static final int IDLE = 0;
    static final int SCHEDULED = 1;
    static final int RUNNING = 2;
    static final int NOTIFIED = 3;
    static final int DONE = 4;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final EventLoop loop;
    final long id;
    final TaskHandle<T> handle;
    private final Context context;
    private Async<T> async;
    @SuppressWarnings("unused") // through STATE
    private volatile int state = SCHEDULED;

    /** The loop's list of live tasks, touched by the loop thread only. */
    Task<?> prevLive;
    Task<?> nextLive;
    boolean linked;

    Task(EventLoop loop, long id, Async<T> async) {
        this.loop = loop;
        this.id = id;
        this.async = async;
        this.context = new Context(this, loop);
        this.handle = new TaskHandle<>(this);
    }

    int state() {
        return (int) STATE.getVolatile(this);
    }

    @Override
    public void wake() {
        for (;;) {
            int s = (int) STATE.getVolatile(this);
            if (s == IDLE) {
                if (STATE.compareAndSet(this, IDLE, SCHEDULED)) {
                    boolean local = loop.inLoop();
                    if (JfrSupport.taskWakeEnabled()) {
                        recordWake(!local);
                    }
                    loop.schedule(this, local);
                    return;
                }
            } else if (s == RUNNING) {
                if (STATE.compareAndSet(this, RUNNING, NOTIFIED)) {
                    return;
                }
            } else {
                return; // SCHEDULED, NOTIFIED or DONE: the wake is already accounted for
            }
        }
    }

    private void recordWake(boolean crossThread) {
        TaskWakeEvent e = new TaskWakeEvent();
        e.taskId = id;
        e.loop = loop.name();
        e.crossThread = crossThread;
        e.commit();
    }

    /** Cancellation from any thread: the handle is already cancelled; get the task polled to clean up. */
    @Override
    public void requestCancel() {
        wake();
    }

    /**
     * Runs the task once (loop thread only). Returns true when it finished (completed, failed or
     * was cancelled); the loop's task count is updated before the handle completes.
     */
    boolean run() {
        if (!STATE.compareAndSet(this, SCHEDULED, RUNNING)) {
            return state() == DONE;
        }
        if (handle.isDone()) {
            finishCancelled("cancelled");
            return true;
        }
        TaskRunEvent event = null;
        if (JfrSupport.taskRunEnabled()) {
            event = new TaskRunEvent();
            event.begin();
        }
        Object r;
        try {
            r = async.poll(context);
        } catch (Throwable t) {
            STATE.setVolatile(this, DONE);
            async = null;
            loop.finished(this);
            commit(event, "failed");
            handle.fail(t);
            return true;
        }
        if (r != Async.PENDING) {
            STATE.setVolatile(this, DONE);
            async = null;
            loop.finished(this);
            @SuppressWarnings("unchecked")
            T value = (T) r;
            commit(event, "completed");
            handle.succeed(value);
            return true;
        }
        commit(event, "pending");
        if (!STATE.compareAndSet(this, RUNNING, IDLE)) {
            // NOTIFIED: woken while running; run again after the tasks queued before it.
            STATE.setVolatile(this, SCHEDULED);
            loop.schedule(this, true);
        }
        return false;
    }

    private void commit(TaskRunEvent event, String outcome) {
        if (event != null) {
            event.end();
            event.taskId = id;
            event.loop = loop.name();
            event.outcome = outcome;
            event.commit();
        }
    }

    /**
     * Ends a task that will not be polled again although it did not finish (loop thread only):
     * tells its {@code Async} through {@code onCancel()}, completes the handle with
     * {@link CancellationException} unless something completed it first.
     */
    void finishCancelled(String why) {
        STATE.setVolatile(this, DONE);
        Async<T> a = async;
        async = null;
        loop.finished(this);
        if (a != null) {
            try {
                a.onCancel();
            } catch (RuntimeException | Error e) {
                // A cancel hook that fails cannot stop the cancellation; the handle reports it below.
                handle.fail(new CancellationException("task " + id + " " + why + "; its onCancel() threw " + e));
                return;
            }
        }
        handle.fail(new CancellationException("task " + id + " " + why));
    }

    @Override
    public String toString() {
        return "Task[" + id + " on " + loop.name() + ", state=" + state() + "]";
    }
}
