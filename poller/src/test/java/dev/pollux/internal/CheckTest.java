package dev.pollux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.OsException;
import dev.pollux.ffi.epoll.Errno;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table from errno to the exception users see (Linux numbers): the {@code java.net} type NIO
 * uses for the situation, the {@link OsException} with the errno's name and the call as its cause,
 * and the OsException alone where {@code java.net} has nothing better.
 */
class CheckTest {
    static Stream<Arguments> table() {
        return Stream.of(
                row("connect ECONNREFUSED", ConnectException.class, "connect", Errno.ECONNREFUSED,
                        () -> Check.socketError("connect", Errno.ECONNREFUSED)),
                row("connect ETIMEDOUT", ConnectException.class, "connect", Errno.ETIMEDOUT,
                        () -> Check.socketError("connect", Errno.ETIMEDOUT)),
                row("connect EHOSTUNREACH", NoRouteToHostException.class, "connect", Errno.EHOSTUNREACH,
                        () -> Check.socketError("connect", Errno.EHOSTUNREACH)),
                row("connect ENETUNREACH", NoRouteToHostException.class, "connect", Errno.ENETUNREACH,
                        () -> Check.socketError("connect", Errno.ENETUNREACH)),
                row("bind EADDRINUSE", BindException.class, "bind", Errno.EADDRINUSE,
                        () -> Check.socketError("bind", Errno.EADDRINUSE)),
                row("stream read ECONNREFUSED (the connect failed)", ConnectException.class, "read", Errno.ECONNREFUSED,
                        () -> Check.socketError("read", Errno.ECONNREFUSED)),
                row("stream read ETIMEDOUT", OsException.class, "read", Errno.ETIMEDOUT,
                        () -> Check.socketError("read", Errno.ETIMEDOUT)),
                row("UDP recvfrom ECONNREFUSED (ICMP port unreachable)", PortUnreachableException.class, "recvfrom",
                        Errno.ECONNREFUSED, () -> Check.datagramError("recvfrom", Errno.ECONNREFUSED)),
                row("UDP connect ECONNREFUSED", ConnectException.class, "connect", Errno.ECONNREFUSED,
                        () -> Check.datagramError("connect", Errno.ECONNREFUSED)),
                row("connection's pending ECONNRESET", SocketException.class, "getsockopt(SO_ERROR)", Errno.ECONNRESET,
                        () -> Check.connectionError(Errno.ECONNRESET)),
                row("connection's pending ETIMEDOUT", OsException.class, "getsockopt(SO_ERROR)", Errno.ETIMEDOUT,
                        () -> Check.connectionError(Errno.ETIMEDOUT)),
                row("connection's pending EHOSTUNREACH", NoRouteToHostException.class, "getsockopt(SO_ERROR)",
                        Errno.EHOSTUNREACH, () -> Check.connectionError(Errno.EHOSTUNREACH)));
    }

    private static Arguments row(String what, Class<? extends IOException> type, String call, int errno,
            Supplier<IOException> mapping) {
        return Arguments.of(what, type, call, errno, mapping);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("table")
    void errnoBecomesTheExceptionUsersCatch(String what, Class<? extends IOException> type, String call, int errno,
            Supplier<IOException> mapping) {
        IOException e = mapping.get();
        assertSame(type, e.getClass(), () -> what + ": " + e);
        OsException os = e instanceof OsException direct ? direct : assertInstanceOf(OsException.class, e.getCause());
        assertEquals(call, os.call());
        assertEquals(errno, os.code());
        assertEquals(Errno.name(errno), os.codeName());
    }

    @Test
    void aResetIsNamedAsNioNamesIt() {
        assertEquals("Connection reset", Check.connectionError(Errno.ECONNRESET).getMessage());
    }

    @Test
    void onlyAResetOrABrokenPipeProvesAConnectionWasEstablished() {
        assertTrue(Check.endsEstablishedConnection(Errno.ECONNRESET));
        assertTrue(Check.endsEstablishedConnection(Errno.EPIPE));
        assertFalse(Check.endsEstablishedConnection(Errno.ECONNREFUSED));
        assertFalse(Check.endsEstablishedConnection(Errno.ETIMEDOUT));
        assertFalse(Check.endsEstablishedConnection(Errno.EHOSTUNREACH));
    }
}
