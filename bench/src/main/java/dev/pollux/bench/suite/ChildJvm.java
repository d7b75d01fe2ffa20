package dev.pollux.bench.suite;

import dev.pollux.Backend;
import dev.pollux.Poll;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JVMs the suite starts besides JMH's forks (echo servers, the wake probe): the same java and
 * class path as the suite's own, native access enabled, and Pollux on the backend asked for.
 */
final class ChildJvm {
    private ChildJvm() {}

    /**
     * The command that runs {@code mainClass} with Pollux on {@code backend}, or on the default
     * backend when {@code backend} is null; the program's own arguments follow.
     */
    static List<String> command(Backend backend, String mainClass) {
        return command(backend, null, mainClass);
    }

    /** {@link #command(Backend, String)} with one more system property ({@code name=value}), unless null. */
    static List<String> command(Backend backend, String property, String mainClass) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED"));
        if (backend != null) {
            command.add(backendProperty(backend));
        }
        if (property != null) {
            command.add("-D" + property);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        return command;
    }

    /** The JVM argument that makes {@link Poll#open()} open {@code backend}. */
    static String backendProperty(Backend backend) {
        return "-D" + Backend.PROPERTY + "=" + backend.propertyValue();
    }

    /**
     * Why {@code backend} cannot run here (the message of the {@link UnsupportedOperationException}
     * {@link Poll#open(Backend)} throws), or empty when it opens.
     */
    static Optional<String> unavailable(Backend backend) throws IOException {
        try {
            Poll.open(backend).close();
            return Optional.empty();
        } catch (UnsupportedOperationException e) {
            return Optional.of(e.getMessage());
        }
    }
}
