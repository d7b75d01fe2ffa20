package dev.pollux.bench.jmh;

import dev.pollux.runtime.Async;
import dev.pollux.runtime.AsyncStream;
import dev.pollux.runtime.Context;
import dev.pollux.runtime.EventLoop;
import dev.pollux.runtime.TaskWaker;
import dev.pollux.runtime.Timers;
import dev.pollux.unix.Pipe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The executor's ({@code dev.pollux.runtime}) hot paths, measured with {@code -prof gc} for their
 * steady-state cost and allocation per operation.
 *
 * <p>An {@link EventLoop} runs its own thread, and tasks run only there, so the benchmark thread
 * cannot be the loop thread. Each benchmark method hands the loop one batch of
 * {@value #BATCH} (or {@value #PIPE_BATCH}) operations with {@link EventLoop#blockOn} and waits
 * for it; JMH divides by the batch size. The handoff itself (a spawn from another thread, a
 * {@code Waker} write, the join) is measured by {@link #blockOnOnly}: its time and bytes, divided
 * by the batch size, are the share of each per-operation figure that is not the path itself
 * (well under 0.1 B/op). JMH's gc profiler counts every thread, so the loop thread's
 * allocations are in {@code gc.alloc.rate.norm}.
 *
 * <ul>
 *   <li>{@link #pipePingPong}: one task writes a byte into a Pollux {@link Pipe} with
 *       {@link AsyncStream#pollWrite} and asks for it with {@link AsyncStream#pollRead} into a
 *       reused buffer; the readiness was cleared by the last read, so the task returns
 *       {@code PENDING}, the loop polls (the pipe's edge is there), the reactor records the
 *       readiness and wakes the task from the loop thread, the loop runs it again, and it reads
 *       the byte and reads once more, which would block (clearing the readiness) before the
 *       next write. One operation is that whole round: a ready pollWrite, a pending pollRead,
 *       a poll with one event, a local wake, a task run, a ready pollRead and one that would
 *       block (four system calls: write, epoll_wait, read, read). With {@code timer=1h}, a task
 *       sleeping for an hour is pending on the same loop, so every poll's timeout comes from
 *       the timer heap (a timed poll).
 *   <li>{@link #localWake}: two tasks on one loop wake each other (A wakes B and returns
 *       {@code PENDING}, B wakes A); one operation is the round trip, two local wakes and two
 *       task runs, with no system call except the loop's non-blocking poll every 256 task runs.
 *   <li>{@link #timerScheduleCancel}: inside a task, {@link Timers#sleep} of an hour, polled once
 *       (which puts it in the loop's timer heap) and cancelled (which takes it out).
 * </ul>
 *
 * <p>The pipe ping-pong measures about 0.3 B/op (the handoff's share). It used to measure about
 * 40 B/op in some forks: when C2 compiled the loop's task runner with the task's {@code poll}
 * inlined into it, the write path down to the FFM downcall was one level deeper than
 * {@code -XX:MaxInlineLevel=15} allows and the errno-capture segment of each {@code write} was not
 * scalar-replaced (JFR allocation samples named {@code SharedUtils.checkCaptureSegment}).
 * ffi-epoll's {@code Fd.read}/{@code Fd.write} now make the downcall themselves, one level less;
 * a pipe figure near 40 B/op again means that path grew back.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar RuntimeHotPaths -prof gc -wi 2 -i 3 -f 1 -w 1 -r 1}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RuntimeHotPaths {
    /** Operations per {@code blockOn} for the in-memory paths (wake, timer). */
    static final int BATCH = 10_000;
    /** Operations per {@code blockOn} for the pipe ping-pong (four system calls each). */
    static final int PIPE_BATCH = 1_000;

    private static final Duration HOUR = Duration.ofHours(1);

    /** One loop and nothing else: the cost of one {@code blockOn} handoff. */
    @State(Scope.Thread)
    public static class Loop {
        EventLoop loop;
        final Async<Object> nothing = cx -> null;

        @Setup(Level.Trial)
        public void open() throws IOException {
            loop = EventLoop.open("bench-loop");
        }

        @TearDown(Level.Trial)
        public void close() {
            loop.close();
        }
    }

    /** A pipe whose two ends are registered with one loop, and the task that bounces a byte through it. */
    @State(Scope.Thread)
    public static class PipeLoop {
        @Param({"none", "1h"})
        public String timer;

        EventLoop loop;
        AsyncStream<Pipe.Sender> out;
        AsyncStream<Pipe.Receiver> in;
        PingPong batch;

        @Setup(Level.Trial)
        public void open() throws Exception {
            loop = EventLoop.open("bench-loop");
            Pipe pipe = Pipe.open();
            out = AsyncStream.of(loop, pipe.sender());
            in = AsyncStream.of(loop, pipe.receiver());
            batch = new PingPong(out, in);
            if (timer.equals("1h")) {
                loop.spawn(Timers.sleep(HOUR)); // cancelled when the loop closes
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            loop.close(); // closes both streams
        }
    }

    /** One batch of the pipe ping-pong; reused (the loop spawns it afresh for every batch). */
    static final class PingPong implements Async<Integer> {
        private final AsyncStream<Pipe.Sender> out;
        private final AsyncStream<Pipe.Receiver> in;
        private final ByteBuffer one = ByteBuffer.allocateDirect(1);
        private final ByteBuffer buf = ByteBuffer.allocateDirect(64);
        private int done;
        private boolean written;
        private boolean got;

        PingPong(AsyncStream<Pipe.Sender> out, AsyncStream<Pipe.Receiver> in) {
            this.out = out;
            this.in = in;
        }

        @Override
        public Object poll(Context cx) throws IOException {
            while (true) {
                if (!written) {
                    if (done == PIPE_BATCH) {
                        done = 0; // ready for the next batch
                        return PIPE_BATCH; // a cached Integer: no allocation
                    }
                    if (out.pollWrite(cx, one.clear()) == Async.PENDING_COUNT) {
                        return PENDING;
                    }
                    written = true;
                }
                int n = in.pollRead(cx, buf.clear());
                if (n == Async.PENDING_COUNT) {
                    if (!got) {
                        return PENDING; // the byte is on its way: wait for the loop to wake the task
                    }
                    // Drained (the read would block, which cleared the readiness): the next byte.
                    got = false;
                    written = false;
                    continue;
                }
                if (n < 0) {
                    throw new IOException("pipe closed");
                }
                got = true;
                done++;
            }
        }
    }

    /** Two tasks on one loop that wake each other. */
    @State(Scope.Thread)
    public static class WakePair {
        EventLoop loop;
        final Volley volley = new Volley();

        @Setup(Level.Trial)
        public void open() throws Exception {
            loop = EventLoop.open("bench-loop");
            loop.spawn(volley.b);
            while (volley.bWaker == null) {
                Thread.onSpinWait(); // B has run once and published its waker
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            loop.close(); // cancels B
        }
    }

    /** A (one batch, spawned per batch) and B (spawned once) bounce a wake {@value #BATCH} times. */
    static final class Volley implements Async<Integer> {
        volatile TaskWaker bWaker;
        private TaskWaker aWaker;
        private int remaining = -1;

        final Async<Void> b = cx -> {
            if (bWaker == null) {
                bWaker = cx.waker();
            } else {
                aWaker.wake();
            }
            return Async.PENDING;
        };

        @Override
        public Object poll(Context cx) {
            if (remaining < 0) {
                aWaker = cx.waker(); // this batch's task
                remaining = BATCH;
            }
            if (remaining == 0) {
                remaining = -1;
                return 0;
            }
            remaining--;
            bWaker.wake();
            return Async.PENDING;
        }
    }

    /** A task that schedules and cancels a one-hour timer {@value #BATCH} times. */
    @State(Scope.Thread)
    public static class TimerLoop {
        EventLoop loop;
        final Async<Integer> batch = cx -> {
            for (int i = 0; i < BATCH; i++) {
                Async<Void> sleep = Timers.sleep(HOUR);
                if (sleep.poll(cx) != Async.PENDING) {
                    throw new IllegalStateException("an hour has passed");
                }
                sleep.onCancel();
            }
            return 0;
        };

        @Setup(Level.Trial)
        public void open() throws IOException {
            loop = EventLoop.open("bench-loop");
        }

        @TearDown(Level.Trial)
        public void close() {
            loop.close();
        }
    }

    /** One {@code blockOn} of a task that is ready at once: the handoff every batch below pays once. */
    @Benchmark
    public Object blockOnOnly(Loop s) throws Exception {
        return s.loop.blockOn(s.nothing);
    }

    @Benchmark
    @OperationsPerInvocation(PIPE_BATCH)
    public int pipePingPong(PipeLoop s) throws Exception {
        return s.loop.blockOn(s.batch);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int localWake(WakePair s) throws Exception {
        return s.loop.blockOn(s.volley);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int timerScheduleCancel(TimerLoop s) throws Exception {
        return s.loop.blockOn(s.batch);
    }
}
