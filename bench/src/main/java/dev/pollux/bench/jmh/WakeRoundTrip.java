package dev.pollux.bench.jmh;

import dev.pollux.Events;
import dev.pollux.Poll;
import dev.pollux.Waker;
import java.io.IOException;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Benchmark 2: a cross-thread wake round trip. The benchmark thread A wakes thread B, which is
 * blocked in its poll; B wakes A back; A's poll returns. One operation is one round trip: two
 * wakes and two blocking waits, on two threads. The C floor
 * ({@code bench/src/main/c/wake_roundtrip.c}) does the same with an eventfd per thread.
 *
 * <p>Neither thread is pinned: on an idle machine the scheduler runs them on two CPUs, and each
 * wake then waits for an idle CPU to wake up (tens of microseconds in a VM), which hides the
 * library's own cost. {@link dev.pollux.bench.WakeProbe}, run by the suite interleaved with the C
 * floor, measures the same round trip pinned to one CPU and to two.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class WakeRoundTrip {

    /** Pollux: a Poll and a Waker per thread. */
    @State(Scope.Thread)
    public static class PolluxWake {
        Poll pollA;
        Poll pollB;
        Waker wakeA;
        Waker wakeB;
        Events eventsA;
        volatile boolean stop;
        Thread b;

        @Setup(Level.Trial)
        public void open() throws IOException {
            pollA = Poll.open();
            pollB = Poll.open();
            wakeA = new Waker(pollA.registry(), 1);
            wakeB = new Waker(pollB.registry(), 2);
            eventsA = Events.withCapacity(4);
            Events eventsB = Events.withCapacity(4);
            b = Thread.ofPlatform().name("wake-peer").start(() -> {
                try {
                    while (true) {
                        pollB.poll(eventsB, null);
                        if (stop) {
                            return;
                        }
                        wakeA.wake();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            stop = true;
            wakeB.wake();
            b.join();
            pollA.close();
            pollB.close();
        }
    }

    /** JDK NIO: a Selector per thread, woken with {@code Selector.wakeup()}. */
    @State(Scope.Thread)
    public static class NioWake {
        Selector selA;
        Selector selB;
        volatile boolean stop;
        Thread b;

        @Setup(Level.Trial)
        public void open() throws IOException {
            selA = Selector.open();
            selB = Selector.open();
            b = Thread.ofPlatform().name("wake-peer").start(() -> {
                try {
                    while (true) {
                        selB.select();
                        if (stop) {
                            return;
                        }
                        selA.wakeup();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            stop = true;
            selB.wakeup();
            b.join();
            selA.close();
            selB.close();
        }
    }

    @Benchmark
    public int pollux(PolluxWake s) throws IOException {
        s.wakeB.wake();
        return s.pollA.poll(s.eventsA, null);
    }

    @Benchmark
    public int nio(NioWake s) throws IOException {
        s.selB.wakeup();
        return s.selA.select();
    }
}
