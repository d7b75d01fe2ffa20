package dev.pollux.bench.suite;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
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
 * {@code Class.method timer=..}.
 */
final class Micro {
    /** One benchmark's figures. */
    record Figure(double nanos, double error, double bytesPerOp) {}

    private Micro() {}

    static Map<String, Figure> run(Mode mode, Path log) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("dev\\.pollux\\.bench\\.jmh\\..*")
                .addProfiler(GCProfiler.class)
                .warmupIterations(mode.warmupIterations)
                .warmupTime(TimeValue.milliseconds(mode.iterationMillis))
                .measurementIterations(mode.measurementIterations)
                .measurementTime(TimeValue.milliseconds(mode.iterationMillis))
                .forks(mode.forks)
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED")
                .output(log.toString());
        if (mode == Mode.SMOKE) {
            options.param("m", "1024");
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Figure> figures = new LinkedHashMap<>();
        for (RunResult r : results) {
            String benchmark = r.getParams().getBenchmark();
            String key = benchmark.substring("dev.pollux.bench.jmh.".length());
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
