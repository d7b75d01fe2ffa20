package dev.pollux.bench.suite;

import dev.pollux.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The whole comparison in one run, as {@code scripts/bench.sh} starts it: the JMH benchmarks
 * (Pollux and JDK NIO, with the gc profiler), the C floor programs, the pinned wake round trip
 * interleaved with its C floor ({@link PinnedWake}), and the echo benchmark over every available
 * server, then one Markdown report on standard output (progress goes to standard error), ready to
 * paste into {@code bench/RESULTS.md}. {@code --wake-only} runs the pinned wake round trip alone.
 * Where io_uring opens (and unless {@code --skip-io-uring}), Pollux runs on it too, in the same
 * run: the backend-dependent JMH benchmarks in a second JMH run, a third run in each round of the
 * pinned wake round trip, and the echo servers {@code pollux-io_uring}, {@code runtime-io_uring} and
 * {@code runtime-completion}.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.pollux.bench.suite.Suite [--mode smoke|quick|full]
 *     [--c-dir bench/target/c] [--servers pollux,pollux-io_uring,runtime,runtime-io_uring,runtime-completion,nio,netty,c]
 *     [--skip-micro] [--skip-echo] [--skip-wake | --wake-only] [--skip-io-uring]
 *     [--connections N] [--depth D] [--size S] [--command "how it was started"]
 * </pre>
 */
public final class Suite {
    private Suite() {}

    public static void main(String[] args) throws Exception {
        Mode mode = Mode.QUICK;
        Path cDir = Path.of("bench/target/c");
        List<String> servers = null;
        boolean micro = true;
        boolean echo = true;
        boolean pinnedWake = true;
        boolean skipIoUring = false;
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
                case "--skip-io-uring" -> skipIoUring = true;
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
        Optional<String> ioUringSkipped = skipIoUring ? Optional.of("skipped with --skip-io-uring") : ChildJvm.unavailable(Backend.IO_URING);
        ioUringSkipped.ifPresent(why -> System.err.println("io_uring not measured, epoll only: " + why));
        boolean ioUring = ioUringSkipped.isEmpty();

        Map<String, Micro.Figure> figures = new LinkedHashMap<>();
        double pipeFloor = Double.NaN;
        double pipeFloorThreaded = Double.NaN;
        double wakeFloor = Double.NaN;
        if (micro) {
            Path log = work.resolve("jmh.log");
            System.err.println("JMH: Pollux and JDK NIO with -prof gc, mode " + mode + "; log in " + log);
            figures = Micro.run(mode, log);
            if (ioUring) {
                Path uringLog = work.resolve("jmh-io_uring.log");
                System.err.println("JMH: the Pollux benchmarks again on io_uring (-Dpollux.backend=io_uring); log in " + uringLog);
                figures.putAll(Micro.runOnIoUring(mode, uringLog));
            }
            System.err.println("C floor: pipe ping-pong and wake round trip");
            pipeFloor = Floor.nanosPerOp(cDir.resolve("pipe_pingpong"), mode.pipeFloorIterations, mode.floorRuns);
            pipeFloorThreaded = Floor.nanosPerOp(cDir.resolve("pipe_pingpong"), mode.pipeFloorIterations, mode.floorRuns,
                    Integer.toString(mode.pipeFloorIterations / 10), "1");
            wakeFloor = Floor.nanosPerOp(cDir.resolve("wake_roundtrip"), mode.wakeFloorIterations, mode.floorRuns);
        }

        List<PinnedWake.Row> wake = List.of();
        if (pinnedWake) {
            wake = PinnedWake.run(cDir, mode, ioUring);
        }

        Echo.Load load = new Echo.Load(connections, depth, size);
        List<Echo.Row> single = new ArrayList<>();
        List<Echo.Row> multi = new ArrayList<>();
        if (echo) {
            Echo driver = new Echo(cDir, mode, load);
            List<EchoServers.Server> echoServers = echoServers(servers, ioUring);
            for (EchoServers.Server server : echoServers) {
                driver.run(server, 1).ifPresent(single::add);
            }
            for (EchoServers.Server server : echoServers) {
                driver.run(server, 2).ifPresent(multi::add);
            }
        }
        new Report(mode, command, ioUringSkipped.orElse(null), figures, pipeFloor, pipeFloorThreaded, wakeFloor, wake, load,
                single, multi).print(System.out);
    }

    /** The echo servers named (every one when {@code names} is null), less those on io_uring unless it is measured. */
    private static List<EchoServers.Server> echoServers(List<String> names, boolean ioUring) {
        List<EchoServers.Server> servers = new ArrayList<>();
        for (String name : names == null ? EchoServers.ALL.stream().map(EchoServers.Server::name).toList() : names) {
            EchoServers.Server server = EchoServers.byName(name)
                    .orElseThrow(() -> new IllegalArgumentException("no echo server named " + name));
            if (server.backend() == Backend.IO_URING && !ioUring) {
                if (names != null) {
                    System.err.println("echo server '" + name + "' skipped: io_uring is not measured");
                }
                continue;
            }
            servers.add(server);
        }
        return servers;
    }
}
