package dev.pollux.bench.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * One echo server in its own JVM, as the soak runs it: started with a fixed, pre-touched heap (so
 * that its RSS after warm-up moves only with native memory: direct buffers, FFM allocations,
 * code, threads), read until its ready line, sampled through {@code /proc/PID}, stopped with
 * SIGTERM. Its output goes to standard error, prefixed. Owned by one thread.
 */
final class ServerProcess implements AutoCloseable {
    /** The JVM options of the server: a 64 MiB heap, all of it resident from the start. */
    static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch");

    private static final java.util.regex.Pattern PORT = java.util.regex.Pattern.compile("port (\\d{1,5})\\b");

    private final Process process;
    private final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code mainClass} from this JVM's class path with {@code threads} event loops and
     * {@code options} after {@link #JVM_OPTIONS} (say {@code -Dpollux.backend=kqueue}), and waits
     * until it is ready.
     */
    static ServerProcess start(String mainClass, int threads, List<String> options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(JVM_OPTIONS);
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass, "--port", "0", "--threads",
                Integer.toString(threads)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            return new ServerProcess(process, awaitReady(process));
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static int awaitReady(Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            System.err.println("  server: " + line);
            if (line.contains("ready")) {
                Matcher m = PORT.matcher(line);
                if (!m.find()) {
                    throw new IOException("no port in the ready line: " + line);
                }
                // Keep draining the server's output so that it never blocks on a full pipe.
                Thread.ofVirtual().start(() -> out.lines().forEach(l -> System.err.println("  server: " + l)));
                return Integer.parseInt(m.group(1));
            }
        }
        throw new IOException("the server exited before it was ready");
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The number of descriptors the server has open (entries of /proc/PID/fd). */
    int openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return (int) fds.count();
        }
    }

    /** The server's resident set in KiB (VmRSS of /proc/PID/status). */
    long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").strip());
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid() + "/status");
    }

    /**
     * Sends SIGTERM and waits up to {@code seconds} for the server to exit; returns its exit status
     * (143 is the JVM's exit on SIGTERM), or -1 when it had to be killed.
     */
    int stop(long seconds) throws InterruptedException {
        process.destroy();
        if (process.waitFor(seconds, TimeUnit.SECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly();
        process.waitFor();
        return -1;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
