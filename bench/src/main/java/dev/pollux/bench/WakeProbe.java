package dev.pollux.bench;

import dev.pollux.Events;
import dev.pollux.Poll;
import dev.pollux.Waker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The cross-thread wake round trip users pay for, shaped exactly as the C floor
 * ({@code bench/src/main/c/wake_roundtrip.c}) and pinned the same way: thread A calls
 * {@code Waker.wake()} for thread B, which is blocked in {@code poll(events, null)}, and then
 * waits in its own {@code poll(null)} for B's acknowledgement, a wake of A's waker. One operation
 * is one round trip: two wakes, two blocking polls, two threads. A and B are pinned with
 * {@code sched_setaffinity} ({@code --cpu-a}, {@code --cpu-b}; the same CPU for both measures the
 * switch on one core, two CPUs the cross-core wake-up); the JVM's other threads are not pinned.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.pollux.bench.WakeProbe \
 *     [--cpu-a 0] [--cpu-b 0] [--warmup 200000] [--iterations 200000] [--runs 5] [--serve]
 * </pre>
 *
 * <p>Prints {@code ns_per_op=... cpu_ns_per_op=...} per run, as the C program does: wall-clock time
 * per round trip and the CPU time threads A and B used per round trip (their thread CPU clocks,
 * which other processes on a shared machine disturb far less). Each run first repeats a tenth
 * of its iterations untimed, as the C program does. With {@code --serve} it warms up, prints
 * {@code ready} and then runs one measurement per line read from standard input (the line is the
 * iteration count) until end of input: the suite interleaves these with runs of the C floor, so
 * both see the same machine.
 */
public final class WakeProbe {
    private final Poll pollA;
    private final Poll pollB;
    private final Waker wakeA;
    private final Waker wakeB;
    private final Events eventsA = Events.withCapacity(4);
    private final Thread b;
    private volatile boolean stop;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    private WakeProbe(int cpuB) throws IOException {
        pollA = Poll.open();
        pollB = Poll.open();
        wakeA = new Waker(pollA.registry(), 1);
        wakeB = new Waker(pollB.registry(), 2);
        Events eventsB = Events.withCapacity(4);
        b = Thread.ofPlatform().name("wake-peer").start(() -> {
            Affinity.pinCurrentThread(cpuB);
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

    /** Runs {@code iterations} round trips. */
    private void roundTrips(long iterations) throws IOException {
        long events = 0;
        for (long i = 0; i < iterations; i++) {
            wakeB.wake();
            events += pollA.poll(eventsA, null);
        }
        if (events != iterations) {
            throw new IllegalStateException(events + " events for " + iterations + " round trips");
        }
    }

    /** CPU time used so far by threads A (the caller) and B. */
    private long cpuNanos() {
        return threads.getCurrentThreadCpuTime() + threads.getThreadCpuTime(b.threadId());
    }

    /** A run as the C program makes it: a tenth untimed, then the timed iterations; prints the result. */
    private void run(long iterations) throws IOException {
        roundTrips(Math.max(1, iterations / 10));
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        roundTrips(iterations);
        long elapsed = System.nanoTime() - start;
        long cpu = cpuNanos() - cpuStart;
        System.out.printf(Locale.ROOT, "ns_per_op=%.1f cpu_ns_per_op=%.1f iterations=%d%n",
                (double) elapsed / iterations, (double) cpu / iterations, iterations);
        System.out.flush();
    }

    private void close() throws IOException, InterruptedException {
        stop = true;
        wakeB.wake();
        b.join();
        pollA.close();
        pollB.close();
    }

    public static void main(String[] args) throws Exception {
        int cpuA = -1;
        int cpuB = -1;
        long warmup = 200_000;
        long iterations = 200_000;
        int runs = 5;
        boolean serve = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cpu-a" -> cpuA = Integer.parseInt(args[++i]);
                case "--cpu-b" -> cpuB = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Long.parseLong(args[++i]);
                case "--iterations" -> iterations = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--serve" -> serve = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Affinity.pinCurrentThread(cpuA);
        WakeProbe probe = new WakeProbe(cpuB);
        try {
            probe.roundTrips(warmup);
            if (serve) {
                System.out.println("ready");
                System.out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.isBlank()) {
                    probe.run(Long.parseLong(line.strip()));
                }
            } else {
                for (int r = 0; r < runs; r++) {
                    probe.run(iterations);
                }
            }
        } finally {
            probe.close();
        }
    }
}
