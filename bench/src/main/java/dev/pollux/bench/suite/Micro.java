package dev.pollux.bench.suite;

import dev.pollux.Backend;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks of {@code dev.pollux.bench.jmh} (Pollux and its JDK NIO peer in one
 * run) with the gc profiler, and keeps each one's time per operation and bytes allocated per
 * operation, keyed {@code Class.method}, {@code Class.method k=.. m=..} or
 * {@code Class.method timer=..}. {@link #runOnIoUring} runs the Pollux benchmarks whose cost
 * depends on the backend again on io_uring, keyed the same after {@link #IO_URING}.
 */
final class Micro {
    /** One benchmark's figures. */
    record Figure(double nanos, double error, double bytesPerOp) {}

    /** The prefix of the keys of the io_uring run's figures. */
    static final String IO_URING = "io_uring ";

    private static final String PACKAGE = "dev.pollux.bench.jmh.";
    private static final String PACKAGE_PATTERN = "dev\\.pollux\\.bench\\.jmh\\.";

    /**
     * The Pollux benchmarks that run again on io_uring: the poll loop's, and the executor's paths
     * that poll or wake (its timer and blockOn hand-off cost the same on either backend).
     */
    private static final List<String> ON_IO_URING = List.of("(PipePingPong|WakeRoundTrip|PollScaling)\\.pollux$",
            "RegistrationChurn\\.pollux\\w+$", "RuntimeHotPaths\\.(pipePingPong|localWake)$");

    /** Smoke mode's subset: no executor, and poll K-of-M for K = 64 of M = 1024 only. */
    private static final int SMOKE_ON_IO_URING = 2;

    private Micro() {}

    /** Every benchmark on the default backend (epoll on Linux). */
    static Map<String, Figure> run(Mode mode, Path log) throws RunnerException {
        ChainedOptionsBuilder options = options(mode, log).include(PACKAGE_PATTERN + ".*");
        if (mode == Mode.SMOKE) {
            options.param("m", "1024");
        }
        return figures(new Runner(options.build()).run(), "");
    }

    /** The backend-dependent Pollux benchmarks on io_uring, in forks started with {@code -Dpollux.backend=io_uring}. */
    static Map<String, Figure> runOnIoUring(Mode mode, Path log) throws RunnerException {
        ChainedOptionsBuilder options = options(mode, log, ChildJvm.backendProperty(Backend.IO_URING));
        List<String> benchmarks = mode == Mode.SMOKE ? ON_IO_URING.subList(0, SMOKE_ON_IO_URING) : ON_IO_URING;
        for (String benchmark : benchmarks) {
            options.include(PACKAGE_PATTERN + benchmark);
        }
        if (mode == Mode.SMOKE) {
            options.param("k", "64").param("m", "1024");
        }
        return figures(new Runner(options.build()).run(), IO_URING);
    }

    /** What every run shares: the mode's iterations and forks, the gc profiler, the log file. */
    private static ChainedOptionsBuilder options(Mode mode, Path log, String... jvmArgs) {
        String[] forkArgs = new String[jvmArgs.length + 1];
        forkArgs[0] = "--enable-native-access=ALL-UNNAMED";
        System.arraycopy(jvmArgs, 0, forkArgs, 1, jvmArgs.length);
        return new OptionsBuilder()
                .addProfiler(GCProfiler.class)
                .warmupIterations(mode.warmupIterations)
                .warmupTime(TimeValue.milliseconds(mode.iterationMillis))
                .measurementIterations(mode.measurementIterations)
                .measurementTime(TimeValue.milliseconds(mode.iterationMillis))
                .forks(mode.forks)
                // CI's smoke run checks that every benchmark runs: a failing one (an exception, a
                // wrong event count) fails it instead of leaving its rows out of the report.
                .shouldFailOnError(mode == Mode.SMOKE)
                .jvmArgsAppend(forkArgs)
                .output(log.toString());
    }

    private static Map<String, Figure> figures(Collection<RunResult> results, String prefix) {
        Map<String, Figure> figures = new LinkedHashMap<>();
        for (RunResult r : results) {
            String key = prefix + r.getParams().getBenchmark().substring(PACKAGE.length());
            if (r.getParams().getParam("k") != null) {
                key += " k=" + r.getParams().getParam("k") + " m=" + r.getParams().getParam("m");
            }
            if (r.getParams().getParam("timer") != null) {
                key += " timer=" + r.getParams().getParam("timer");
            }
            Result<?> primary = r.getPrimaryResult();
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            figures.put(key, new Figure(primary.getScore(), primary.getScoreError(),
                    alloc == null ? Double.NaN : alloc.getScore()));
        }
        return figures;
    }
}
