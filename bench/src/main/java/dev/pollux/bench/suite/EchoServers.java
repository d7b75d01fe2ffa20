package dev.pollux.bench.suite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The echo servers the benchmark compares, by name. Each one follows the same command line
 * ({@code --port P --threads T}, a line containing {@code ready} and the port, SIGTERM stops
 * it). Adding a server is one entry here. Every Java server is part of this build: one that
 * cannot start fails the run (see {@link Echo}); only the C floor is skipped, where no C compiler
 * built it.
 */
final class EchoServers {
    /**
     * One server.
     *
     * @param name what the scripts and the table call it
     * @param label the longer name in the table
     * @param mainClass the Java main class, or null for the C floor
     */
    record Server(String name, String label, String mainClass) {
        boolean isC() {
            return mainClass == null;
        }
    }

    static final List<Server> ALL = List.of(
            new Server("pollux", "Pollux on Poll", "dev.pollux.bench.servers.PollEchoServer"),
            new Server("runtime", "Pollux on the executor", "dev.pollux.bench.servers.RuntimeEchoServer"),
            new Server("nio", "JDK NIO Selector", "dev.pollux.bench.servers.NioEchoServer"),
            new Server("netty", "Netty 4.2 epoll", "dev.pollux.bench.servers.NettyEchoServer"),
            new Server("c", "C floor (epoll)", null));

    private EchoServers() {}

    static Optional<Server> byName(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The command that starts {@code server}, or empty (with the reason printed) when the C floor is not built. */
    static Optional<List<String>> command(Server server, Path cDir, int threads) {
        List<String> command = new ArrayList<>();
        if (server.isC()) {
            Path binary = cDir.resolve("echo_server");
            if (!Files.isExecutable(binary)) {
                System.err.println("echo server '" + server.name() + "' skipped: " + binary + " is not built");
                return Optional.empty();
            }
            command.add(binary.toString());
        } else {
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(server.mainClass());
        }
        command.add("--port");
        command.add("0");
        command.add("--threads");
        command.add(Integer.toString(threads));
        return Optional.of(command);
    }
}
