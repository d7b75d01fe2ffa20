package dev.pollux.internal;

/**
 * Gives the executor the descriptor of a Pollux stream socket ({@code TcpStream},
 * {@code UnixStream}) without putting it on the public API, for completion-based streams. The
 * socket classes install the accessor when they initialise, which happens before any instance
 * exists.
 */
public final class StreamSockets {
    /** Reads the descriptor of a stream socket. */
    public interface Accessor {
        /** The descriptor of {@code channel} if it is a Pollux stream socket (still owned by it), else -1. */
        int fd(Object channel);
    }

    private static volatile Accessor accessor;

    private StreamSockets() {}

    /** Called once, by the socket classes. */
    public static void install(Accessor a) {
        if (accessor != null) {
            throw new IllegalStateException("stream socket accessor already installed");
        }
        accessor = a;
    }

    /** The descriptor of {@code channel} if it is a Pollux stream socket, else -1. */
    public static int fd(Object channel) {
        Accessor a = accessor;
        return a == null ? -1 : a.fd(channel);
    }
}
