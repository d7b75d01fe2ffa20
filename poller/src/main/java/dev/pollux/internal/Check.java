package dev.pollux.internal;

import dev.pollux.OsException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;

/** Turns the system-call layer's {@code -errno} results into exceptions. */
public final class Check {
    private Check() {}

    /** {@code result}, or an {@link OsException} naming {@code call} when it is negative. */
    public static int check(String call, int result) throws OsException {
        if (result < 0) {
            throw error(call, -result);
        }
        return result;
    }

    /** {@code result}, or an {@link OsException} naming {@code call} when it is negative. */
    public static long check(String call, long result) throws OsException {
        if (result < 0) {
            throw error(call, (int) -result);
        }
        return result;
    }

    /** The exception for {@code errno} from {@code call}. */
    public static OsException error(String call, int errno) {
        return new OsException(call, errno, Os.current().errnoName(errno));
    }

    /**
     * The exception for {@code errno} from a socket call: the {@code java.net} type users already
     * catch where there is one (ConnectException, BindException, NoRouteToHostException,
     * PortUnreachableException), with the {@link OsException} as its cause, else the
     * {@link OsException} itself.
     */
    public static IOException socketError(String call, int errno) {
        OsException os = error(call, errno);
        IOException mapped = switch (os.codeName()) {
            case "ECONNREFUSED" -> call.equals("connect")
                    ? new ConnectException(os.getMessage())
                    : new PortUnreachableException(os.getMessage());
            case "EADDRINUSE", "EADDRNOTAVAIL" -> call.equals("bind") ? new BindException(os.getMessage()) : null;
            case "EHOSTUNREACH", "ENETUNREACH" -> new NoRouteToHostException(os.getMessage());
            default -> null;
        };
        if (mapped == null) {
            return os;
        }
        mapped.initCause(os);
        return mapped;
    }

    /** {@code result}, or the {@link #socketError} for it when it is negative. */
    public static int checkSocket(String call, int result) throws IOException {
        if (result < 0) {
            throw socketError(call, -result);
        }
        return result;
    }
}
