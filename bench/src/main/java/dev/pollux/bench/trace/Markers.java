package dev.pollux.bench.trace;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Marks points in a system-call trace: each marker is a {@code stat} of a path that does not
 * exist, which costs one system call and shows up in strace's output with its name, so
 * {@link TraceReport} can find which threads run the hot loop and where the measured window
 * begins and ends.
 */
final class Markers {
    static final String PREFIX = "/pollux-trace-marker/";
    static final String THREAD = "thread";
    static final String BEGIN = "begin";
    static final String END = "end";

    private Markers() {}

    /** Called once by each thread of the hot loop. */
    static void hotThread() {
        mark(THREAD);
    }

    static void begin() {
        mark(BEGIN);
    }

    static void end() {
        mark(END);
    }

    private static void mark(String name) {
        if (Files.exists(Path.of(PREFIX + name))) {
            throw new IllegalStateException(PREFIX + name + " exists; remove it");
        }
    }
}
