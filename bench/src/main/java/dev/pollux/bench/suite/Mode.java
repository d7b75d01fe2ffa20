package dev.pollux.bench.suite;

/**
 * How long the suite runs: {@code SMOKE} checks that everything runs and prints (seconds, figures
 * meaningless), {@code QUICK} gives usable ratios in a few minutes, {@code FULL} gives figures
 * worth publishing.
 */
public enum Mode {
    SMOKE(0, 1, 100, 1, 1, 200_000, 20_000, 1, 5_000, 5_000, 0.3, 0.5),
    QUICK(2, 3, 1000, 1, 3, 2_000_000, 300_000, 5, 200_000, 200_000, 2, 5),
    FULL(5, 10, 2000, 2, 5, 5_000_000, 1_000_000, 9, 500_000, 500_000, 5, 20);

    final int warmupIterations;
    final int measurementIterations;
    final int iterationMillis;
    final int forks;
    /** How many times each C floor program runs; the median is reported. */
    final int floorRuns;
    final int pipeFloorIterations;
    final int wakeFloorIterations;
    /**
     * Pairs of runs (C floor, then Pollux; with io_uring, rounds of C, Pollux on epoll, Pollux on
     * io_uring) per layout of the pinned wake round trip.
     */
    final int wakePairs;
    /** Round trips per run of the pinned wake round trip, C and Pollux alike. */
    final int wakePinnedIterations;
    /** Round trips the Pollux probe makes before its first measured run. */
    final int wakeProbeWarmup;
    final double echoWarmupSeconds;
    final double echoSeconds;

    Mode(int warmupIterations, int measurementIterations, int iterationMillis, int forks, int floorRuns,
            int pipeFloorIterations, int wakeFloorIterations, int wakePairs, int wakePinnedIterations, int wakeProbeWarmup,
            double echoWarmupSeconds, double echoSeconds) {
        this.warmupIterations = warmupIterations;
        this.measurementIterations = measurementIterations;
        this.iterationMillis = iterationMillis;
        this.forks = forks;
        this.floorRuns = floorRuns;
        this.pipeFloorIterations = pipeFloorIterations;
        this.wakeFloorIterations = wakeFloorIterations;
        this.wakePairs = wakePairs;
        this.wakePinnedIterations = wakePinnedIterations;
        this.wakeProbeWarmup = wakeProbeWarmup;
        this.echoWarmupSeconds = echoWarmupSeconds;
        this.echoSeconds = echoSeconds;
    }
}
