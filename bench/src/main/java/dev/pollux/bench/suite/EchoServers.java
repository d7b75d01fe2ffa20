package dev.pollux.bench.suite;

import dev.pollux.Backend;
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
     * @param backend the Pollux backend it runs on ({@code -Dpollux.backend}), or null for the default
     * @param property one more system property for the JVM ({@code name=value}), or null
     */
    record Server(String name, String label, String mainClass, Backend backend, String property) {
        Server(String name, String label, String mainClass, Backend backend) {
            this(name, label, mainClass, backend, null);
        }

        boolean isC() {
            return mainClass == null;
        }
    }

    private static final String POLL = "dev.pollux.bench.servers.PollEchoServer";
    private static final String RUNTIME = "dev.pollux.bench.servers.RuntimeEchoServer";

    /** Every server, in the order of the tables: Pollux's beside their io_uring runs, then the others. */
    static final List<Server> ALL = List.of(
            new Server("pollux", "Pollux on Poll", POLL, null),
            new Server("pollux-io_uring", "Pollux on Poll (io_uring)", POLL, Backend.IO_URING),
            new Server("runtime", "Pollux on the executor", RUNTIME, null),
            new Server("runtime-io_uring", "Pollux on the executor (io_uring)", RUNTIME, Backend.IO_URING),
            new Server("runtime-completion", "Pollux on the executor (io_uring completion)", RUNTIME,
                    Backend.IO_URING, "pollux.io_uring.completion_streams=true"),
            new Server("nio", "JDK NIO Selector", "dev.pollux.bench.servers.NioEchoServer", null),
            new Server("netty", "Netty 4.2 epoll", "dev.pollux.bench.servers.NettyEchoServer", null),
            new Server("c", "C floor (epoll)", null, null));

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
            command.addAll(ChildJvm.command(server.backend(), server.property(), server.mainClass()));
        }
        command.add("--port");
        command.add("0");
        command.add("--threads");
        command.add(Integer.toString(threads));
        return Optional.of(command);
    }
}
