package dev.pollux.net;

import static dev.pollux.MioPortSupport.READABLE;
import static dev.pollux.MioPortSupport.expect;
import static dev.pollux.MioPortSupport.expectEvents;
import static dev.pollux.MioPortSupport.expectNoEvents;
import static dev.pollux.net.UdpSocketTest.DATA1;
import static dev.pollux.net.UdpSocketTest.ID1;
import static dev.pollux.net.UdpSocketTest.anyV4;
import static dev.pollux.net.UdpSocketTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.OpenFds;
import dev.pollux.Poll;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Registration, lifecycle, descriptor ownership and bad input for {@link UdpSocket}. */
class UdpSocketMisuseTest {
    /** mio: udp_socket_no_events_after_deregister. */
    @Test
    void noEventsAfterDeregister() throws IOException {
        try (Poll poll = Poll.open(); UdpSocket tx = UdpSocket.bind(anyV4()); UdpSocket rx = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(rx, ID1, Interest.READABLE);
            poll.registry().deregister(rx);
            tx.send(ByteBuffer.wrap(DATA1), rx.localAddress());
            expectNoEvents(poll, events);
            ByteBuffer in = ByteBuffer.allocate(32);
            assertEquals(tx.localAddress(), rx.receive(in), "the datagram is there, only unannounced");
            assertArrayEquals(DATA1, bytes(in));

            poll.registry().register(rx, ID1, Interest.READABLE);
            tx.send(ByteBuffer.wrap(DATA1), rx.localAddress());
            expectEvents(poll, events, expect(ID1, READABLE));
        }
    }

    /** Closing a registered socket deregisters it: no event for its token afterwards. */
    @Test
    void noEventsAfterClose() throws IOException {
        try (Poll poll = Poll.open(); UdpSocket tx = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            UdpSocket rx = UdpSocket.bind(anyV4());
            InetSocketAddress address = rx.localAddress();
            poll.registry().register(rx, ID1, Interest.READABLE);
            rx.close();
            tx.send(ByteBuffer.wrap(DATA1), address);
            expectNoEvents(poll, events);
        }
    }

    @Test
    void registrationMisuse() throws IOException {
        try (Poll poll = Poll.open(); Poll other = Poll.open(); UdpSocket s = UdpSocket.bind(anyV4())) {
            assertThrows(IllegalStateException.class, () -> poll.registry().deregister(s), "not registered");
            assertThrows(IllegalStateException.class, () -> poll.registry().reregister(s, ID1, Interest.READABLE));
            poll.registry().register(s, ID1, Interest.READABLE);
            assertThrows(IllegalStateException.class, () -> poll.registry().register(s, ID1, Interest.READABLE));
            assertThrows(IllegalStateException.class, () -> other.registry().register(s, ID1, Interest.READABLE));
        }
    }

    @Test
    void badAddresses() throws IOException {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("localhost", 9);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 9);
        assertThrows(NullPointerException.class, () -> UdpSocket.bind(null));
        assertThrows(IllegalArgumentException.class, () -> UdpSocket.bind(unresolved));
        assertThrows(NullPointerException.class, () -> UdpSocket.bind(anyV4(), null));
        try (UdpSocket s = UdpSocket.bind(anyV4())) {
            ByteBuffer b = ByteBuffer.wrap(DATA1);
            assertThrows(NullPointerException.class, () -> s.send(b, null));
            assertThrows(IllegalArgumentException.class, () -> s.send(b, unresolved));
            assertThrows(IllegalArgumentException.class, () -> s.send(b, v6), "IPv6 target on an IPv4 socket");
            assertThrows(IllegalArgumentException.class, () -> s.send(MemorySegment.ofArray(DATA1), v6));
            assertEquals(0, b.position(), "nothing sent");
            assertThrows(NullPointerException.class, () -> s.connect(null));
            assertThrows(IllegalArgumentException.class, () -> s.connect(unresolved));
            assertThrows(IllegalArgumentException.class, () -> s.connect(v6));
            assertThrows(NullPointerException.class, () -> s.receive((ByteBuffer) null));
            ByteBuffer readOnly = ByteBuffer.allocate(8).asReadOnlyBuffer();
            assertThrows(IllegalArgumentException.class, () -> s.receive(readOnly));
            assertThrows(IllegalArgumentException.class, () -> s.peek(readOnly));
            assertThrows(IllegalArgumentException.class, () -> s.read(readOnly));
            MemorySegment roSegment = MemorySegment.ofArray(new byte[8]).asReadOnly();
            assertThrows(IllegalArgumentException.class, () -> s.receive(roSegment));
            assertThrows(IllegalArgumentException.class, () -> s.read(roSegment));
        }
    }

    @Test
    void bindToAddressInUse() throws IOException {
        try (UdpSocket a = UdpSocket.bind(anyV4())) {
            assertThrows(BindException.class, () -> UdpSocket.bind(a.localAddress()));
        }
    }

    @Test
    void useAfterClose() throws IOException {
        UdpSocket s = UdpSocket.bind(anyV4());
        InetSocketAddress self = s.localAddress();
        s.close();
        assertFalse(s.isOpen());
        assertDoesNotThrow(s::close, "close is idempotent");
        ByteBuffer b = ByteBuffer.allocate(8);
        MemorySegment seg = MemorySegment.ofArray(new byte[8]);
        Executable[] calls = {
            () -> s.send(b, self), () -> s.send(seg, self), () -> s.receive(b), () -> s.receive(seg),
            () -> s.peek(b), () -> s.read(b), () -> s.read(seg), () -> s.write(b), () -> s.write(seg),
            () -> s.connect(self), s::takeError, s::localAddress, s::peerAddress,
            () -> s.getOption(StandardSocketOptions.SO_BROADCAST),
            () -> s.setOption(StandardSocketOptions.SO_BROADCAST, true),
            () -> s.getOption(StandardSocketOptions.IP_MULTICAST_IF),
        };
        for (Executable call : calls) {
            assertThrows(ClosedChannelException.class, call);
        }
        try (Poll poll = Poll.open()) {
            assertThrows(ClosedChannelException.class, () -> poll.registry().register(s, ID1, Interest.READABLE));
        }
    }

    /** Every path that creates a socket, failing or not, leaves no descriptor behind. */
    @Test
    void noDescriptorLeaks() throws IOException {
        try (UdpSocket warmUp = UdpSocket.bind(anyV4()); UdpSocket taken = UdpSocket.bind(anyV4())) {
            warmUp.send(ByteBuffer.wrap(DATA1), taken.localAddress());
            taken.receive(ByteBuffer.allocate(32));
            long before = OpenFds.count();
            Map<SocketOption<?>, ?> bad = Map.of(StandardSocketOptions.SO_BROADCAST, "yes");
            for (int i = 0; i < 50; i++) {
                try (Poll poll = Poll.open(); UdpSocket s = UdpSocket.bind(anyV4())) {
                    poll.registry().register(s, ID1, Interest.READABLE);
                    s.connect(taken.localAddress());
                    s.write(ByteBuffer.wrap(DATA1));
                }
                assertThrows(BindException.class, () -> UdpSocket.bind(taken.localAddress()));
                assertThrows(IllegalArgumentException.class, () -> UdpSocket.bind(anyV4(), bad));
                UdpSocket unclosedPoll = UdpSocket.bind(anyV4());
                Poll poll = Poll.open();
                poll.registry().register(unclosedPoll, ID1, Interest.READABLE);
                poll.close();
                unclosedPoll.close();
            }
            OpenFds.assertBackTo(before, "50 rounds of bind, failed binds, connect, register, close");
        }
    }
}
