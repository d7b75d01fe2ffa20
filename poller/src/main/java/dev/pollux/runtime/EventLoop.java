package dev.pollux.runtime;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.Poll;
import dev.pollux.Source;
import dev.pollux.Waker;
import dev.pollux.internal.Registries;
import dev.pollux.internal.StreamSockets;
import dev.pollux.internal.uring.CompletionStream;
import dev.pollux.internal.uring.IoUringSelector;
import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One event loop: a thread that owns one {@link Poll}, runs the tasks whose wakers fired, and
 * otherwise blocks in {@link Poll#poll} until an I/O event, the nearest timer or a wake from
 * another thread (the reactor–executor pattern, one thread per loop as in Netty and tokio's
 * current-thread runtime).
 *
 * <pre>{@code
 * try (EventLoop loop = EventLoop.open()) {
 *     TaskHandle<Integer> h = loop.spawn(Timers.sleep(Duration.ofMillis(10)).map(v -> 42));
 *     int answer = h.join();
 * }
 * }</pre>
 *
 * <p>Each iteration moves tasks woken from other threads into the run queue, runs up to 256
 * queued tasks, then polls: without blocking if tasks are still queued, otherwise until the
 * earliest timer (rounded up to the millisecond; a timer more than a second away is waited for
 * in steps of whole seconds, at most a minute each) or forever. Events become readiness in the
 * reactor, which wakes the tasks waiting for them; due timers wake theirs.
 *
 * <p>Threading: every method may be called from any thread. Tasks run on the loop's thread only,
 * one at a time; a task must not block that thread (use {@link #spawnBlocking} for blocking code).
 * Wakes from the loop thread go to a plain queue; wakes from other threads go to a lock-free
 * queue and wake the loop's {@link Waker} only when the loop is (or is about to be) blocked in
 * {@code poll}. Blocking calls ({@link #blockOn}, {@link TaskHandle#join()}, {@link #close()})
 * refuse to run on a loop thread with {@link IllegalStateException}.
 *
 * <p>Allocation (measured by {@code dev.pollux.bench.jmh.RuntimeHotPaths} with JMH's
 * {@code -prof gc}): in steady state, running a woken task, a wake from the loop thread, a poll
 * (with or without a timer pending: its timeout comes from tables made once) and turning its
 * events into readiness allocate nothing, nor do {@link AsyncStream#pollRead} and
 * {@link AsyncStream#pollWrite} once ready. What allocates: {@link #spawn} (the task, its context
 * and handle), {@link #blockOn} and {@link TaskHandle#join()}, a wake from another thread (one
 * queue node when it schedules the task), every timer ({@link Timers#sleep} makes the future and
 * a heap entry; {@link Interval} the same per tick), the future-returning I/O methods
 * ({@link AsyncStream#read} and friends) and the combinators. The I/O path relies on the JIT's
 * escape analysis for the FFM segments of each system call, which needs the whole call from the
 * compiled task loop down to the downcall inlined. With a task's {@code poll} inlined into the
 * loop, that chain fits within C2's default {@code -XX:MaxInlineLevel=15} with little to spare;
 * a deeper chain (a task that wraps several others, a helper between the channel and the
 * downcall) can cost one 40-byte segment per call ({@code RuntimeHotPaths} in the bench module
 * shows it with {@code -prof gc}).
 *
 * <p>Failures: a task whose {@code poll} throws completes its handle exceptionally; the loop goes
 * on serving the others. Lifecycle: {@link #shutdown(Duration)} lets running tasks finish within
 * a grace period, then cancels the rest, closes every source still registered through this loop
 * (the async wrappers own their descriptors), the {@code Waker} and the {@code Poll}, and ends the
 * thread. Spawning after the loop has terminated throws {@link RejectedExecutionException}.
 */
public final class EventLoop implements AutoCloseable {
    private static final AtomicInteger LOOPS = new AtomicInteger();
    /** Tasks run per iteration before the loop looks at I/O again (fairness between tasks and events). */
    private static final int BUDGET = 256;
    private static final int RUNNING = 0;
    private static final int PARKED = 1;
    private static final int NOTIFIED = 2;
    /** Poll timeouts 0..1000 ms, made once so that a timed poll allocates nothing. */
    private static final Duration[] MILLIS = new Duration[1001];
    /**
     * Poll timeouts of whole seconds 0..60, for timers further away than {@link #MILLIS} reaches:
     * such a wait is rounded down to the second (and capped at a minute), so the loop may wake
     * before the timer, finds nothing due and waits again for the rest; a timer still never fires
     * early, and the timed poll still allocates nothing.
     */
    private static final Duration[] SECONDS = new Duration[61];

    static {
        for (int i = 0; i < MILLIS.length; i++) {
            MILLIS[i] = Duration.ofMillis(i);
        }
        for (int i = 0; i < SECONDS.length; i++) {
            SECONDS[i] = Duration.ofSeconds(i);
        }
    }

    private final String name;
    private final Poll poll;
    private final Waker waker;
    private final Reactor reactor;
    /** The io_uring selector, when streams on this loop are completion-based; else null. */
    private final IoUringSelector completionStreams;
    private final Thread thread;
    private Events events = Events.withCapacity(1024);

    private final ArrayDeque<Task<?>> local = new ArrayDeque<>(256);
    private final ConcurrentLinkedQueue<Task<?>> remote = new ConcurrentLinkedQueue<>();
    private final AtomicInteger parkState = new AtomicInteger(RUNNING);

    private final TimerQueue timers = new TimerQueue();
    private final ConcurrentLinkedQueue<TimerQueue.Entry> remoteTimers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<TimerQueue.Entry> remoteCancels = new ConcurrentLinkedQueue<>();
    private final AtomicLong timerSequence = new AtomicLong();

    private final AtomicLong taskIds = new AtomicLong();
    private final AtomicInteger tasks = new AtomicInteger();
    private final Set<BlockingTask<?>> blocking = ConcurrentHashMap.newKeySet();
    /** Live tasks that have run at least once, for cancellation at shutdown (loop thread only). */
    private Task<?> liveHead;

    private volatile boolean shutdownRequested;
    private volatile long shutdownDeadline;
    private volatile boolean terminated;
    private final CountDownLatch termination = new CountDownLatch(1);
    private volatile Throwable fatal;
    private volatile long polls;
    /** Set by {@link #shutdown} so that a loop about to block looks at the new deadline first. */
    private volatile boolean poked;

    private EventLoop(String name, boolean completionStreams) throws IOException {
        this.name = name;
        this.poll = Poll.open();
        try {
            this.waker = new Waker(poll.registry(), Reactor.WAKER_TOKEN);
        } catch (IOException | RuntimeException e) {
            poll.close();
            throw e;
        }
        this.reactor = new Reactor(poll.registry(), poll.backend() == dev.pollux.Backend.KQUEUE
                && dev.pollux.ffi.kqueue.KqueuePlatform.current() == dev.pollux.ffi.kqueue.KqueuePlatform.LIBKQUEUE);
        this.completionStreams = completionStreams
                && Registries.selector(poll.registry()) instanceof IoUringSelector uring ? uring : null;
        this.thread = new LoopThread(this, name);
    }

    /**
     * System property: {@code true} makes the byte streams of loops opened afterwards with
     * {@link #open()} or {@link #open(String)} on the
     * io_uring backend completion-based ({@code IORING_OP_RECV} and {@code IORING_OP_SEND}
     * requests submitted with the loop's wait instead of system calls after readiness events; see
     * {@link AsyncStream}). Ignored on other backends.
     */
    public static final String COMPLETION_STREAMS_PROPERTY = "pollux.io_uring.completion_streams";

    /** Opens a loop on the backend {@link Poll#open()} picks, and starts its thread. */
    public static EventLoop open() throws IOException {
        return open("pollux-loop-" + LOOPS.incrementAndGet());
    }

    /** Opens a loop whose thread is named {@code name}, and starts it. */
    public static EventLoop open(String name) throws IOException {
        return open(name, Boolean.getBoolean(COMPLETION_STREAMS_PROPERTY));
    }

    /**
     * Opens a loop whose thread is named {@code name}, and starts it; with
     * {@code completionStreams} and the io_uring backend, its byte streams are completion-based
     * (see {@link AsyncStream}; ignored on other backends, see {@link #completionStreams()}).
     */
    public static EventLoop open(String name, boolean completionStreams) throws IOException {
        EventLoop loop = new EventLoop(Objects.requireNonNull(name, "name"), completionStreams);
        loop.thread.start();
        return loop;
    }

    /** The loop whose thread is calling, or {@code null} on any other thread. */
    public static EventLoop current() {
        return Thread.currentThread() instanceof LoopThread t ? t.loop : null;
    }

    /** This loop's name (its thread's name). */
    public String name() {
        return name;
    }

    /** Whether the calling thread is this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Starts running {@code async} as a task on this loop.
     *
     * @throws RejectedExecutionException if the loop has terminated
     */
    public <T> TaskHandle<T> spawn(Async<T> async) {
        Objects.requireNonNull(async, "async");
        if (terminated) {
            throw new RejectedExecutionException(name + " has terminated");
        }
        tasks.incrementAndGet();
        Task<T> task = new Task<>(this, taskIds.incrementAndGet(), async);
        schedule(task, inLoop());
        return task.handle;
    }

    /**
     * Runs {@code body} on a new virtual thread, where it may block and
     * {@link Blocking#await(Async) await} this loop's futures (the virtual thread parks; the
     * future's waker unparks it). Cancelling the handle interrupts the thread.
     *
     * @throws RejectedExecutionException if the loop has terminated
     */
    public <T> TaskHandle<T> spawnBlocking(Callable<T> body) {
        Objects.requireNonNull(body, "body");
        if (terminated) {
            throw new RejectedExecutionException(name + " has terminated");
        }
        BlockingTask<T> task = new BlockingTask<>(this, body);
        blocking.add(task);
        task.start(name + "-blocking-" + taskIds.incrementAndGet());
        return task.handle;
    }

    /**
     * Runs {@code async} on this loop and waits for it from the calling (ordinary) thread.
     *
     * @return its result
     * @throws Exception the exception the task failed with, as it was thrown
     * @throws java.util.concurrent.CancellationException if it was cancelled (at shutdown)
     * @throws IllegalStateException if called on an event-loop thread
     */
    public <T> T blockOn(Async<T> async) throws Exception {
        refuseBlockingOnLoop("blockOn");
        TaskHandle<T> handle = spawn(async);
        try {
            return handle.join();
        } catch (CompletionException e) {
            throw TaskHandle.taskFailure(e);
        }
    }

    /** Tasks spawned on this loop (not counting {@link #spawnBlocking} ones) that have not finished. */
    public int taskCount() {
        return tasks.get();
    }

    /** Sources registered with this loop's reactor now. */
    public int registrations() {
        return reactor.count();
    }

    /**
     * Starts a graceful shutdown: tasks keep running (and may spawn) until they have all finished or
     * {@code grace} has passed; then the rest are cancelled, blocking tasks interrupted, every source
     * still registered through this loop closed, the {@code Poll} closed and the thread ended.
     * Returns at once; see {@link #awaitTermination}. A second call can only shorten the grace.
     */
    public void shutdown(Duration grace) {
        long deadline = System.nanoTime() + Timers.nanos(grace, "grace");
        synchronized (this) {
            if (!shutdownRequested || deadline - shutdownDeadline < 0) {
                shutdownDeadline = deadline;
            }
            shutdownRequested = true;
        }
        poked = true;
        wakeLoop();
    }

    /**
     * Waits until the loop has terminated.
     *
     * @return whether it terminated within {@code timeout}
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        refuseBlockingOnLoop("awaitTermination");
        return termination.await(Timers.nanos(timeout, "timeout"), TimeUnit.NANOSECONDS);
    }

    /** Whether the loop has terminated (its thread has ended or is about to, and its Poll is closed). */
    public boolean isTerminated() {
        return terminated;
    }

    /**
     * Shuts down at once (cancelling every task, see {@link #shutdown}) and waits for the loop to
     * terminate. Idempotent. On the loop's own thread it only requests the shutdown.
     *
     * @throws IllegalStateException if the loop ended with an internal failure (its cause)
     */
    @Override
    public void close() {
        shutdown(Duration.ZERO);
        if (inLoop()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                termination.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = fatal;
        if (f != null) {
            throw new IllegalStateException(name + " failed", f);
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + ", " + poll.backend() + (terminated ? ", terminated" : "") + "]";
    }

    // ---- for the runtime ----

    static void refuseBlockingOnLoop(String what) {
        if (Thread.currentThread() instanceof LoopThread t) {
            throw new IllegalStateException(what + " on event-loop thread " + t.loop.name
                    + " would block it; await with a task (TaskHandle is an Async) instead");
        }
    }

    /**
     * Whether this loop's byte streams are completion-based: on the io_uring backend with
     * {@value #COMPLETION_STREAMS_PROPERTY}{@code =true} (see {@link AsyncStream}).
     */
    public boolean completionStreams() {
        return completionStreams != null;
    }

    /**
     * A completion-based stream on a duplicate of the stream socket {@code channel}'s descriptor,
     * with a reactor record for its completions; null if this loop's streams are not
     * completion-based or {@code channel} is not a Pollux stream socket.
     */
    CompletionIo openCompletionStream(Object channel, AutoCloseable owner) throws IOException {
        int fd = completionStreams == null ? -1 : StreamSockets.fd(channel);
        if (fd < 0) {
            return null;
        }
        if (terminated) {
            throw new RejectedExecutionException(name + " has terminated");
        }
        ScheduledIo io = reactor.reserve(owner);
        try {
            CompletionIo opened = new CompletionIo(io, completionStreams.openStream(fd, io.token));
            wakeLoop(); // a larger event list may be needed before the next wait
            return opened;
        } catch (IOException | RuntimeException e) {
            reactor.release(io);
            throw e;
        }
    }

    /** A completion-based stream and the reactor record its completions wake. */
    record CompletionIo(ScheduledIo io, CompletionStream stream) {}

    /** Registers {@code source} edge-triggered with this loop's reactor. */
    ScheduledIo register(Source source, Interest interest, AutoCloseable owner) throws IOException {
        if (terminated) {
            throw new RejectedExecutionException(name + " has terminated");
        }
        ScheduledIo io = reactor.register(source, interest, owner);
        wakeLoop(); // a larger event list may be needed before the next wait
        return io;
    }

    void release(ScheduledIo io) {
        reactor.release(io);
    }

    void schedule(Task<?> task, boolean fromLoop) {
        if (fromLoop) {
            local.addLast(task);
            return;
        }
        remote.offer(task);
        wakeLoop();
        if (terminated) {
            cancelQueued(); // raced with termination: nobody else will run or cancel it
        }
    }

    TimerQueue.Entry addTimer(long deadline, TaskWaker waker) {
        if (terminated) {
            throw new RejectedExecutionException(name + " has terminated");
        }
        TimerQueue.Entry e = new TimerQueue.Entry(deadline, timerSequence.incrementAndGet(), waker);
        if (inLoop()) {
            timers.add(e);
        } else {
            remoteTimers.offer(e);
            wakeLoop();
        }
        return e;
    }

    void cancelTimer(TimerQueue.Entry e) {
        e.cancelled = true;
        if (inLoop()) {
            timers.remove(e);
        } else if (!terminated) {
            remoteCancels.offer(e); // removed on the loop's next turn; no need to wake it for that
        }
    }

    /** Timers in the heap (loop thread only; for tests). */
    int pendingTimers() {
        return timers.size();
    }

    /** How many times the loop has polled (for tests: no busy waiting). */
    long polls() {
        return polls;
    }

    void blockingDone(BlockingTask<?> task) {
        blocking.remove(task);
        wakeLoop();
    }

    private void wakeLoop() {
        if (parkState.get() == PARKED && parkState.compareAndSet(PARKED, NOTIFIED)) {
            try {
                waker.wake();
            } catch (IOException | ClosedSelectorException e) {
                // The loop has closed its Poll: it is not waiting any more.
            }
        }
    }

    // ---- the loop ----

    private void run() {
        try {
            while (true) {
                drainRemote();
                runQueued();
                if (shutdownRequested && shutdownStep()) {
                    break;
                }
                pollOnce();
            }
        } catch (Throwable t) {
            fatal = t;
        } finally {
            terminate();
        }
    }

    private void drainRemote() {
        poked = false;
        Task<?> t;
        while ((t = remote.poll()) != null) {
            local.addLast(t);
        }
        TimerQueue.Entry e;
        while ((e = remoteTimers.poll()) != null) {
            timers.add(e);
        }
        while ((e = remoteCancels.poll()) != null) {
            timers.remove(e);
        }
    }

    private void runQueued() {
        for (int n = 0; n < BUDGET; n++) {
            Task<?> t = local.pollFirst();
            if (t == null) {
                return;
            }
            if (!t.linked) {
                link(t);
            }
            t.run();
        }
    }

    private void pollOnce() throws IOException {
        long now = System.nanoTime();
        Duration timeout = timeout(now);
        int needed = reactor.count() * 2 + 16; // libkqueue turns one epoll event into two kevents
        if (needed > events.capacity()) {
            events = Events.withCapacity(Integer.highestOneBit(needed) << 1);
        }
        if (timeout != Duration.ZERO) {
            parkState.set(PARKED);
            if (!remote.isEmpty() || !remoteTimers.isEmpty() || poked) {
                timeout = Duration.ZERO;
            }
        }
        polls++;
        poll.poll(events, timeout);
        parkState.set(RUNNING);
        reactor.dispatch(events);
        timers.fireDue(System.nanoTime());
    }

    /** Whether a shutdown step has run, so the poll timeout honours the shutdown deadline. */
    private boolean shuttingDownSeen;

    private Duration timeout(long now) {
        if (!local.isEmpty()) {
            return Duration.ZERO;
        }
        long deadline = timers.earliest();
        if (shuttingDownSeen && shutdownDeadline - deadline < 0) {
            deadline = shutdownDeadline;
        }
        if (deadline == Long.MAX_VALUE) {
            return null;
        }
        return pollTimeout(deadline - now);
    }

    /**
     * The poll timeout for a timer {@code wait} nanoseconds away, from the tables made once (no
     * allocation): rounded up to the millisecond up to a second (a timer never fires early), and
     * beyond that rounded down to the whole second, at most a minute (the loop wakes, finds
     * nothing due and waits again for the rest).
     */
    static Duration pollTimeout(long wait) {
        if (wait <= 0) {
            return Duration.ZERO;
        }
        long ms = wait / 1_000_000 + (wait % 1_000_000 == 0 ? 0 : 1);
        if (ms < MILLIS.length) {
            return MILLIS[(int) ms];
        }
        return SECONDS[(int) Math.min(ms / 1000, SECONDS.length - 1)];
    }

    /** One step of a requested shutdown; true when the loop may end. */
    private boolean shutdownStep() {
        shuttingDownSeen = true;
        if (tasks.get() == 0 && blocking.isEmpty()) {
            return true;
        }
        if (System.nanoTime() - shutdownDeadline < 0) {
            return false;
        }
        for (int pass = 0; pass < 16 && tasks.get() > 0; pass++) {
            cancelLive();
        }
        for (BlockingTask<?> b : blocking) {
            b.handle.cancel();
        }
        for (BlockingTask<?> b : List.copyOf(blocking)) {
            b.awaitEnd(Duration.ofSeconds(1));
        }
        return true;
    }

    /** Cancels every task this loop knows of: queued, waiting or not run yet. */
    private void cancelLive() {
        drainRemote();
        Task<?> t;
        while ((t = local.pollFirst()) != null) {
            if (!t.linked) {
                link(t);
            }
        }
        List<Task<?>> all = new ArrayList<>();
        for (Task<?> x = liveHead; x != null; x = x.nextLive) {
            all.add(x);
        }
        for (Task<?> x : all) {
            if (x.state() != Task.DONE) {
                x.finishCancelled("cancelled at shutdown of " + name);
            }
        }
    }

    private void link(Task<?> t) {
        t.linked = true;
        t.nextLive = liveHead;
        if (liveHead != null) {
            liveHead.prevLive = t;
        }
        liveHead = t;
    }

    /** Forgets a task that has finished (loop thread, before its handle completes). */
    void finished(Task<?> t) {
        if (t.linked) {
            if (t.prevLive != null) {
                t.prevLive.nextLive = t.nextLive;
            } else {
                liveHead = t.nextLive;
            }
            if (t.nextLive != null) {
                t.nextLive.prevLive = t.prevLive;
            }
            t.prevLive = null;
            t.nextLive = null;
            t.linked = false;
        }
        tasks.decrementAndGet();
    }

    private void terminate() {
        terminated = true;
        try {
            cancelLive();
        } catch (Throwable t) {
            recordFatal(t);
        }
        for (ScheduledIo io : reactor.live()) {
            Combinators.closeQuietly(io.owner);
            reactor.release(io);
        }
        timers.clear();
        remoteTimers.clear();
        remoteCancels.clear();
        try {
            waker.close();
        } catch (IOException | RuntimeException e) {
            recordFatal(e);
        }
        try {
            poll.close();
        } catch (IOException | RuntimeException e) {
            recordFatal(e);
        }
        termination.countDown();
    }

    private void recordFatal(Throwable t) {
        if (fatal == null) {
            fatal = t;
        } else {
            fatal.addSuppressed(t);
        }
    }

    /** Cancels tasks that reached the remote queue after termination. */
    private void cancelQueued() {
        Task<?> t;
        while ((t = remote.poll()) != null) {
            if (t.handle.cancel()) {
                tasks.decrementAndGet();
            }
        }
    }

    /** The loop's thread, which knows its loop (for {@link EventLoop#current()}). */
    private static final class LoopThread extends Thread {
        final EventLoop loop;

        LoopThread(EventLoop loop, String name) {
            super(name);
            this.loop = loop;
        }

        @Override
        public void run() {
            loop.run();
        }
    }

}
