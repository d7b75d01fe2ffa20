package dev.pollux.bench.servers;

/**
 * The command line every echo server in this package shares: {@code --port P} (0 picks a free
 * port) and {@code --threads T} (event loops, 1 by default). The servers bind 127.0.0.1, print
 * one line containing {@code ready} and the port once they listen, and stop on SIGINT/SIGTERM.
 *
 * @param port the port to bind, 0 for any
 * @param threads how many event loops to run
 */
public record ServerOptions(int port, int threads) {

    /** Parses the arguments; unknown ones are an error. */
    public static ServerOptions parse(String name, String[] args) {
        int port = 0;
        int threads = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(name, args, ++i));
                case "--threads" -> threads = Integer.parseInt(value(name, args, ++i));
                default -> throw usage(name, "unknown argument " + args[i]);
            }
        }
        if (port < 0 || port > 65535 || threads < 1) {
            throw usage(name, "bad port or thread count");
        }
        return new ServerOptions(port, threads);
    }

    private static String value(String name, String[] args, int i) {
        if (i >= args.length) {
            throw usage(name, args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static IllegalArgumentException usage(String name, String problem) {
        return new IllegalArgumentException(problem + "; usage: " + name + " [--port P] [--threads T]");
    }

    /** The line the benchmark driver waits for. */
    public static void printReady(String name, int port, int threads) {
        System.out.println(name + " ready on 127.0.0.1 port " + port + " (" + threads
                + (threads == 1 ? " event loop)" : " event loops)"));
        System.out.flush();
    }
}
