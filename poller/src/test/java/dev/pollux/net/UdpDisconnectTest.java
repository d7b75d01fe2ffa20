package dev.pollux.net;

import static dev.pollux.MioPortSupport.READABLE;
import static dev.pollux.MioPortSupport.expect;
import static dev.pollux.MioPortSupport.expectEvents;
import static dev.pollux.net.UdpSocketTest.DATA1;
import static dev.pollux.net.UdpSocketTest.DATA2;
import static dev.pollux.net.UdpSocketTest.ID1;
import static dev.pollux.net.UdpSocketTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.MioPortSupport;
import dev.pollux.Poll;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link UdpSocket#disconnect()}: the association ends, and the socket keeps the local address it
 * had before {@code connect}, even where Linux drops a port the kernel chose.
 */
class UdpDisconnectTest {
    /**
     * Whatever it was bound to, a socket connected then disconnected has its old local address,
     * receives from anyone there again, and cannot write without a peer.
     */
    @ParameterizedTest(name = "bound to {0}")
    @ValueSource(strings = {"0.0.0.0:0", "127.0.0.1:0", "0.0.0.0:chosen", "127.0.0.1:chosen", "[::]:0", "[::1]:0"})
    void disconnectKeepsTheLocalAddressAndReceivesFromAnyoneAgain(String bind) throws Exception {
        InetSocketAddress address = parse(bind);
        try (UdpSocket s = UdpSocket.bind(address);
                UdpSocket peer = UdpSocket.bind(loopback(address, 0));
                UdpSocket other = UdpSocket.bind(loopback(address, 0))) {
            InetSocketAddress before = s.localAddress();
            InetSocketAddress reachable = loopback(address, before.getPort());
            s.connect(peer.localAddress());
            s.disconnect();

            assertEquals(before, s.localAddress(), "the local address from before connect");
            assertThrows(NotYetConnectedException.class, s::peerAddress);
            assertThrows(NotYetConnectedException.class, () -> s.write(ByteBuffer.wrap(DATA1)));
            other.send(ByteBuffer.wrap(DATA2), reachable);
            ByteBuffer in = ByteBuffer.allocate(64);
            assertEquals(other.localAddress(), receiveWithin(s, in), "a datagram from a socket other than the old peer");
            assertArrayEquals(DATA2, bytes(in));
        }
    }

    /**
     * Disconnecting a socket that is not connected does nothing: on Linux the kernel would drop a
     * port it chose even then, so this is not just the system call.
     */
    @Test
    void disconnectWhenNotConnectedChangesNothing() throws Exception {
        try (UdpSocket s = UdpSocket.bind(new InetSocketAddress("0.0.0.0", 0));
                UdpSocket other = UdpSocket.bind(loopback(new InetSocketAddress("0.0.0.0", 0), 0))) {
            InetSocketAddress before = s.localAddress();
            s.disconnect();
            s.disconnect();
            assertEquals(before, s.localAddress());
            other.send(ByteBuffer.wrap(DATA1), new InetSocketAddress(InetAddress.getLoopbackAddress(), before.getPort()));
            assertEquals(other.localAddress(), receiveWithin(s, ByteBuffer.allocate(64)));
        }
    }

    /** The registration survives: the descriptor is the same, and readiness comes as before. */
    @Test
    void aRegisteredSocketStaysRegistered() throws Exception {
        try (Poll poll = Poll.open(); UdpSocket s = UdpSocket.bind(new InetSocketAddress("0.0.0.0", 0));
                UdpSocket peer = UdpSocket.bind(loopback(new InetSocketAddress("0.0.0.0", 0), 0))) {
            Events events = Events.withCapacity(8);
            poll.registry().register(s, ID1, Interest.READABLE);
            s.connect(peer.localAddress());
            s.disconnect();
            peer.send(ByteBuffer.wrap(DATA1), new InetSocketAddress(InetAddress.getLoopbackAddress(), s.localAddress().getPort()));
            expectEvents(poll, events, expect(ID1, READABLE));
            poll.registry().deregister(s);
        }
    }

    /** Connecting again after a disconnect works, and disconnecting again too. */
    @Test
    void connectAgainAfterDisconnect() throws Exception {
        try (UdpSocket s = UdpSocket.bind(new InetSocketAddress("0.0.0.0", 0));
                UdpSocket peer = UdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress before = s.localAddress();
            for (int i = 0; i < 3; i++) {
                s.connect(peer.localAddress());
                assertEquals(peer.localAddress(), s.peerAddress());
                assertEquals(DATA1.length, s.write(ByteBuffer.wrap(DATA1)));
                assertEquals(s.localAddress(), receiveWithin(peer, ByteBuffer.allocate(64)));
                s.disconnect();
                assertEquals(before, s.localAddress());
            }
        }
    }

    @Test
    void disconnectAfterCloseThrowsClosedChannelException() throws Exception {
        UdpSocket s = UdpSocket.bind(new InetSocketAddress("0.0.0.0", 0));
        s.close();
        assertThrows(ClosedChannelException.class, s::disconnect);
    }

    private static InetSocketAddress parse(String text) throws IOException {
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        InetAddress address = InetAddress.getByName(host);
        if (address instanceof Inet6Address) {
            UdpTestSupport.ipv6LoopbackOrSkip();
        }
        String port = text.substring(colon + 1);
        return new InetSocketAddress(address, port.equals("chosen") ? freePort(address) : Integer.parseInt(port));
    }

    /** A port free just now (taken by a socket then released): the test's "explicitly chosen" port. */
    private static int freePort(InetAddress address) throws IOException {
        try (UdpSocket probe = UdpSocket.bind(new InetSocketAddress(address, 0))) {
            return probe.localAddress().getPort();
        }
    }

    /** The loopback address of {@code address}'s family, with {@code port}. */
    private static InetSocketAddress loopback(InetSocketAddress address, int port) throws IOException {
        InetAddress loopback = address.getAddress() instanceof Inet6Address
                ? InetAddress.getByName("::1") : InetAddress.getByName("127.0.0.1");
        return new InetSocketAddress(loopback, port);
    }

    private static InetSocketAddress receiveWithin(UdpSocket s, ByteBuffer in) throws IOException {
        long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
        while (System.nanoTime() < deadline) {
            InetSocketAddress from = s.receive(in);
            if (from != null) {
                return from;
            }
            NetSupport.pause();
        }
        return fail("no datagram came");
    }
}
