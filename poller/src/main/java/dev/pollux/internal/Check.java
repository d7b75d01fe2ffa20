package dev.pollux.internal;

import dev.pollux.OsException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;

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
     * The exception for {@code errno} from a call on a stream or Unix socket: the {@code java.net}
     * type users already catch where there is one, with the {@link OsException} as its cause, else
     * the {@link OsException} itself. ECONNREFUSED is a {@link ConnectException} whatever the
     * call: on TCP only a connect is refused (a read or write sees it when the connect failed), on
     * a Unix socket it means nobody is bound at the name, as connecting there says.
     */
    public static IOException socketError(String call, int errno) {
        return mapped(call, error(call, errno), false);
    }

    /**
     * The exception for {@code errno} from a call on an IP datagram socket: as
     * {@link #socketError}, except that ECONNREFUSED (the ICMP port-unreachable reply to an
     * earlier datagram) is a {@link PortUnreachableException}, as NIO's {@code DatagramChannel}
     * reports it.
     */
    public static IOException datagramError(String call, int errno) {
        return mapped(call, error(call, errno), true);
    }

    /**
     * The exception for the pending error ({@code SO_ERROR}) of a connected stream: the
     * connection's own failure, named under {@code getsockopt(SO_ERROR)}, the call that reported
     * it. ECONNRESET is NIO's {@link SocketException} "Connection reset".
     */
    public static IOException connectionError(int errno) {
        return connectionError(error("getsockopt(SO_ERROR)", errno));
    }

    /** {@link #connectionError(int)} for an exception already made (the seam tests use). */
    static IOException connectionError(OsException os) {
        if (posixName(os.codeName()).equals("ECONNRESET")) {
            return withCause(new SocketException("Connection reset"), os);
        }
        return mapped(os.call(), os, false);
    }

    /**
     * Whether {@code errno} can only come from a connection that was established (a reset, or a
     * write after the peer closed), and so never from a connect.
     */
    public static boolean endsEstablishedConnection(int errno) {
        return endsEstablishedConnection(Os.current().errnoName(errno));
    }

    /**
     * {@link #endsEstablishedConnection(int)} by the error's name. Windows reports a write after
     * the peer closed as WSAECONNABORTED or WSAESHUTDOWN where POSIX says EPIPE.
     */
    static boolean endsEstablishedConnection(String codeName) {
        return switch (posixName(codeName)) {
            case "ECONNRESET", "EPIPE", "ECONNABORTED", "ESHUTDOWN" -> true;
            default -> false;
        };
    }

    /**
     * The POSIX name for an error name: Winsock's {@code WSAE...} names are the BSD socket errors
     * with a prefix ({@code WSAECONNREFUSED} is ECONNREFUSED), so the one table below serves
     * Windows too. Other names are returned as they are.
     */
    static String posixName(String codeName) {
        return codeName.startsWith("WSAE") ? codeName.substring(3) : codeName;
    }

    /** The {@code java.net} exception for {@code os} from {@code call}, or {@code os} itself. */
    static IOException mapped(String call, OsException os, boolean datagram) {
        boolean connect = call.equals("connect");
        IOException mapped = switch (posixName(os.codeName())) {
            case "ECONNREFUSED" -> datagram && !connect
                    ? new PortUnreachableException(os.getMessage())
                    : new ConnectException(os.getMessage());
            // A connect that times out is a failed connect, as the JDK reports it.
            case "ETIMEDOUT" -> connect ? new ConnectException(os.getMessage()) : null;
            case "EADDRINUSE", "EADDRNOTAVAIL" -> call.equals("bind") ? new BindException(os.getMessage()) : null;
            case "EHOSTUNREACH", "ENETUNREACH" -> new NoRouteToHostException(os.getMessage());
            default -> null;
        };
        return mapped == null ? os : withCause(mapped, os);
    }

    /** {@code exception} with {@code cause} set: the mapped type users catch, the errno inside. */
    public static <E extends IOException> E withCause(E exception, OsException cause) {
        exception.initCause(cause);
        return exception;
    }

    /** {@code result}, or the {@link #socketError} for it when it is negative. */
    public static int checkSocket(String call, int result) throws IOException {
        if (result < 0) {
            throw socketError(call, -result);
        }
        return result;
    }
}
