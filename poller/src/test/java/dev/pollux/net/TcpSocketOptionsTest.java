package dev.pollux.net;

import static dev.pollux.net.NetSupport.ANY_LOCAL;
import static dev.pollux.net.NetSupport.ANY_LOCAL_V6;
import static dev.pollux.net.NetSupport.connectedPair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pollux.OpenFds;
import dev.pollux.OsException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every TCP socket option Pollux offers on Linux round-trips through setOption / getOption. */
class TcpSocketOptionsTest {
    private static <T> void roundTrip(NetSource socket, SocketOption<T> option, List<T> values) throws Exception {
        for (T value : values) {
            socket.setOption(option, value);
            assertEquals(value, socket.getOption(option), option.name() + " set to " + value);
        }
    }

    /**
     * {@code jdk.net.ExtendedSocketOptions}' option of that name, read reflectively (the module
     * under test does not read jdk.net, and need not: options are matched by name and type).
     */
    @SuppressWarnings("unchecked")
    private static <T> SocketOption<T> jdkOption(String name, Class<T> type) throws Exception {
        SocketOption<?> option = (SocketOption<?>) Class.forName("jdk.net.ExtendedSocketOptions")
                .getField(name).get(null);
        assertEquals(type, option.type());
        assertTrue(option.getClass().getName().startsWith("jdk.net."), option.getClass().getName());
        return (SocketOption<T>) option;
    }

    private static void streamOptions(TcpStream s, boolean ipv6) throws Exception {
        roundTrip(s, StandardSocketOptions.TCP_NODELAY, List.of(true, false, true));
        roundTrip(s, StandardSocketOptions.SO_REUSEADDR, List.of(true, false));
        roundTrip(s, StandardSocketOptions.SO_REUSEPORT, List.of(true, false));
        roundTrip(s, StandardSocketOptions.SO_KEEPALIVE, List.of(true, false));
        roundTrip(s, StandardSocketOptions.SO_LINGER, List.of(5, 0, -1, 1));
        roundTrip(s, StandardSocketOptions.IP_TOS, List.of(0x10, 0x08, 0));
        roundTrip(s, PolluxSocketOptions.TCP_KEEPIDLE, List.of(30, 7200));
        roundTrip(s, PolluxSocketOptions.TCP_KEEPINTERVAL, List.of(5, 75));
        roundTrip(s, PolluxSocketOptions.TCP_KEEPCOUNT, List.of(3, 9));
        roundTrip(s, jdkOption("TCP_KEEPIDLE", Integer.class), List.of(31));
        roundTrip(s, jdkOption("TCP_KEEPINTERVAL", Integer.class), List.of(6));
        roundTrip(s, jdkOption("TCP_KEEPCOUNT", Integer.class), List.of(4));
        assertEquals(31, s.getOption(PolluxSocketOptions.TCP_KEEPIDLE), "JDK and Pollux names are one option");
        roundTrip(s, PolluxSocketOptions.TCP_USER_TIMEOUT, List.of(10_000, 0));
        roundTrip(s, PolluxSocketOptions.TCP_CORK, List.of(true, false));
        roundTrip(s, PolluxSocketOptions.TCP_NOTSENT_LOWAT, List.of(16384, 1 << 20));
        roundTrip(s, PolluxSocketOptions.IP_FREEBIND, List.of(true, false));
        if (!ipv6) {
            roundTrip(s, PolluxSocketOptions.IP_BIND_ADDRESS_NO_PORT, List.of(true, false));
        }
        roundTrip(s, PolluxSocketOptions.SO_BUSY_POLL, List.of(0));
        try {
            s.setOption(PolluxSocketOptions.SO_BUSY_POLL, 50);
            assertEquals(50, s.getOption(PolluxSocketOptions.SO_BUSY_POLL));
        } catch (OsException e) {
            assertEquals("EPERM", e.codeName(), "nonzero busy-poll needs CAP_NET_ADMIN");
        }

        // The kernel doubles buffer sizes (for its bookkeeping): what comes back is at least what was asked.
        for (SocketOption<Integer> buffer : List.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF)) {
            s.setOption(buffer, 64 * 1024);
            int got = s.getOption(buffer);
            assertTrue(got >= 64 * 1024, buffer.name() + " = " + got);
        }

        // TCP_QUICKACK: true is quick-ack mode; the kernel leaves it alone on an idle connection.
        s.setOption(PolluxSocketOptions.TCP_QUICKACK, true);
        assertEquals(true, s.getOption(PolluxSocketOptions.TCP_QUICKACK));
        s.setOption(jdkOption("TCP_QUICKACK", Boolean.class), false);
        assertEquals(false, s.getOption(jdkOption("TCP_QUICKACK", Boolean.class)));
    }

    @Test
    void streamOptionsRoundTripIpv4() throws Exception {
        long before = OpenFds.count();
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL); NetSupport.Pair pair = connectedPair(listener)) {
            streamOptions(pair.client(), false);
            streamOptions(pair.server(), false);
            // Still a working connection afterwards.
            NetSupport.writeAll(pair.client(), new byte[] {1, 2});
            NetSupport.readExactly(pair.server(), 2);
        }
        OpenFds.assertBackTo(before, "the option round trips");
    }

    @Test
    void streamOptionsRoundTripIpv6() throws Exception {
        assumeTrue(TcpStreamTest.hasIpv6Loopback(), "no IPv6 loopback");
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL_V6); NetSupport.Pair pair = connectedPair(listener)) {
            streamOptions(pair.client(), true);
            assertEquals(false, pair.client().getOption(PolluxSocketOptions.IPV6_V6ONLY));
            // Linux fixes IPV6_V6ONLY at bind: that is why TcpListener.bind takes options.
            OsException e = assertThrows(OsException.class,
                    () -> pair.client().setOption(PolluxSocketOptions.IPV6_V6ONLY, true));
            assertEquals("EINVAL", e.codeName());
        }
    }

    @Test
    void listenerOptions() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL, 16, Map.of(
                PolluxSocketOptions.TCP_FASTOPEN, 5,
                StandardSocketOptions.SO_REUSEPORT, true,
                StandardSocketOptions.SO_RCVBUF, 128 * 1024,
                PolluxSocketOptions.IP_FREEBIND, true))) {
            assertEquals(true, listener.getOption(StandardSocketOptions.SO_REUSEADDR), "set by bind, as in mio");
            assertEquals(true, listener.getOption(StandardSocketOptions.SO_REUSEPORT));
            assertEquals(true, listener.getOption(PolluxSocketOptions.IP_FREEBIND));
            assertTrue(listener.getOption(StandardSocketOptions.SO_RCVBUF) >= 128 * 1024);
            assertEquals(5, listener.getOption(PolluxSocketOptions.TCP_FASTOPEN));
            roundTrip(listener, PolluxSocketOptions.TCP_FASTOPEN, List.of(10, 0));

            // SO_REUSEPORT before bind lets a second listener share the port.
            try (TcpListener twin = TcpListener.bind(listener.localAddress(), 16,
                    Map.of(StandardSocketOptions.SO_REUSEPORT, true))) {
                assertEquals(listener.localAddress(), twin.localAddress());
            }
        }
    }

    @Test
    void ipBindAddressNoPortBeforeBind() throws Exception {
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0), 0,
                Map.of(PolluxSocketOptions.IP_BIND_ADDRESS_NO_PORT, true))) {
            assertEquals(true, listener.getOption(PolluxSocketOptions.IP_BIND_ADDRESS_NO_PORT));
        }
    }

    @Test
    void unsupportedOptionNamesIt() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL); NetSupport.Pair pair = connectedPair(listener)) {
            UnsupportedOperationException set = assertThrows(UnsupportedOperationException.class,
                    () -> pair.client().setOption(PolluxSocketOptions.TCP_NOPUSH, true));
            assertTrue(set.getMessage().contains("TCP_NOPUSH"), set.getMessage());
            UnsupportedOperationException get = assertThrows(UnsupportedOperationException.class,
                    () -> pair.client().getOption(PolluxSocketOptions.TCP_NOPUSH));
            assertTrue(get.getMessage().contains("TCP_NOPUSH"), get.getMessage());
            // An option nobody maps at all.
            SocketOption<Boolean> made = new SocketOption<>() {
                @Override
                public String name() {
                    return "SO_MADE_UP";
                }

                @Override
                public Class<Boolean> type() {
                    return Boolean.class;
                }
            };
            UnsupportedOperationException madeUp = assertThrows(UnsupportedOperationException.class,
                    () -> pair.client().setOption(made, true));
            assertTrue(madeUp.getMessage().contains("SO_MADE_UP"), madeUp.getMessage());
        }
    }

    @Test
    @SuppressWarnings({"rawtypes", "unchecked"})
    void wrongValueTypeOrRange() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL); NetSupport.Pair pair = connectedPair(listener)) {
            TcpStream s = pair.client();
            SocketOption raw = StandardSocketOptions.TCP_NODELAY;
            assertThrows(IllegalArgumentException.class, () -> s.setOption(raw, 1));
            SocketOption rawInt = StandardSocketOptions.SO_RCVBUF;
            assertThrows(IllegalArgumentException.class, () -> s.setOption(rawInt, true));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(rawInt, "big"));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(StandardSocketOptions.SO_RCVBUF, -1));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(PolluxSocketOptions.TCP_KEEPIDLE, -5));
            // Nothing was changed by the refused calls.
            assertEquals(false, s.getOption(StandardSocketOptions.TCP_NODELAY));
        }
    }

    @Test
    void kernelRefusalIsAnOsException() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL); NetSupport.Pair pair = connectedPair(listener)) {
            // TCP_KEEPIDLE must be at least 1 second.
            OsException e = assertThrows(OsException.class,
                    () -> pair.client().setOption(PolluxSocketOptions.TCP_KEEPIDLE, 0));
            assertEquals("EINVAL", e.codeName());
            assertTrue(e.call().contains("TCP_KEEPIDLE"), e.call());
        }
    }
}
