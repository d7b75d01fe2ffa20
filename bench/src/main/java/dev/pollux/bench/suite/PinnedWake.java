package dev.pollux.bench.suite;

import dev.pollux.Backend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark 2 as users pay for it: thread A calls {@code Waker.wake()} for thread B, blocked in
 * {@code poll(null)}, and waits in its own poll for B's acknowledgement, with both threads pinned
 * (one CPU, then two), in runs interleaved with the C floor ({@code wake_roundtrip}, pinned the
 * same way): C, Pollux, C, Pollux... so that both see the same machine, and the ratio of each
 * pair is what the report gives. With io_uring each round is C, Pollux on epoll, Pollux on
 * io_uring, and each Pollux run pairs with its round's C run. Pollux runs in a child JVM per
 * backend ({@code dev.pollux.bench.WakeProbe --serve}), warmed up once and then asked for one run
 * at a time; between runs both its threads are blocked, so it costs the other runs nothing.
 *
 * <p>Why not JMH's {@code WakeRoundTrip}: JMH leaves both threads to the scheduler, which on an
 * idle machine puts them on two CPUs, where each wake costs the wake-up of an idle CPU (tens of
 * microseconds in a VM) and hides the library's own cost; and its C floor ran apart from it.
 */
final class PinnedWake {
    /**
     * Where the two threads run; {@code share} is the fraction of the mode's round trips a run
     * makes (a wake across CPUs costs the wake-up of an idle CPU, ten times the switch on one).
     */
    record Layout(String label, int cpuA, int cpuB, double share) {}

    /**
     * One backend's medians in one layout; ratios are medians of the per-pair ratios (the Pollux
     * run over the C run of the same round), with their range.
     */
    record Figures(double nanos, double ratio, double ratioMin, double ratioMax, double cpuNanos, double cpuRatio) {}

    /** One layout: the C floor's medians, Pollux's on epoll, and on io_uring (null where it did not run). */
    record Row(Layout layout, int pairs, double cNanos, double cCpuNanos, Figures pollux, Figures ioUring) {}

    private static final Pattern NS = Pattern.compile("ns_per_op=([0-9.]+) cpu_ns_per_op=([0-9.]+)");

    private PinnedWake() {}

    /** The layouts this machine allows: one CPU, and two CPUs when the process may use two. */
    static List<Layout> layouts() throws IOException {
        List<Integer> cpus = allowedCpus();
        List<Layout> layouts = new ArrayList<>();
        if (cpus.isEmpty()) {
            return layouts;
        }
        layouts.add(new Layout("one CPU (A and B on CPU " + cpus.get(0) + ")", cpus.get(0), cpus.get(0), 1));
        if (cpus.size() > 1) {
            layouts.add(new Layout("two CPUs (A on " + cpus.get(0) + ", B on " + cpus.get(1) + ")", cpus.get(0), cpus.get(1),
                    0.25));
        }
        return layouts;
    }

    /**
     * Runs every layout, Pollux on the default backend and, with {@code ioUring}, on io_uring too;
     * empty when the C floor is not built or this is not Linux.
     */
    static List<Row> run(Path cDir, Mode mode, boolean ioUring) throws IOException, InterruptedException {
        Path floor = cDir.resolve("wake_roundtrip");
        if (!Files.isExecutable(floor)) {
            System.err.println("pinned wake round trip skipped: " + floor + " is not built (scripts/bench.sh builds it with gcc)");
            return List.of();
        }
        List<Backend> backends = new ArrayList<>();
        backends.add(null);
        if (ioUring) {
            backends.add(Backend.IO_URING);
        }
        List<Row> rows = new ArrayList<>();
        for (Layout layout : layouts()) {
            System.err.println("wake round trip, " + layout.label() + ": C floor and Pollux" + (ioUring ? " (epoll, io_uring)" : "")
                    + " interleaved, " + mode.wakePairs + " rounds of " + iterations(mode, layout) + " round trips");
            rows.add(run(floor, mode, layout, backends));
        }
        return rows;
    }

    private static Row run(Path floor, Mode mode, Layout layout, List<Backend> backends)
            throws IOException, InterruptedException {
        int iterations = iterations(mode, layout);
        List<Probe> probes = new ArrayList<>();
        try {
            for (Backend backend : backends) {
                probes.add(new Probe(backend, layout, mode));
            }
            List<double[]> c = new ArrayList<>();
            for (int i = 0; i < mode.wakePairs; i++) {
                c.add(parse(Floor.output(floor, Integer.toString(iterations), Integer.toString(iterations / 10),
                        Integer.toString(layout.cpuA()), Integer.toString(layout.cpuB()))));
                for (Probe p : probes) {
                    p.run(iterations);
                }
            }
            for (Probe p : probes) {
                p.finish();
            }
            return new Row(layout, c.size(), median(c, 0), median(c, 1), figures(c, probes.get(0).runs),
                    probes.size() > 1 ? figures(c, probes.get(1).runs) : null);
        } finally {
            for (Probe p : probes) {
                p.kill();
            }
        }
    }

    /** A backend's medians against the C runs of the same rounds. */
    private static Figures figures(List<double[]> c, List<double[]> pollux) {
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            ratios.add(pollux.get(i)[0] / c.get(i)[0]);
            cpuRatios.add(pollux.get(i)[1] / c.get(i)[1]);
        }
        return new Figures(median(pollux, 0), median(ratios), Collections.min(ratios), Collections.max(ratios),
                median(pollux, 1), median(cpuRatios));
    }

    /** A warmed-up {@code WakeProbe --serve} on one backend, pinned as its layout says, serving one run per request. */
    private static final class Probe {
        private final Process process;
        private final BufferedReader out;
        private final PrintWriter in;
        /** ns/op and CPU ns/op of each run so far. */
        final List<double[]> runs = new ArrayList<>();

        Probe(Backend backend, Layout layout, Mode mode) throws IOException {
            List<String> command = new ArrayList<>(ChildJvm.command(backend, "dev.pollux.bench.WakeProbe"));
            command.addAll(List.of("--serve", "--cpu-a", Integer.toString(layout.cpuA()), "--cpu-b",
                    Integer.toString(layout.cpuB()), "--warmup", Integer.toString(mode.wakeProbeWarmup)));
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            String ready = out.readLine();
            if (!"ready".equals(ready)) {
                kill();
                throw new IOException("WakeProbe" + (backend == null ? "" : " on " + backend.propertyValue())
                        + " did not start: " + ready);
            }
        }

        /** One run of {@code iterations} round trips, kept in {@link #runs}. */
        void run(int iterations) throws IOException {
            in.println(iterations);
            runs.add(parse(out.readLine()));
        }

        /** Ends the input, which stops the probe, and waits for it to exit. */
        void finish() throws IOException, InterruptedException {
            in.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IOException("WakeProbe did not exit");
            }
        }

        void kill() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static int iterations(Mode mode, Layout layout) {
        return Math.max(1000, (int) (mode.wakePinnedIterations * layout.share()));
    }

    private static double[] parse(String line) throws IOException {
        Matcher m = line == null ? null : NS.matcher(line);
        if (m == null || !m.find()) {
            throw new IOException("no ns_per_op and cpu_ns_per_op in: " + line);
        }
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    private static double median(List<double[]> runs, int field) {
        return median(runs.stream().map(r -> r[field]).toList());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The CPUs this process may run on, from {@code Cpus_allowed_list} (empty where there is none). */
    private static List<Integer> allowedCpus() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return List.of();
        }
        List<Integer> cpus = new ArrayList<>();
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("Cpus_allowed_list:")) {
                for (String range : line.substring(line.indexOf(':') + 1).strip().split(",")) {
                    String[] ends = range.split("-");
                    int from = Integer.parseInt(ends[0].strip());
                    int to = ends.length > 1 ? Integer.parseInt(ends[1].strip()) : from;
                    for (int cpu = from; cpu <= to && cpus.size() < 2; cpu++) {
                        cpus.add(cpu);
                    }
                }
            }
        }
        return cpus;
    }
}
