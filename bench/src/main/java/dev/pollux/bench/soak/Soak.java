package dev.pollux.bench.soak;

import dev.pollux.bench.soak.Tally.Kind;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The soak, as {@code scripts/soak.sh} starts it: each echo server in turn in its own JVM, under
 * {@link Load}'s mix of clients for the given time, with the server's open descriptors and RSS
 * sampled every few seconds. Prints one Markdown section per server on standard output (the
 * servers' own output goes to standard error) and exits 1 when any server fails a check:
 *
 * <ul>
 *   <li>no unexpected client failure: every echoed byte equals the byte sent at its position, no
 *       connection is refused, reset by the server, ended early or stalled past its timeout;
 *   <li>every kind of client in the mix completed connections;
 *   <li>descriptors: once the load has stopped, the server is back to its idle count before the
 *       load, exactly (every connection's descriptor was closed); and under load, the median of
 *       the last samples exceeds the median of the first samples after warm-up by at most the
 *       number of clients plus {@value #LOAD_FD_SLACK} (each client holds
 *       at most one connection, so more than that is descriptors that outlive their connection);
 *   <li>RSS: the median of the last samples exceeds the median of the first samples after warm-up
 *       by at most {@value #RSS_SLACK_MIB} MiB plus {@value #RSS_SLACK_PERCENT}% (see
 *       {@link #RSS_SLACK_MIB});
 *   <li>the server runs until the end and exits within {@value #STOP_SECONDS} s of SIGTERM.
 * </ul>
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.pollux.bench.soak.Soak [--seconds S] [--servers pollux,runtime]
 *     [--clients C] [--slow-readers R] [--timeout S] [--threads T] [--interval S] [--warmup S]
 *     [--server-option JVM-OPTION]... [--command "..."]
 * </pre>
 */
public final class Soak {
    /**
     * Descriptors the server may hold above its idle count once the load is over: none. A JVM idle
     * for a second opens nothing more on its own (every run measured the same count before and
     * after), and a slack of a few once hid the few connections a server had lost track of.
     */
    static final int IDLE_FD_SLACK = 0;

    /** Under load, on top of one connection per client: connections whose close the server has yet to see. */
    static final int LOAD_FD_SLACK = 4;

    /**
     * RSS after warm-up may still grow a little with no leak: C2 keeps compiling (code cache),
     * metaspace and GC bookkeeping settle, malloc arenas reach their high-water mark. The heap is
     * fixed and pre-touched ({@link ServerProcess#JVM_OPTIONS}), so it does not move RSS. Coarse
     * for a short run, fine for a long one: at about 150,000 connections a minute, a leak of 32
     * bytes per connection exceeds it within 10 minutes, one of a few KiB within 20 seconds.
     */
    static final int RSS_SLACK_MIB = 16;

    static final int RSS_SLACK_PERCENT = 10;

    static final int STOP_SECONDS = 15;

    /** How many samples at the start and the end of the steady part are compared (their medians). */
    private static final int COMPARED = 3;

    private static final Map<String, String[]> SERVERS = new LinkedHashMap<>();

    static {
        SERVERS.put("pollux", new String[] {"Pollux on Poll", "dev.pollux.bench.servers.PollEchoServer"});
        SERVERS.put("runtime", new String[] {"Pollux on the executor", "dev.pollux.bench.servers.RuntimeEchoServer"});
    }

    private Soak() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        PrintStream out = System.out;
        List<String> failures = new ArrayList<>();
        for (String name : o.servers) {
            String[] server = SERVERS.get(name);
            if (server == null) {
                throw new IllegalArgumentException("no echo server named " + name + "; known: " + SERVERS.keySet());
            }
            List<String> problems = soak(o, server[0], server[1], out);
            problems.forEach(p -> failures.add(name + ": " + p));
        }
        if (failures.isEmpty()) {
            out.println("soak: PASS (" + String.join(", ", o.servers) + ")");
        } else {
            out.println("soak: FAIL");
            failures.forEach(f -> out.println("  - " + f));
        }
        out.flush();
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    /** One server's soak: prints its section and returns what failed (empty when it passed). */
    private static List<String> soak(Options o, String label, String mainClass, PrintStream out)
            throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        out.printf(Locale.ROOT, "### Soak: %s (%d s, %d clients of which %d slow readers, %d event loop%s)%n%n", label,
                o.seconds, o.clients, o.slowReaders, o.threads, o.threads == 1 ? "" : "s");
        if (!o.command.isEmpty()) {
            out.println("command: `" + o.command + "`; connection timeout " + o.timeout + " s, samples every "
                    + o.interval + " s, warm-up " + o.warmup + " s");
            out.println();
        }
        out.println("| time s | connections | MiB echoed | resets sent (expected) | unexpected errors | fds | RSS MiB |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|");
        try (ServerProcess server = ServerProcess.start(mainClass, o.threads, o.serverOptions)) {
            Thread.sleep(1000); // let the server finish starting before its idle figures are taken
            int idleFdsBefore = server.openDescriptors();
            long idleRssBefore = server.rssKib();
            row(out, "0 (idle)", null, idleFdsBefore, idleRssBefore);

            Load load = new Load(new InetSocketAddress("127.0.0.1", server.port()), o.clients, o.slowReaders,
                    TimeUnit.SECONDS.toMillis(o.timeout));
            Thread loader = Thread.ofPlatform().name("soak-load").start(() -> {
                try {
                    load.run(TimeUnit.SECONDS.toNanos(o.seconds));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long start = System.nanoTime();
            List<double[]> steady = new ArrayList<>(); // {fds, rss KiB} of the samples after warm-up
            long maxFds = idleFdsBefore;
            long maxRss = idleRssBefore;
            boolean died = false;
            for (int k = 1; loader.isAlive(); k++) {
                long next = start + TimeUnit.SECONDS.toNanos((long) k * o.interval);
                long wait = TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime());
                if (wait > 0) {
                    loader.join(wait);
                }
                if (!server.isAlive()) {
                    died = true;
                    load.stop();
                    loader.join();
                    break;
                }
                double t = (System.nanoTime() - start) / 1e9;
                int fds = server.openDescriptors();
                long rss = server.rssKib();
                maxFds = Math.max(maxFds, fds);
                maxRss = Math.max(maxRss, rss);
                if (t >= o.warmup) {
                    steady.add(new double[] {fds, rss});
                }
                row(out, String.format(Locale.ROOT, loader.isAlive() ? "%.0f" : "%.0f (load over)", t),
                        load.tally().snapshot(), fds, rss);
            }
            Tally.Snapshot total = load.tally().snapshot();
            if (died) {
                problems.add("the server exited during the run");
                out.println();
                report(out, total, load, o.slowReaders > 0, problems);
                return problems;
            }

            // Once the clients are gone the server must close every connection: wait a little for
            // it to see the last ends of stream, then compare with its idle count before the load.
            int idleFdsAfter = server.openDescriptors();
            for (int i = 0; i < 40 && idleFdsAfter > idleFdsBefore + IDLE_FD_SLACK; i++) {
                Thread.sleep(250);
                idleFdsAfter = server.openDescriptors();
            }
            long idleRssAfter = server.rssKib();
            row(out, "end (idle)", total, idleFdsAfter, idleRssAfter);
            out.println();
            report(out, total, load, o.slowReaders > 0, problems);

            out.printf(Locale.ROOT, "- fds: %d idle before the load, %d after it (tolerance +%d); max %d%n",
                    idleFdsBefore, idleFdsAfter, IDLE_FD_SLACK, maxFds);
            if (idleFdsAfter > idleFdsBefore + IDLE_FD_SLACK) {
                problems.add(String.format(Locale.ROOT,
                        "descriptors leaked: %d open when idle after the load, %d before it (tolerance +%d)",
                        idleFdsAfter, idleFdsBefore, IDLE_FD_SLACK));
            }
            int compared = Math.min(COMPARED, steady.size() / 2);
            if (compared == 0) {
                out.println("- growth under load not checked: fewer than 2 samples after the warm-up of " + o.warmup
                        + " s");
            } else {
                double fdsFirst = median(steady.subList(0, compared), 0);
                double fdsLast = median(steady.subList(steady.size() - compared, steady.size()), 0);
                double rssFirst = median(steady.subList(0, compared), 1) / 1024;
                double rssLast = median(steady.subList(steady.size() - compared, steady.size()), 1) / 1024;
                double rssAllowed = RSS_SLACK_MIB + rssFirst * RSS_SLACK_PERCENT / 100.0;
                int fdsAllowed = o.clients + LOAD_FD_SLACK;
                out.printf(Locale.ROOT,
                        "- fds under load (median of the first and last %d samples after warm-up): %.0f -> %.0f"
                                + " (tolerance +%d: one per client, plus %d)%n",
                        compared, fdsFirst, fdsLast, fdsAllowed, LOAD_FD_SLACK);
                out.printf(Locale.ROOT,
                        "- RSS MiB: %.1f idle before the load; under load (same medians) %.1f -> %.1f (tolerance"
                                + " +%.1f: %d MiB + %d%%); max %.1f; %.1f idle after%n",
                        idleRssBefore / 1024.0, rssFirst, rssLast, rssAllowed, RSS_SLACK_MIB, RSS_SLACK_PERCENT,
                        maxRss / 1024.0, idleRssAfter / 1024.0);
                if (fdsLast - fdsFirst > fdsAllowed) {
                    problems.add(String.format(Locale.ROOT,
                            "descriptors grew under load: median %.0f -> %.0f (tolerance +%d)", fdsFirst, fdsLast,
                            fdsAllowed));
                }
                if (rssLast - rssFirst > rssAllowed) {
                    problems.add(String.format(Locale.ROOT, "RSS grew under load: median %.1f -> %.1f MiB (tolerance"
                            + " +%.1f MiB)", rssFirst, rssLast, rssAllowed));
                }
            }

            long stopStart = System.nanoTime();
            int exit = server.stop(STOP_SECONDS);
            double stopSeconds = (System.nanoTime() - stopStart) / 1e9;
            out.printf(Locale.ROOT, "- stop: SIGTERM, %s%n", exit < 0 ? "still running after " + STOP_SECONDS
                    + " s, killed" : String.format(Locale.ROOT, "exit %d after %.1f s", exit, stopSeconds));
            if (exit != 0 && exit != 128 + 15) {
                problems.add(exit < 0 ? "did not stop within " + STOP_SECONDS + " s of SIGTERM"
                        : "exited with status " + exit + " on SIGTERM");
            }
            out.println("- result: " + (problems.isEmpty() ? "PASS" : "FAIL: " + String.join("; ", problems)));
            out.println();
            out.flush();
            return problems;
        }
    }

    /** The connections by kind and the unexpected failures (with the first messages), checked. */
    private static void report(PrintStream out, Tally.Snapshot total, Load load, boolean slowReaders,
            List<String> problems) {
        StringBuilder kinds = new StringBuilder();
        for (Kind k : Kind.values()) {
            long n = total.done().get(k);
            kinds.append(kinds.isEmpty() ? "" : ", ").append(k.label).append(' ').append(n);
            boolean slow = k == Kind.SLOW_READER || k == Kind.SLOW_RESET;
            if (n == 0 && (slowReaders || !slow)) {
                problems.add("no " + k.label + " connection completed");
            }
        }
        out.printf(Locale.ROOT, "- connections: %d (%s); %.1f MiB echoed and checked byte for byte; %d resets sent%n",
                total.connections(), kinds, total.bytes() / 1048576.0, total.resetsSent());
        out.println("- unexpected errors: " + total.unexpectedText());
        if (total.unexpected() > 0) {
            problems.add("unexpected errors: " + total.unexpectedText());
            load.tally().messages().forEach(m -> out.println("  - " + m));
        }
    }

    private static void row(PrintStream out, String time, Tally.Snapshot s, long fds, long rssKib) {
        out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %d | %.1f |%n", time,
                s == null ? "0" : Long.toString(s.connections()),
                s == null ? "0" : String.format(Locale.ROOT, "%.1f", s.bytes() / 1048576.0),
                s == null ? "0" : Long.toString(s.resetsSent()), s == null ? "0" : s.unexpectedText(), fds,
                rssKib / 1024.0);
        out.flush();
    }

    private static double median(List<double[]> samples, int column) {
        double[] v = samples.stream().mapToDouble(s -> s[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The command line. */
    private record Options(long seconds, List<String> servers, int clients, int slowReaders, long timeout, int threads,
            long interval, long warmup, List<String> serverOptions, String command) {
        static Options parse(String[] args) {
            long seconds = 120;
            List<String> servers = List.copyOf(SERVERS.keySet());
            int clients = 16;
            int slowReaders = 2;
            long timeout = 30;
            int threads = 1;
            long interval = -1;
            long warmup = -1;
            List<String> serverOptions = new ArrayList<>();
            String command = "";
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--seconds" -> seconds = Long.parseLong(value(args, ++i));
                    case "--servers" -> servers = Arrays.asList(value(args, ++i).split(","));
                    case "--clients" -> clients = Integer.parseInt(value(args, ++i));
                    case "--slow-readers" -> slowReaders = Integer.parseInt(value(args, ++i));
                    case "--timeout" -> timeout = Long.parseLong(value(args, ++i));
                    case "--threads" -> threads = Integer.parseInt(value(args, ++i));
                    case "--interval" -> interval = Long.parseLong(value(args, ++i));
                    case "--warmup" -> warmup = Long.parseLong(value(args, ++i));
                    case "--server-option" -> serverOptions.add(value(args, ++i));
                    case "--command" -> command = value(args, ++i);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (seconds < 1 || timeout < 1 || threads < 1) {
                throw new IllegalArgumentException("--seconds, --timeout and --threads must be at least 1");
            }
            if (interval < 1) {
                interval = seconds >= 60 ? 5 : 2; // a long run needs fewer rows
            }
            if (warmup < 0) {
                // JIT, GC and the direct-buffer high-water mark settle within seconds; a minute is ample.
                warmup = Math.min(60, Math.max(5, seconds / 4));
            }
            return new Options(seconds, servers, clients, slowReaders, timeout, threads, interval, warmup,
                    List.copyOf(serverOptions), command);
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }
    }
}
