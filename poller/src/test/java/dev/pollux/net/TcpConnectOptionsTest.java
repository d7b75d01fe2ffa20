package dev.pollux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.OpenFds;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link TcpStream#connect(InetSocketAddress, InetSocketAddress, Map)}: options and a local address set before connecting. */
class TcpConnectOptionsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void optionsAndLocalAddressAreAppliedBeforeConnecting() throws Exception {
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress(LOOPBACK, 0))) {
            Map<SocketOption<?>, Object> options = Map.of(
                    PolluxSocketOptions.TCP_FASTOPEN_CONNECT, true,
                    PolluxSocketOptions.IP_BIND_ADDRESS_NO_PORT, true);
            try (TcpStream client = TcpStream.connect(listener.localAddress(), new InetSocketAddress(LOOPBACK, 0), options);
                 TcpStream server = accept(listener)) {
                assertTrue(client.getOption(PolluxSocketOptions.TCP_FASTOPEN_CONNECT));
                assertTrue(client.getOption(PolluxSocketOptions.IP_BIND_ADDRESS_NO_PORT));
                assertEquals(LOOPBACK, client.localAddress().getAddress());
                assertEquals(client.localAddress(), server.peerAddress());
            }
        }
    }

    @Test
    void aLocalAddressInUseIsABindExceptionAndLeaksNothing() throws Exception {
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress(LOOPBACK, 0));
             TcpListener taken = TcpListener.bind(new InetSocketAddress(LOOPBACK, 0))) {
            long before = OpenFds.count();
            assertThrows(BindException.class,
                    () -> TcpStream.connect(listener.localAddress(), taken.localAddress(), Map.of()));
            OpenFds.assertBackTo(before, "a connect whose bind failed");
        }
    }

    @Test
    void aWrongOptionValueIsRefusedBeforeConnecting() throws Exception {
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress(LOOPBACK, 0))) {
            Map<SocketOption<?>, Object> wrong = Map.of(PolluxSocketOptions.TCP_FASTOPEN_CONNECT, 1);
            assertThrows(IllegalArgumentException.class, () -> TcpStream.connect(listener.localAddress(), null, wrong));
            assertEquals(null, listener.accept());
        }
    }

    private static TcpStream accept(TcpListener listener) throws Exception {
        return NetSupport.acceptWithin(listener);
    }
}
