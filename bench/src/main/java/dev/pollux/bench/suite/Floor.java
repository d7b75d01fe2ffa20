package dev.pollux.bench.suite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs a C floor program (built by scripts/bench.sh) a few times and returns its median ns/op. */
final class Floor {
    private static final Pattern NS_PER_OP = Pattern.compile("ns_per_op=([0-9.]+)");

    private Floor() {}

    /**
     * The median ns/op, or NaN when the program is not there (a message says so). {@code extra}
     * arguments follow the iteration count.
     */
    static double nanosPerOp(Path binary, int iterations, int runs, String... extra) throws IOException, InterruptedException {
        if (!Files.isExecutable(binary)) {
            System.err.println("C floor " + binary + " not built: skipped (scripts/bench.sh builds it with gcc)");
            return Double.NaN;
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            List<String> args = new ArrayList<>(List.of(Integer.toString(iterations)));
            args.addAll(List.of(extra));
            String out = output(binary, args.toArray(String[]::new));
            Matcher m = NS_PER_OP.matcher(out);
            if (!m.find()) {
                throw new IOException(binary + " printed no ns_per_op: " + out);
            }
            values.add(Double.parseDouble(m.group(1)));
        }
        Collections.sort(values);
        return values.get(values.size() / 2);
    }

    /** Runs {@code binary} with {@code args} once and returns what it printed; fails if it fails. */
    static String output(Path binary, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(binary + " failed: " + out);
        }
        return out;
    }
}
