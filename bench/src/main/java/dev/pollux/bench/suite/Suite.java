package dev.pollux.bench.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole comparison in one run, as {@code scripts/bench.sh} starts it: the JMH benchmarks
 * (Pollux and JDK NIO, with the gc profiler), the C floor programs, the pinned wake round trip
 * interleaved with its C floor ({@link PinnedWake}), and the echo benchmark over every available
 * server, then one Markdown report on standard output (progress goes to standard error), ready to
 * paste into {@code bench/RESULTS.md}. {@code --wake-only} runs the pinned wake round trip alone.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.pollux.bench.suite.Suite [--mode smoke|quick|full]
 *     [--c-dir bench/target/c] [--servers pollux,runtime,nio,netty,c] [--skip-micro] [--skip-echo]
 *     [--skip-wake | --wake-only] [--connections N] [--depth D] [--size S] [--command "how it was started"]
 * </pre>
 */
public final class Suite {
    private Suite() {}

    public static void main(String[] args) throws Exception {
        Mode mode = Mode.QUICK;
        Path cDir = Path.of("bench/target/c");
        List<String> servers = List.of("pollux", "runtime", "nio", "netty", "c");
        boolean micro = true;
        boolean echo = true;
        boolean pinnedWake = true;
        int connections = 32;
        int depth = 1;
        int size = 64;
        String command = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = Mode.valueOf(args[++i].toUpperCase(Locale.ROOT));
                case "--c-dir" -> cDir = Path.of(args[++i]);
                case "--servers" -> servers = List.of(args[++i].split(","));
                case "--skip-micro" -> micro = false;
                case "--skip-echo" -> echo = false;
                case "--skip-wake" -> pinnedWake = false;
                case "--wake-only" -> {
                    micro = false;
                    echo = false;
                }
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--depth" -> depth = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--command" -> command = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = cDir.getParent() == null ? Path.of("suite") : cDir.getParent().resolve("suite");
        Files.createDirectories(work);

        Map<String, Micro.Figure> figures = new LinkedHashMap<>();
        double pipeFloor = Double.NaN;
        double pipeFloorThreaded = Double.NaN;
        double wakeFloor = Double.NaN;
        if (micro) {
            Path log = work.resolve("jmh.log");
            System.err.println("JMH: Pollux and JDK NIO with -prof gc, mode " + mode + "; log in " + log);
            figures = Micro.run(mode, log);
            System.err.println("C floor: pipe ping-pong and wake round trip");
            pipeFloor = Floor.nanosPerOp(cDir.resolve("pipe_pingpong"), mode.pipeFloorIterations, mode.floorRuns);
            pipeFloorThreaded = Floor.nanosPerOp(cDir.resolve("pipe_pingpong"), mode.pipeFloorIterations, mode.floorRuns,
                    Integer.toString(mode.pipeFloorIterations / 10), "1");
            wakeFloor = Floor.nanosPerOp(cDir.resolve("wake_roundtrip"), mode.wakeFloorIterations, mode.floorRuns);
        }

        List<PinnedWake.Row> wake = List.of();
        if (pinnedWake) {
            wake = PinnedWake.run(cDir, mode);
        }

        Echo.Load load = new Echo.Load(connections, depth, size);
        List<Echo.Row> single = new ArrayList<>();
        List<Echo.Row> multi = new ArrayList<>();
        if (echo) {
            Echo driver = new Echo(cDir, mode, load);
            for (String name : servers) {
                EchoServers.Server server = EchoServers.byName(name)
                        .orElseThrow(() -> new IllegalArgumentException("no echo server named " + name));
                driver.run(server, 1).ifPresent(single::add);
            }
            for (String name : servers) {
                driver.run(EchoServers.byName(name).orElseThrow(), 2).ifPresent(multi::add);
            }
        }
        new Report(mode, command, figures, pipeFloor, pipeFloorThreaded, wakeFloor, wake, load, single, multi).print(System.out);
    }
}
