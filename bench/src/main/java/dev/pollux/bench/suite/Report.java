package dev.pollux.bench.suite;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Prints the suite's figures as Markdown: the machine, the micro-benchmark table with the C floor
 * and ratios, poll cost against K and M, registration throughput, the executor's hot paths, Pollux
 * on io_uring beside epoll, the echo tables, and every target with its measured value and whether
 * it was met.
 */
final class Report {
    private final Mode mode;
    private final String command;
    /** Why io_uring was not measured, or null when it was. */
    private final String ioUringSkipped;
    private final Map<String, Micro.Figure> f;
    private final double pipeFloor;
    /** The pipe floor in a process with one more (idle) thread, as every JVM has. */
    private final double pipeFloorThreaded;
    private final double wakeFloor;
    private final List<PinnedWake.Row> wake;
    private final Echo.Load load;
    private final List<Echo.Row> single;
    private final List<Echo.Row> multi;
    private PrintStream out;

    /** The K (ready) and M (registered) values of {@code PollScaling}. */
    private static final List<String> K = List.of("1", "64", "1024");
    private static final List<String> M = List.of("1024", "10000");

    Report(Mode mode, String command, String ioUringSkipped, Map<String, Micro.Figure> figures, double pipeFloor, double pipeFloorThreaded,
            double wakeFloor, List<PinnedWake.Row> wake, Echo.Load load, List<Echo.Row> single, List<Echo.Row> multi) {
        this.mode = mode;
        this.command = command;
        this.ioUringSkipped = ioUringSkipped;
        this.f = figures;
        this.pipeFloor = pipeFloor;
        this.pipeFloorThreaded = pipeFloorThreaded;
        this.wakeFloor = wakeFloor;
        this.wake = wake;
        this.load = load;
        this.single = single;
        this.multi = multi;
    }

    void print(PrintStream out) {
        this.out = out;
        out.println("## Pollux benchmark report (" + mode.name().toLowerCase(Locale.ROOT) + " mode)");
        out.println();
        out.println("- machine: " + machine());
        out.println("- JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        out.println("- load average at the end: " + loadAverage());
        if (!command.isEmpty()) {
            out.println("- command: `" + command + "`");
        }
        out.println("- Pollux backends: " + (ioUringSkipped == null
                ? "epoll (the default) and io_uring (`-Dpollux.backend=io_uring`), in this same run"
                : "epoll only; io_uring not measured: " + ioUringSkipped));
        out.println();
        if (!f.isEmpty()) {
            micro();
        }
        if (!wake.isEmpty()) {
            pinnedWake();
        }
        if (!f.isEmpty()) {
            scaling();
            registration();
            executor();
            ioUring();
        }
        if (!single.isEmpty()) {
            echo("Echo, single event loop", single);
        }
        if (!multi.isEmpty()) {
            echo("Echo, two event loops", multi);
        }
        targets();
    }

    private void micro() {
        out.println("### Pipe token passing and wake round trip (ns/op, lower is better)");
        out.println();
        out.println("| benchmark | Pollux | JDK NIO | C floor | Pollux / C | Pollux / NIO | Pollux B/op | NIO B/op |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        microRow("pipe token passing (1 thread)", "PipePingPong", pipeFloor);
        microRow("wake round trip (2 threads, unpinned)", "WakeRoundTrip", wakeFloor);
        out.println();
        Micro.Figure pipe = f.get("PipePingPong.pollux");
        if (pipe != null && !Double.isNaN(pipeFloorThreaded)) {
            out.printf("The pipe C floor with one idle thread in its process, as every JVM has threads (Linux then"
                    + " reference-counts the file on each descriptor lookup): %s ns/op; Pollux / that: %s.%n",
                    num(pipeFloorThreaded, 1), ratio(pipe, pipeFloorThreaded));
            out.println();
        }
    }

    /**
     * The wake round trip users pay for, pinned, interleaved with its C floor ({@link PinnedWake}),
     * with io_uring columns where Pollux ran on it too.
     */
    private void pinnedWake() {
        boolean uring = wake.stream().anyMatch(r -> r.ioUring() != null);
        out.println("### Wake round trip, pinned (ns/op, interleaved with the C floor)");
        out.println();
        out.println("| threads on | C floor | Pollux | Pollux / C | range of pairs |" + (uring ? " io_uring | io_uring / C |" : "")
                + " C CPU ns/op | Pollux CPU ns/op | Pollux / C (CPU) |" + (uring ? " io_uring CPU ns/op | io_uring / C (CPU) |" : "")
                + " pairs |");
        out.println("|---|---:|---:|---:|---|" + (uring ? "---:|---:|" : "") + "---:|---:|---:|" + (uring ? "---:|---:|" : "") + "---:|");
        for (PinnedWake.Row r : wake) {
            PinnedWake.Figures p = r.pollux();
            out.printf("| %s | %s | %s | %s | %s-%s |%s %s | %s | %s |%s %d |%n", r.layout().label(), num(r.cNanos(), 1),
                    num(p.nanos(), 1), times(p.ratio()), num(p.ratioMin(), 2), num(p.ratioMax(), 2),
                    uring ? wakeCells(r.ioUring(), false) : "", num(r.cCpuNanos(), 1), num(p.cpuNanos(), 1),
                    times(p.cpuRatio()), uring ? wakeCells(r.ioUring(), true) : "", r.pairs());
        }
        out.println();
        out.println("Thread A wakes thread B (blocked in poll with no timeout) and waits in its own poll for B's wake back:"
                + " one op is one round trip. Runs alternate "
                + (uring ? "C, Pollux (epoll), Pollux on io_uring, C, ..." : "C, Pollux, C, Pollux...")
                + " on the same CPUs; each figure is the median over the pairs and Pollux / C the median of the pairs'"
                + " ratios" + (uring ? " (io_uring / C likewise, each io_uring run paired with its round's C run)" : "")
                + ". CPU ns/op is the CPU time of"
                + " the two threads per round trip (their thread clocks), which other load disturbs less than wall time."
                + (f.isEmpty() ? "" : " The JMH wake row above leaves the threads to the scheduler, which spreads them"
                        + " over two CPUs, where the wake-up of an idle CPU dominates."));
        out.println();
    }

    /** The io_uring cells of a pinned wake row: wall or CPU ns/op and its ratio to C. */
    private static String wakeCells(PinnedWake.Figures u, boolean cpu) {
        if (u == null) {
            return " n/a | n/a |";
        }
        return " " + num(cpu ? u.cpuNanos() : u.nanos(), 1) + " | " + times(cpu ? u.cpuRatio() : u.ratio()) + " |";
    }

    private void microRow(String label, String bench, double floor) {
        Micro.Figure p = f.get(bench + ".pollux");
        Micro.Figure n = f.get(bench + ".nio");
        out.printf("| %s | %s | %s | %s | %s | %s | %s | %s |%n", label, ns(p), ns(n), num(floor, 1),
                ratio(p, floor), ratio(p, n == null ? Double.NaN : n.nanos()), bytes(p), bytes(n));
    }

    private void scaling() {
        out.println("### Poll with K ready of M registered (one non-blocking poll, level-triggered UDP sockets)");
        out.println();
        out.println("| K | M | Pollux ns/poll | Pollux Mevents/s | NIO ns/poll | NIO Mevents/s | Pollux B/op | NIO B/op |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String k : K) {
            for (String m : M) {
                Micro.Figure p = f.get("PollScaling.pollux k=" + k + " m=" + m);
                Micro.Figure n = f.get("PollScaling.nio k=" + k + " m=" + m);
                if (p == null && n == null) {
                    continue;
                }
                int kk = Integer.parseInt(k);
                out.printf("| %s | %s | %s | %s | %s | %s | %s | %s |%n", k, m, ns(p), events(p, kk), ns(n), events(n, kk),
                        bytes(p), bytes(n));
            }
        }
        out.println();
    }

    private void registration() {
        out.println("### Registration (ns per change; 64 changes, then one non-blocking poll that applies what is pending;"
                + " NIO's register + deregister selects twice)");
        out.println();
        out.println("| operation | Pollux | JDK NIO | Pollux / NIO | Pollux B/op | NIO B/op |");
        out.println("|---|---:|---:|---:|---:|---:|");
        for (String[] r : List.of(new String[] {"register + deregister", "RegisterDeregister"},
                new String[] {"reregister (change interest)", "Reregister"})) {
            Micro.Figure p = f.get("RegistrationChurn.pollux" + r[1]);
            Micro.Figure n = f.get("RegistrationChurn.nio" + r[1]);
            out.printf("| %s | %s | %s | %s | %s | %s |%n", r[0], ns(p), ns(n), ratio(p, n == null ? Double.NaN : n.nanos()),
                    bytes(p), bytes(n));
        }
        out.println();
    }

    /** The executor's hot paths ({@code RuntimeHotPaths}), each driven in batches through {@code blockOn}. */
    private void executor() {
        Micro.Figure handoff = f.get("RuntimeHotPaths.blockOnOnly");
        if (handoff == null) {
            return;
        }
        out.println("### Executor hot paths (ns/op, B/op)");
        out.println();
        out.println("| path | ns/op | B/op |");
        out.println("|---|---:|---:|");
        for (String[] r : EXECUTOR_PATHS) {
            Micro.Figure p = f.get("RuntimeHotPaths." + r[1]);
            out.printf("| %s | %s | %s |%n", r[0], ns(p), bytes(p));
        }
        out.println();
        out.printf("One operation of the loop's own thread; the benchmark thread hands the loop a batch of 1,000 (pipe) or"
                + " 10,000 operations with blockOn, whose cost (%s ns, %s B per batch) is in each figure divided by the"
                + " batch. Timers allocate by design (the future and a heap entry); the other paths should allocate"
                + " nothing. A pipe figure near 40 B/op would be one FFM segment per write that escape analysis"
                + " missed because the write path outgrew C2's inlining depth (see EventLoop's Javadoc).%n",
                num(handoff.nanos(), 0),
                num(handoff.bytesPerOp(), 0));
        out.println();
    }

    /** Label and {@code RuntimeHotPaths} key of each row; the timer row is not an allocation-free path. */
    private static final List<String[]> EXECUTOR_PATHS = List.of(
            new String[] {"pipe ping-pong through a task (pollWrite, poll, local wake, pollRead x2)", "pipePingPong timer=none"},
            new String[] {"the same with a timer pending (timed poll)", "pipePingPong timer=1h"},
            new String[] {"local wake round trip (two tasks, one loop)", "localWake"},
            new String[] {"timer: Timers.sleep polled once and cancelled", "timerScheduleCancel"});

    /** Pollux's backend-dependent benchmarks on io_uring beside the same on epoll, from this run's two JMH runs. */
    private void ioUring() {
        out.println("### io_uring beside epoll (same run)");
        out.println();
        if (ioUringSkipped != null) {
            out.println("Not measured: " + ioUringSkipped + ".");
            out.println();
            return;
        }
        out.println("| benchmark | epoll ns/op | io_uring ns/op | io_uring / epoll | epoll B/op | io_uring B/op |");
        out.println("|---|---:|---:|---:|---:|---:|");
        ioUringRow("pipe token passing (1 thread)", "PipePingPong.pollux");
        ioUringRow("wake round trip (2 threads, unpinned JMH)", "WakeRoundTrip.pollux");
        for (String k : K) {
            for (String m : M) {
                ioUringRow("poll, K = " + k + " ready of M = " + m + " (level-triggered)", "PollScaling.pollux k=" + k + " m=" + m);
            }
        }
        ioUringRow("register + deregister", "RegistrationChurn.polluxRegisterDeregister");
        ioUringRow("reregister (change interest)", "RegistrationChurn.polluxReregister");
        for (String[] r : EXECUTOR_PATHS.subList(0, 3)) {
            ioUringRow("executor: " + r[0], "RuntimeHotPaths." + r[1]);
        }
        out.println();
        out.println("The epoll column is the Pollux figure of the tables above; the io_uring column is the same benchmark"
                + " run again, after them, in forks started with `-Dpollux.backend=io_uring`. io_uring / epoll is the ratio"
                + " of the means: below 1.00x io_uring is faster, above it slower; where the error bars (±) overlap the"
                + " difference is within the noise.");
        out.println();
    }

    /** One row of the io_uring table; nothing where the io_uring run did not include {@code key}. */
    private void ioUringRow(String label, String key) {
        Micro.Figure u = f.get(Micro.IO_URING + key);
        if (u == null) {
            return;
        }
        Micro.Figure e = f.get(key);
        out.printf("| %s | %s | %s | %s | %s | %s |%n", label, ns(e), ns(u), ratio(u, e == null ? Double.NaN : e.nanos()),
                bytes(e), bytes(u));
    }

    private void echo(String title, List<Echo.Row> rows) {
        out.println("### " + title + " (" + load + ", C epoll load generator)");
        out.println();
        out.println("| server | msg/s | p50 us | p99 us | server CPU us/msg | server CPU (cores) | client CPU us/msg | client CPU (cores) | clean stop |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for (Echo.Row r : rows) {
            out.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.server(), num(r.msgPerSec(), 0), num(r.p50(), 1),
                    num(r.p99(), 1), num(r.serverCpuUsPerMsg(), 2), num(r.serverBusy(), 2), num(r.clientCpuUsPerMsg(), 2),
                    num(r.clientBusy(), 2), r.cleanExit() ? "yes" : "NO");
        }
        out.println();
        out.println("A client near 1.00 core is saturated: msg/s then measures the load generator, and server CPU per"
                + " message is the figure to compare.");
        out.println();
    }

    private void targets() {
        out.println("### Targets");
        out.println();
        out.println("| target | measured | met |");
        out.println("|---|---|---|");
        Micro.Figure pipe = f.get("PipePingPong.pollux");
        Micro.Figure pipeNio = f.get("PipePingPong.nio");
        Micro.Figure wake = f.get("WakeRoundTrip.pollux");
        if (pipe != null) {
            target("pipe token passing <= 1.10x C floor", pipe.nanos() / pipeFloor, 1.10);
            if (pipeNio != null) {
                target("pipe token passing <= 0.6x JDK Selector", pipe.nanos() / pipeNio.nanos(), 0.6);
            }
            // JMH's gc profiler counts every thread of the fork, so a fork allocating a little in
            // the background shows B/op that grows with the time per operation; report that rate.
            out.printf("| 0 B/op in the Pollux poll loop (< 0.5 B/op within JMH's resolution) | pipe %s B/op, wake %s B/op;"
                    + " poll K of M: at most %s KB/s for the whole fork, however many events | %s |%n",
                    bytes(pipe), bytes(wake), num(worstScalingRate(), 0),
                    pipe.bytesPerOp() < 0.5 && (wake == null || wake.bytesPerOp() < 0.5) ? "yes" : "NO");
            flatness();
        }
        if (!this.wake.isEmpty()) {
            PinnedWake.Row oneCpu = this.wake.get(0);
            target("wake round trip, one CPU, pinned <= 1.10x C floor (interleaved)", oneCpu.pollux().ratio(), 1.10);
        } else if (wake != null) {
            target("wake round trip <= 1.10x C floor", wake.nanos() / wakeFloor, 1.10);
        }
        executorAllocation();
        Optional<Echo.Row> pollux = row("Pollux on Poll");
        Optional<Echo.Row> netty = row("Netty 4.2 epoll");
        Optional<Echo.Row> c = row("C floor (epoll)");
        if (pollux.isPresent() && netty.isPresent()) {
            target("echo: server CPU/msg <= Netty epoll's", pollux.get().serverCpuUsPerMsg() / netty.get().serverCpuUsPerMsg(), 1.0);
            target("echo: p99 latency <= Netty's", pollux.get().p99() / netty.get().p99(), 1.0);
        }
        if (pollux.isPresent() && c.isPresent()) {
            target("echo: server CPU/msg <= 1.10x C floor's", pollux.get().serverCpuUsPerMsg() / c.get().serverCpuUsPerMsg(), 1.10);
        }
        ioUringTargets();
        out.println();
    }

    /** The goals of io_uring (issue 11), each against epoll in this run. */
    private void ioUringTargets() {
        ioUringTarget("io_uring: pipe token passing <= epoll's time", "PipePingPong.pollux", 1.0);
        ioUringTarget("io_uring: register + deregister <= 0.5x epoll's time (2x the rate)",
                "RegistrationChurn.polluxRegisterDeregister", 0.5);
        ioUringTarget("io_uring: reregister <= 0.5x epoll's time (2x the rate)", "RegistrationChurn.polluxReregister", 0.5);
        Micro.Figure pipe = f.get(Micro.IO_URING + "PipePingPong.pollux");
        Micro.Figure wake = f.get(Micro.IO_URING + "WakeRoundTrip.pollux");
        if (pipe != null && wake != null) {
            out.printf("| 0 B/op in the Pollux poll loop on io_uring (< 0.5 B/op) | pipe %s B/op, wake %s B/op | %s |%n",
                    bytes(pipe), bytes(wake), pipe.bytesPerOp() < 0.5 && wake.bytesPerOp() < 0.5 ? "yes" : "NO");
        }
        for (String server : List.of("Pollux on Poll", "Pollux on the executor")) {
            Optional<Echo.Row> epoll = row(server);
            Optional<Echo.Row> uring = row(server + " (io_uring)");
            if (epoll.isPresent() && uring.isPresent()) {
                target("io_uring: echo server CPU/msg <= epoll's (" + server + ")",
                        uring.get().serverCpuUsPerMsg() / epoll.get().serverCpuUsPerMsg(), 1.0);
            }
        }
        Optional<Echo.Row> epoll = row("Pollux on the executor");
        Optional<Echo.Row> completion = row("Pollux on the executor (io_uring completion)");
        if (epoll.isPresent() && completion.isPresent()) {
            target("io_uring completion-based streams: echo server CPU/msg <= epoll's (Pollux on the executor)",
                    completion.get().serverCpuUsPerMsg() / epoll.get().serverCpuUsPerMsg(), 1.0);
        }
    }

    /** A target on the ratio of the io_uring figure of {@code key} to its epoll figure; nothing where either is missing. */
    private void ioUringTarget(String name, String key, double limit) {
        Micro.Figure epoll = f.get(key);
        Micro.Figure uring = f.get(Micro.IO_URING + key);
        if (epoll != null && uring != null) {
            target(name, uring.nanos() / epoll.nanos(), limit);
        }
    }

    /** The executor's allocation-free paths, judged as the poll loop's: below JMH's resolution of 0.5 B/op. */
    private void executorAllocation() {
        List<Micro.Figure> paths = EXECUTOR_PATHS.stream().limit(3).map(r -> f.get("RuntimeHotPaths." + r[1])).toList();
        if (paths.stream().allMatch(p -> p == null)) {
            return;
        }
        boolean met = paths.stream().allMatch(p -> p != null && p.bytesPerOp() < 0.5);
        out.printf("| 0 B/op on the executor's hot paths (< 0.5 B/op within JMH's resolution) | pipe ping-pong %s B/op,"
                + " with a timer pending %s B/op, local wake %s B/op | %s |%n",
                bytes(paths.get(0)), bytes(paths.get(1)), bytes(paths.get(2)), met ? "yes" : "NO");
    }

    private void flatness() {
        for (String k : K) {
            Micro.Figure small = f.get("PollScaling.pollux k=" + k + " m=1024");
            Micro.Figure large = f.get("PollScaling.pollux k=" + k + " m=10000");
            if (small != null && large != null) {
                target("poll cost flat in M (K=" + k + ": M=10000 / M=1024 <= 1.25)", large.nanos() / small.nanos(), 1.25);
            }
        }
    }

    /** The highest allocation rate (KB/s) of the Pollux poll K-of-M forks. */
    private double worstScalingRate() {
        return f.entrySet().stream().filter(e -> e.getKey().startsWith("PollScaling.pollux"))
                .mapToDouble(e -> e.getValue().bytesPerOp() / e.getValue().nanos() * 1e9 / 1024).max().orElse(0);
    }

    private Optional<Echo.Row> row(String label) {
        return single.stream().filter(r -> r.server().equals(label)).findFirst();
    }

    private void target(String name, double ratio, double limit) {
        out.printf("| %s | %s | %s |%n", name, times(ratio),
                Double.isNaN(ratio) ? "n/a" : ratio <= limit ? "yes" : "NO");
    }

    private static String ns(Micro.Figure fig) {
        return fig == null ? "n/a" : num(fig.nanos(), 1) + " ± " + num(fig.error(), 1);
    }

    private static String events(Micro.Figure fig, int k) {
        return fig == null ? "n/a" : num(k * 1e3 / fig.nanos(), 2);
    }

    private static String bytes(Micro.Figure fig) {
        return fig == null ? "n/a" : num(fig.bytesPerOp(), 3);
    }

    private static String ratio(Micro.Figure fig, double base) {
        return fig == null ? "n/a" : times(fig.nanos() / base);
    }

    private static String times(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : num(ratio, 2) + "x";
    }

    private static String num(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static String machine() {
        String cpu = "unknown CPU";
        long cores = Runtime.getRuntime().availableProcessors();
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(cpu);
        } catch (IOException e) {
            // not Linux: keep the placeholder
        }
        return cpu + ", " + cores + " cores, " + System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch");
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
