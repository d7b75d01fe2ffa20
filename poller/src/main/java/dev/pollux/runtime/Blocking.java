package dev.pollux.runtime;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * Sequential-looking task code: a body running on a virtual thread ({@link EventLoop#spawnBlocking})
 * awaits Pollux futures one after another with {@link #await(Async)}. The virtual thread polls
 * the future itself; when it is pending the thread parks, and the future's waker (which the
 * reactor or a timer fires from the loop thread) unparks it.
 *
 * <pre>{@code
 * loop.spawnBlocking(() -> {
 *     AsyncStream<TcpStream> s = Blocking.await(AsyncStream.connect(address));
 *     Blocking.await(s.writeAll(request));
 *     return Blocking.await(s.readFully(response));
 * });
 * }</pre>
 *
 * <p>The trade-off against a hand-written {@code Async} state machine: the code reads like
 * blocking code (loops, try/finally, locals across waits), at the price of a virtual-thread park
 * and unpark (a hop through the virtual-thread scheduler, and often a second core) for every wait
 * that is not ready at once, plus a small allocation per {@code await}. A ready operation costs
 * no hop. See the README for the measured cost.
 *
 * <p>Threading: {@code await} blocks the calling thread and refuses to run on an event-loop thread
 * ({@link IllegalStateException}). Interrupting the waiting thread (as cancelling a
 * {@code spawnBlocking} handle does) cancels the awaited future and throws
 * {@link InterruptedException}.
 */
public final class Blocking {
    private static final ScopedValue<EventLoop> LOOP = ScopedValue.newInstance();

    private Blocking() {}

    static <T> T runBound(EventLoop loop, Callable<T> body) throws Exception {
        return ScopedValue.where(LOOP, loop).call(body::call);
    }

    /**
     * Awaits {@code async} inside {@link EventLoop#spawnBlocking}, on that loop.
     *
     * @throws IllegalStateException outside {@code spawnBlocking} or on an event-loop thread
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws Exception whatever {@code async} failed with
     */
    public static <T> T await(Async<T> async) throws Exception {
        Objects.requireNonNull(async, "async");
        if (!LOOP.isBound()) {
            throw new IllegalStateException("Blocking.await(Async) runs inside EventLoop.spawnBlocking;"
                    + " elsewhere pass the loop: Blocking.await(loop, async)");
        }
        return await(LOOP.get(), async);
    }

    /**
     * Awaits {@code async} on any ordinary (platform or virtual) thread, using {@code loop} for its
     * I/O and timers.
     *
     * @throws IllegalStateException on an event-loop thread
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws Exception whatever {@code async} failed with
     */
    public static <T> T await(EventLoop loop, Async<T> async) throws Exception {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(async, "async");
        EventLoop.refuseBlockingOnLoop("Blocking.await");
        ThreadWaker waker = new ThreadWaker(Thread.currentThread());
        Context cx = new Context(waker, loop);
        while (true) {
            Object r = async.poll(cx);
            if (r != Async.PENDING) {
                @SuppressWarnings("unchecked")
                T value = (T) r;
                return value;
            }
            if (!waker.park()) {
                async.onCancel();
                throw new InterruptedException("interrupted while awaiting " + async);
            }
        }
    }

    /** Unparks one thread; remembers a wake that comes before the park. */
    static final class ThreadWaker implements TaskWaker {
        private final Thread thread;
        private volatile boolean woken;

        ThreadWaker(Thread thread) {
            this.thread = thread;
        }

        @Override
        public void wake() {
            woken = true;
            LockSupport.unpark(thread);
        }

        /** Parks until woken; false if interrupted first (the interrupt status is cleared). */
        boolean park() {
            while (!woken) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    return false;
                }
            }
            woken = false;
            return true;
        }

        @Override
        public String toString() {
            return "ThreadWaker[" + thread + "]";
        }
    }
}
