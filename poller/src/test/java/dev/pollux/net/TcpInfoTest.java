package dev.pollux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.OsException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/** Reading the kernel's TCP_INFO through {@link PolluxSocketOptions#TCP_INFO}. */
class TcpInfoTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void anEstablishedConnectionReportsItsStateAndSegmentSizes() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOOPBACK);
             TcpStream client = TcpStream.connect(listener.localAddress());
             TcpStream server = acceptWithin(listener)) {
            // Loopback connects complete during accept: send a little so the counters move.
            ByteBuffer ping = ByteBuffer.wrap(new byte[] {1, 2, 3});
            while (ping.hasRemaining()) {
                client.write(ping);
            }
            TcpInfo info = client.getOption(PolluxSocketOptions.TCP_INFO);
            assertEquals(TcpInfo.STATE_ESTABLISHED, info.state());
            assertTrue(info.sendMss() > 0, "send MSS " + info.sendMss());
            assertTrue(info.advertisedMss() > 0, "advertised MSS " + info.advertisedMss());
            assertTrue(info.sendCongestionWindow() > 0, "cwnd " + info.sendCongestionWindow());
            assertEquals(TcpInfo.STATE_ESTABLISHED, server.getOption(PolluxSocketOptions.TCP_INFO).state());
        }
    }

    @Test
    void aListenerReportsTheListenState() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOOPBACK)) {
            assertEquals(10, listener.getOption(PolluxSocketOptions.TCP_INFO).state(), "TCP_LISTEN");
        }
    }

    @Test
    void tcpInfoIsReadOnly() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOOPBACK)) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> listener.setOption(PolluxSocketOptions.TCP_INFO, null));
            assertTrue(e.getMessage().contains("TCP_INFO"), e.getMessage());
        }
    }

    @Test
    void aUdpSocketHasNoTcpInfo() throws Exception {
        try (UdpSocket udp = UdpSocket.bind(ANY_LOOPBACK)) {
            // Refused before any system call, as NIO refuses an option of another kind of socket.
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> udp.getOption(PolluxSocketOptions.TCP_INFO));
            assertTrue(e.getMessage().contains("TCP_INFO"), e.getMessage());
        }
    }

    @Test
    void readingAfterCloseThrowsClosedChannelException() throws Exception {
        TcpListener listener = TcpListener.bind(ANY_LOOPBACK);
        listener.close();
        assertThrows(ClosedChannelException.class, () -> listener.getOption(PolluxSocketOptions.TCP_INFO));
    }

    private static TcpStream acceptWithin(TcpListener listener) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            TcpStream s = listener.accept();
            if (s != null) {
                return s;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no connection accepted within 5 s");
    }
}
