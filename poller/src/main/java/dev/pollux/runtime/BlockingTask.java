package dev.pollux.runtime;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A task body running on its own virtual thread ({@link EventLoop#spawnBlocking}): it may block,
 * and {@link Blocking#await} parks it until the awaited future's waker unparks it.
 */
final class BlockingTask<T> implements TaskHandle.Control {
    final EventLoop loop;
    final TaskHandle<T> handle;
    private final Callable<T> body;
    private volatile Thread thread;

    BlockingTask(EventLoop loop, Callable<T> body) {
        this.loop = loop;
        this.body = body;
        this.handle = new TaskHandle<>(this);
    }

    void start(String name) {
        thread = Thread.ofVirtual().name(name).unstarted(this::run);
        thread.start();
    }

    private void run() {
        try {
            T value = Blocking.runBound(loop, body);
            handle.succeed(value);
        } catch (Throwable t) {
            handle.fail(t);
        } finally {
            loop.blockingDone(this);
        }
    }

    @Override
    public void requestCancel() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Waits up to {@code timeout} for the thread to end (loop shutdown). */
    void awaitEnd(Duration timeout) {
        Thread t = thread;
        if (t == null) {
            return;
        }
        try {
            t.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
