package dev.pollux.bench.trace;

import dev.pollux.bench.trace.StraceLines.Call;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the strace output of any program ({@code scripts/trace.sh run -- COMMAND} or
 * {@code --pid P}) and prints, for each poller thread (one that waits in {@code epoll_wait},
 * {@code kevent} or {@code io_uring_enter} at least twice: Pollux's event loops, a thread calling
 * {@code Poll.poll}, but also NIO's or Netty's), its system calls per loop iteration with their
 * errors, its slowest calls and the raw trace of one iteration; then one line for every other
 * thread.
 *
 * <p>Thread names come from the names file ({@code TID NAME} lines, read from
 * {@code /proc/PID/task/TID/comm} while the program ran) and from the {@code prctl(PR_SET_NAME)}
 * calls in the trace (threads started while traced); the kernel keeps 15 characters of a name.
 *
 * <p>{@code ProgramReport TRACE_FILE [NAMES_FILE]}
 */
public final class ProgramReport {
    private static final Pattern SET_NAME = Pattern.compile("^prctl\\(PR_SET_NAME, \"([^\"]*)\"");
    private static final Pattern NAME_LINE = Pattern.compile("^(\\d+) (.*)$");
    private static final int MIN_WAITS = 2;

    /** What one thread did: its calls in trace order, with counts and errors per call. */
    private static final class ThreadCalls {
        final int tid;
        final List<Integer> indexes = new ArrayList<>();
        final Map<String, Integer> counts = new LinkedHashMap<>();
        final Map<String, Map<String, Integer>> errors = new HashMap<>();
        int waits;

        ThreadCalls(int tid) {
            this.tid = tid;
        }

        void add(int index, Call call) {
            indexes.add(index);
            counts.merge(call.name(), 1, Integer::sum);
            if (call.errno() != null) {
                errors.computeIfAbsent(call.name(), k -> new TreeMap<>()).merge(call.errno(), 1, Integer::sum);
            }
            if (call.isWait()) {
                waits++;
            }
        }
    }

    private ProgramReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            throw new IllegalArgumentException("usage: ProgramReport TRACE_FILE [NAMES_FILE]");
        }
        List<Call> calls = StraceLines.read(Path.of(args[0]));
        Map<Integer, String> names = args.length > 1 ? names(Path.of(args[1])) : new HashMap<>();
        Map<Integer, ThreadCalls> threads = new LinkedHashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            Call call = calls.get(i);
            threads.computeIfAbsent(call.tid(), ThreadCalls::new).add(i, call);
            Matcher m = SET_NAME.matcher(call.text());
            if (m.find()) {
                names.put(call.tid(), m.group(1));
            }
        }
        print(calls, threads, names);
    }

    private static Map<Integer, String> names(Path file) throws IOException {
        Map<Integer, String> names = new HashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                Matcher m = NAME_LINE.matcher(line);
                if (m.matches()) {
                    names.put(Integer.parseInt(m.group(1)), m.group(2));
                }
            }
        }
        return names;
    }

    private static void print(List<Call> calls, Map<Integer, ThreadCalls> threads, Map<Integer, String> names) {
        List<ThreadCalls> pollers = threads.values().stream().filter(t -> t.waits >= MIN_WAITS)
                .sorted(Comparator.comparingInt((ThreadCalls t) -> t.waits).reversed()).toList();
        System.out.printf("# System calls of the traced program: %,d calls on %d threads, %d poller thread%s%n",
                calls.size(), threads.size(), pollers.size(), pollers.size() == 1 ? "" : "s");
        if (pollers.isEmpty()) {
            System.out.printf("%nNo thread waited in epoll_wait, kevent or io_uring_enter %d times or more:"
                    + " no Pollux loop ran while traced.%n", MIN_WAITS);
        }
        for (ThreadCalls t : pollers) {
            poller(calls, t, name(names, t.tid));
        }
        System.out.printf("%n## Other threads (calls while traced, most frequent first)%n%n");
        threads.values().stream().filter(t -> t.waits < MIN_WAITS)
                .sorted(Comparator.comparingInt((ThreadCalls t) -> t.indexes.size()).reversed())
                .forEach(t -> System.out.printf(Locale.ROOT, "%-8d %-16s %,8d calls: %s%n",
                        t.tid, name(names, t.tid), t.indexes.size(), top(t, 4)));
    }

    private static void poller(List<Call> calls, ThreadCalls all, String name) {
        // The loop: from the thread's first wait to its last; before it, the thread's start-up
        // (on "main", the JVM's), after it, its shutdown.
        List<Integer> waits = all.indexes.stream().filter(i -> calls.get(i).isWait()).toList();
        ThreadCalls t = new ThreadCalls(all.tid);
        all.indexes.stream().filter(i -> i >= waits.getFirst() && i <= waits.getLast()).forEach(i -> t.add(i, calls.get(i)));
        double iterations = t.waits;
        System.out.printf(Locale.ROOT, "%n## Poller thread %d \"%s\": %,d loop iterations (one wait each)%n%n",
                t.tid, name, t.waits);
        System.out.printf(Locale.ROOT, "%,d calls from its first wait to its last (%,d before, %,d after: start-up and shutdown)%n%n",
                t.indexes.size(), all.indexes.indexOf(waits.getFirst()), all.indexes.size() - 1 - all.indexes.indexOf(waits.getLast()));
        System.out.printf("%-22s %10s %10s  %s%n", "system call", "per iter", "calls", "errors");
        List<Map.Entry<String, Integer>> rows = t.counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .toList();
        int rare = 0;
        for (Map.Entry<String, Integer> e : rows) {
            if (e.getValue() / iterations < 0.01 && !t.errors.containsKey(e.getKey())) {
                rare += e.getValue();
                continue;
            }
            System.out.printf(Locale.ROOT, "%-22s %10.2f %,10d  %s%n", e.getKey(), e.getValue() / iterations, e.getValue(),
                    errors(t.errors.get(e.getKey())));
        }
        if (rare > 0) {
            System.out.printf(Locale.ROOT, "%-22s %10.2f %,10d%n", "(others, < 0.01 each)", rare / iterations, rare);
        }
        System.out.printf(Locale.ROOT, "%-22s %10.2f %,10d%n", "total", t.indexes.size() / iterations, t.indexes.size());

        List<Call> timed = t.indexes.stream().map(calls::get).filter(c -> c.seconds() >= 0).toList();
        if (!timed.isEmpty()) {
            System.out.printf("%n### Slowest calls in the loop (waits left out: they block by design)%n%n");
            timed.stream().filter(c -> !c.isWait())
                    .sorted(Comparator.comparingDouble(Call::seconds).reversed()).limit(5)
                    .forEach(c -> System.out.printf(Locale.ROOT, "%10.1f us  %s%n", c.seconds() * 1e6, StraceLines.show(c)));
            timed.stream().filter(Call::isWait).mapToDouble(Call::seconds).max().ifPresent(s -> System.out.printf(
                    Locale.ROOT, "longest wait: %.1f us%n", s * 1e6));
        }

        int start = waits.get(Math.max(0, waits.size() / 2 - 1));
        System.out.printf("%n### Raw trace of one iteration (thread %d, the middle of its loop)%n%n", t.tid);
        StraceLines.iteration(calls, start, 20).forEach(c -> System.out.println(StraceLines.show(c)));
    }

    private static String name(Map<Integer, String> names, int tid) {
        return names.getOrDefault(tid, "?");
    }

    private static String errors(Map<String, Integer> errors) {
        if (errors == null) {
            return "-";
        }
        StringBuilder s = new StringBuilder();
        errors.forEach((errno, n) -> s.append(s.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %,d", errno, n)));
        return s.toString();
    }

    private static String top(ThreadCalls t, int limit) {
        StringBuilder s = new StringBuilder();
        t.counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(e -> s.append(s.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue())
                        .append(t.errors.containsKey(e.getKey()) ? " (errors: " + errors(t.errors.get(e.getKey())) + ")" : ""));
        if (t.counts.size() > limit) {
            s.append(", ...");
        }
        return s.toString();
    }
}
