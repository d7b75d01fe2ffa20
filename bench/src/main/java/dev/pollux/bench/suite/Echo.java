package dev.pollux.bench.suite;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark 5: TCP echo over loopback. Starts one server at a time, warms it up with the C load
 * generator, then measures a second client run: the client's msg/s, latency percentiles and own
 * CPU, and the server process's CPU time over that run (from {@code /proc/PID/stat}, so JIT and
 * GC threads count too), which gives server CPU time per echoed message.
 */
final class Echo {
    /** The load: connections, messages in flight per connection, bytes per message. */
    record Load(int connections, int depth, int size) {
        List<String> args() {
            return List.of("--connections", Integer.toString(connections), "--depth", Integer.toString(depth),
                    "--size", Integer.toString(size));
        }

        @Override
        public String toString() {
            return connections + " connections x " + depth + " in flight x " + size + " B";
        }
    }

    /** One server's figures for one run. */
    record Row(String server, int threads, double msgPerSec, double p50, double p99, double serverCpuUsPerMsg,
            double serverBusy, double clientCpuUsPerMsg, double clientBusy, boolean cleanExit) {}

    private static final Pattern PORT = Pattern.compile("(?:port[ =:]*|:)(\\d{2,5})\\b");
    private static final Pattern FIELD = Pattern.compile("(\\w+)=([0-9.]+)");

    private final Path cDir;
    private final Mode mode;
    private final Load load;
    private final double ticksPerSecond;

    Echo(Path cDir, Mode mode, Load load) throws IOException, InterruptedException {
        this.cDir = cDir;
        this.mode = mode;
        this.load = load;
        this.ticksPerSecond = clockTicks();
    }

    /** Runs {@code server} with {@code threads} event loops; empty when it is skipped. */
    Optional<Row> run(EchoServers.Server server, int threads) throws IOException, InterruptedException {
        Path client = cDir.resolve("echo_client");
        if (!Files.isExecutable(client)) {
            System.err.println("echo benchmark skipped: " + client + " is not built");
            return Optional.empty();
        }
        Optional<List<String>> command = EchoServers.command(server, cDir, threads);
        if (command.isEmpty()) {
            return Optional.empty();
        }
        System.err.printf("echo: %s, %d loop(s), %s%n", server.label(), threads, load);
        Process process = new ProcessBuilder(command.get()).redirectErrorStream(true).start();
        try {
            int port = awaitReady(process);
            runClient(client, port, mode.echoWarmupSeconds);
            long before = cpuTicks(process.pid());
            String[] measured = runClient(client, port, mode.echoSeconds);
            long after = cpuTicks(process.pid());
            double messages = value(measured, "messages");
            double seconds = value(measured, "seconds");
            double serverCpu = (after - before) / ticksPerSecond;
            process.destroy(); // SIGTERM
            boolean clean = process.waitFor(10, TimeUnit.SECONDS)
                    && (process.exitValue() == 0 || process.exitValue() == 128 + 15);
            return Optional.of(new Row(server.label(), threads, value(measured, "msg_per_s"), value(measured, "p50_us"),
                    value(measured, "p99_us"), serverCpu * 1e6 / messages, serverCpu / seconds,
                    value(measured, "cpu_us_per_msg"), value(measured, "cpu_s") / seconds, clean));
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /** Reads the server's output until its ready line and returns the port in it. */
    private static int awaitReady(Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.contains("ready")) {
                Matcher m = PORT.matcher(line);
                if (!m.find()) {
                    throw new IOException("no port in the ready line: " + line);
                }
                int port = Integer.parseInt(m.group(1));
                // Keep draining the server's output so that it never blocks on a full pipe.
                Thread.ofVirtual().start(() -> out.lines().forEach(l -> System.err.println("  server: " + l)));
                return port;
            }
            System.err.println("  server: " + line);
        }
        throw new IOException("the server exited before it was ready (exit " + waitQuietly(process) + ")");
    }

    private String[] runClient(Path client, int port, double seconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(client.toString(), "--port", Integer.toString(port),
                "--duration", Double.toString(seconds)));
        command.addAll(load.args());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || !out.startsWith("client ")) {
            throw new IOException("echo_client failed: " + out);
        }
        return out.split(" ");
    }

    private static double value(String[] fields, String name) {
        for (String f : fields) {
            Matcher m = FIELD.matcher(f);
            if (m.matches() && m.group(1).equals(name)) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new IllegalStateException("echo_client printed no " + name);
    }

    /** utime + stime of a process, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces; the fields after it are fixed.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static double clockTicks() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.waitFor() == 0 && !out.isEmpty() ? Double.parseDouble(out) : 100;
    }

    private static int waitQuietly(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
