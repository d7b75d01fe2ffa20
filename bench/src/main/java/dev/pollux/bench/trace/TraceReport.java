package dev.pollux.bench.trace;

import dev.pollux.bench.trace.StraceLines.Call;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the strace output files of one workload ({@code strace -f -o FILE}) and prints, side by
 * side, the system calls per operation of each implementation's hot-loop threads, then an excerpt
 * of the raw trace of one Pollux loop iteration, then flags every system call in Pollux's hot
 * loop beyond the necessary ones.
 *
 * <p>The hot threads and the measured window come from {@link Markers} when the trace has them
 * (ping-pong, wake); an echo server's trace has none (strace attached for the measured run only),
 * and its hot threads are those that called {@code epoll_wait} (or, on the io_uring backend,
 * {@code io_uring_enter}) at least once per hundred operations, or read at least every other
 * operation.
 *
 * <p>{@code TraceReport WORKLOAD OPS name=FILE...}; the first name is Pollux's.
 */
public final class TraceReport {
    /** What one operation of Pollux's hot loop needs: wait, read and write categories. */
    private static final Map<String, Map<String, Double>> NEEDED = Map.of(
            "ping-pong", Map.of("wait", 1.0, "read", 1.0, "write", 1.0),
            "wake", Map.of("wait", 2.0, "write", 2.0),
            "echo", Map.of("wait", 1.0, "read", 1.0, "write", 1.0));

    /** Calls the JVM makes on any thread now and then (JIT installs, safepoints, GC), not the loop. */
    private static final Set<String> JVM_OWN = Set.of("futex", "mprotect", "madvise", "mmap", "munmap");

    private record Trace(String name, Map<String, Double> perOp, List<Call> window, Set<Integer> hot) {}

    private TraceReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: TraceReport WORKLOAD OPS name=FILE...");
        }
        String workload = args[0];
        int ops = Integer.parseInt(args[1]);
        List<Trace> traces = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String[] nameFile = args[i].split("=", 2);
            traces.add(read(nameFile[0], Path.of(nameFile[1]), ops));
        }
        print(workload, ops, traces);
    }

    private static Trace read(String name, Path file, int ops) throws IOException {
        List<Call> lines = StraceLines.read(file);
        Set<Integer> hot = new HashSet<>();
        int begin = -1;
        int end = lines.size();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).text();
            if (text.contains(Markers.PREFIX + Markers.THREAD)) {
                hot.add(lines.get(i).tid());
            } else if (text.contains(Markers.PREFIX + Markers.BEGIN)) {
                begin = i;
            } else if (text.contains(Markers.PREFIX + Markers.END)) {
                end = i;
            }
        }
        if (hot.isEmpty()) {
            // No markers: the threads that waited in epoll_wait often enough run the loop, and
            // so do those that read at least every other operation (a loop on io_uring finds
            // most completions in the ring and may hardly ever wait).
            Map<Integer, Integer> waits = new HashMap<>();
            Map<Integer, Integer> reads = new HashMap<>();
            for (Call l : lines) {
                if (l.isWait()) {
                    waits.merge(l.tid(), 1, Integer::sum);
                } else if ("read".equals(category(l.name()))) {
                    reads.merge(l.tid(), 1, Integer::sum);
                }
            }
            waits.forEach((tid, n) -> {
                if (n >= ops / 100.0) {
                    hot.add(tid);
                }
            });
            reads.forEach((tid, n) -> {
                if (n >= ops / 2.0) {
                    hot.add(tid);
                }
            });
        } else if (begin < 0) {
            throw new IOException(file + ": no begin marker; did the workload finish?");
        }
        List<Call> window = new ArrayList<>();
        Map<String, Double> perOp = new LinkedHashMap<>();
        for (int i = begin + 1; i < end; i++) {
            Call l = lines.get(i);
            if (hot.contains(l.tid()) && !l.text().contains(Markers.PREFIX)) {
                window.add(l);
                perOp.merge(l.name(), 1.0 / ops, Double::sum);
            }
        }
        return new Trace(name, perOp, window, hot);
    }

    private static void print(String workload, int ops, List<Trace> traces) {
        System.out.printf("## System calls per operation: %s (%,d operations traced, hot-loop threads only)%n%n", workload, ops);
        Set<String> calls = new TreeSet<>();
        traces.forEach(t -> calls.addAll(t.perOp().keySet()));
        StringBuilder header = new StringBuilder(String.format("%-22s", "system call"));
        traces.forEach(t -> header.append(String.format("%12s", t.name())));
        System.out.println(header);
        for (String call : calls) {
            StringBuilder row = new StringBuilder(String.format("%-22s", call));
            for (Trace t : traces) {
                Double v = t.perOp().get(call);
                row.append(String.format(Locale.ROOT, "%12s", v == null ? "-" : String.format(Locale.ROOT, "%.2f", v)));
            }
            System.out.println(row);
        }
        StringBuilder total = new StringBuilder(String.format("%-22s", "total"));
        for (Trace t : traces) {
            double sum = t.perOp().values().stream().mapToDouble(Double::doubleValue).sum();
            total.append(String.format(Locale.ROOT, "%12.2f", sum));
        }
        System.out.println(total);
        StringBuilder threads = new StringBuilder(String.format("%-22s", "hot threads"));
        traces.forEach(t -> threads.append(String.format("%12d", t.hot().size())));
        System.out.println(threads);

        Trace pollux = traces.get(0);
        excerpt(pollux);
        flags(workload, pollux);
    }

    /** The raw trace of one iteration in the middle of the window: from one wait to the next. */
    private static void excerpt(Trace pollux) {
        List<Call> w = pollux.window();
        System.out.printf("%n## Raw trace of one %s loop iteration (middle of the window)%n%n", pollux.name());
        int start = -1;
        for (int i = w.size() / 2; i < w.size(); i++) {
            if (w.get(i).isWait()) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            System.out.println("(no epoll_wait in the window)");
            return;
        }
        StraceLines.iteration(w, start, 12).forEach(l -> System.out.println(StraceLines.show(l)));
    }

    private static void flags(String workload, Trace pollux) {
        Map<String, Double> needed = NEEDED.getOrDefault(workload, Map.of());
        Map<String, Double> byCategory = new HashMap<>();
        List<String> flagged = new ArrayList<>();
        pollux.perOp().forEach((call, perOp) -> {
            String category = category(call);
            if (category == null || !needed.containsKey(category)) {
                if (perOp >= 0.01) {
                    flagged.add(String.format(Locale.ROOT, "%s: %.2f per operation, not needed by this loop%s", call, perOp,
                            JVM_OWN.contains(call) ? " (usually the JVM's own: JIT, safepoints, GC; shrinks with more --ops)" : ""));
                }
            } else {
                byCategory.merge(category, perOp, Double::sum);
            }
        });
        needed.forEach((category, limit) -> {
            double got = byCategory.getOrDefault(category, 0.0);
            if (got > limit + 0.01) {
                flagged.add(String.format(Locale.ROOT, "%s calls: %.2f per operation, %.0f needed", category, got, limit));
            }
        });
        System.out.printf("%n## Pollux hot loop check (needed per operation: %s)%n%n", describe(needed));
        if (flagged.isEmpty()) {
            System.out.println("OK: no system call beyond the necessary ones");
        } else {
            flagged.forEach(f -> System.out.println("FLAG: " + f));
        }
    }

    private static String describe(Map<String, Double> needed) {
        StringBuilder s = new StringBuilder();
        new TreeSet<>(needed.keySet()).forEach(k -> s.append(s.isEmpty() ? "" : ", ")
                .append(String.format(Locale.ROOT, "%.0f %s", needed.get(k), k)));
        return s.toString();
    }

    private static String category(String call) {
        if (StraceLines.isWait(call)) {
            return "wait";
        }
        return switch (call) {
            case "read", "readv", "recvfrom", "recvmsg", "recv" -> "read";
            case "write", "writev", "sendto", "sendmsg", "send" -> "write";
            default -> null;
        };
    }
}
