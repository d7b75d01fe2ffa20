package dev.pollux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.OsException;
import dev.pollux.ffi.epoll.Errno;
import dev.pollux.ffi.iocp.WinError;
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

    /**
     * Winsock's names for the same errors (the codes {@code WindowsOs} reports), fed through the
     * mapping as {@link OsException}s: the type users catch must not depend on the platform.
     */
    static Stream<Arguments> windowsTable() {
        return Stream.of(
                windows(ConnectException.class, "connect", WinError.WSAECONNREFUSED, false),
                windows(ConnectException.class, "connect", WinError.WSAETIMEDOUT, false),
                windows(OsException.class, "recv", WinError.WSAETIMEDOUT, false),
                windows(NoRouteToHostException.class, "connect", WinError.WSAEHOSTUNREACH, false),
                windows(NoRouteToHostException.class, "connect", WinError.WSAENETUNREACH, false),
                windows(BindException.class, "bind", WinError.WSAEADDRINUSE, false),
                windows(BindException.class, "bind", WinError.WSAEADDRNOTAVAIL, false),
                windows(PortUnreachableException.class, "recvfrom", WinError.WSAECONNREFUSED, true),
                windows(ConnectException.class, "connect", WinError.WSAECONNREFUSED, true),
                windows(OsException.class, "send", WinError.WSAECONNABORTED, false));
    }

    private static Arguments windows(Class<? extends IOException> type, String call, int code, boolean datagram) {
        return Arguments.of(type, call, new OsException(call, code, WinError.name(code)), datagram);
    }

    @ParameterizedTest(name = "{1} {2} -> {0}")
    @MethodSource("windowsTable")
    void winsockNamesMapAsTheirPosixNamesDo(Class<? extends IOException> type, String call, OsException os,
            boolean datagram) {
        IOException e = Check.mapped(call, os, datagram);
        assertSame(type, e.getClass(), e::toString);
        if (e != os) {
            assertSame(os, e.getCause());
        }
        // The name users see stays the platform's own.
        assertTrue(os.codeName().startsWith("WSAE"), os::codeName);
    }

    @Test
    void aWinsockResetIsNamedAsNioNamesIt() {
        OsException os = new OsException("getsockopt(SO_ERROR)", WinError.WSAECONNRESET, "WSAECONNRESET");
        IOException e = Check.connectionError(os);
        assertSame(SocketException.class, e.getClass());
        assertEquals("Connection reset", e.getMessage());
        assertSame(os, e.getCause());
    }

    @Test
    void winsockResetsAndWritesAfterCloseProveAConnectionWasEstablished() {
        assertTrue(Check.endsEstablishedConnection("WSAECONNRESET"));
        assertTrue(Check.endsEstablishedConnection("WSAECONNABORTED"));
        assertTrue(Check.endsEstablishedConnection("WSAESHUTDOWN"));
        assertFalse(Check.endsEstablishedConnection("WSAECONNREFUSED"));
        assertFalse(Check.endsEstablishedConnection("WSAETIMEDOUT"));
        assertFalse(Check.endsEstablishedConnection("WSAEHOSTUNREACH"));
    }

    @Test
    void onlyTheWinsockPrefixIsStripped() {
        assertEquals("ECONNREFUSED", Check.posixName("WSAECONNREFUSED"));
        assertEquals("ECONNREFUSED", Check.posixName("ECONNREFUSED"));
        assertEquals("STATUS_CANCELLED", Check.posixName("STATUS_CANCELLED"));
        assertEquals("ERROR_NOT_FOUND", Check.posixName("ERROR_NOT_FOUND"));
    }
}
