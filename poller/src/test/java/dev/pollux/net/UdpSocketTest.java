package dev.pollux.net;

import static dev.pollux.MioPortSupport.MUST_COME;
import static dev.pollux.MioPortSupport.READABLE;
import static dev.pollux.MioPortSupport.WRITABLE;
import static dev.pollux.MioPortSupport.expect;
import static dev.pollux.MioPortSupport.expectEvents;
import static dev.pollux.MioPortSupport.expectNoEvents;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.KqueueSupport;
import dev.pollux.Poll;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ports of mio's {@code tests/udp_socket.rs} data-path behaviours, plus NIO's datagram conventions. */
class UdpSocketTest {
    static final long ID1 = 1;
    static final long ID2 = 2;
    static final long ID3 = 3;
    static final byte[] DATA1 = "Hello world!".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DATA2 = "Hello mars!".getBytes(StandardCharsets.US_ASCII);

    static InetSocketAddress anyV4() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    static IntFunction<ByteBuffer> buffers(String kind) {
        return kind.equals("heap") ? ByteBuffer::allocate : ByteBuffer::allocateDirect;
    }

    static byte[] bytes(ByteBuffer b) {
        b.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** mio: unconnected_udp_socket_ipv4 (smoke_test_unconnected_udp_socket), heap and direct buffers. */
    @ParameterizedTest
    @ValueSource(strings = {"heap", "direct"})
    void sendAndReceiveBetweenTwoSockets(String kind) throws IOException {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (UdpSocket s1 = UdpSocket.bind(anyV4()); UdpSocket s2 = UdpSocket.bind(anyV4())) {
            smokeUnconnected(s1, s2, buffers(kind));
        }
    }

    /** mio: unconnected_udp_socket_ipv6. */
    @Test
    void sendAndReceiveOverIpv6Loopback() throws IOException {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        InetSocketAddress any6 = UdpTestSupport.ipv6LoopbackOrSkip();
        try (UdpSocket s1 = UdpSocket.bind(any6); UdpSocket s2 = UdpSocket.bind(any6)) {
            assertEquals(InetAddress.getByName("::1"), s1.localAddress().getAddress());
            smokeUnconnected(s1, s2, ByteBuffer::allocate);
        }
    }

    private static void smokeUnconnected(UdpSocket s1, UdpSocket s2, IntFunction<ByteBuffer> alloc) throws IOException {
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(8);
            InetSocketAddress a1 = s1.localAddress();
            InetSocketAddress a2 = s2.localAddress();
            assertTrue(a1.getPort() > 0 && a2.getPort() > 0 && a1.getPort() != a2.getPort());
            poll.registry().register(s1, ID1, Interest.READABLE.add(Interest.WRITABLE));
            poll.registry().register(s2, ID2, Interest.READABLE.add(Interest.WRITABLE));
            expectEvents(poll, events, expect(ID1, WRITABLE), expect(ID2, WRITABLE));

            ByteBuffer out = alloc.apply(32);
            out.put(DATA1).flip();
            assertEquals(DATA1.length, s1.send(out, a2));
            assertEquals(0, out.remaining(), "position advanced by what was sent");
            assertEquals(DATA2.length, s2.send(ByteBuffer.wrap(DATA2), a1));
            expectEvents(poll, events, expect(ID1, READABLE), expect(ID2, READABLE));

            ByteBuffer in = alloc.apply(32);
            assertEquals(a2, s1.peek(in), "peek returns the sender");
            assertArrayEquals(DATA2, bytes(in));
            in.clear();
            assertEquals(a2, s1.receive(in), "the peeked datagram is still there");
            assertArrayEquals(DATA2, bytes(in));
            in.clear();
            assertEquals(a1, s2.receive(in));
            assertArrayEquals(DATA1, bytes(in));
            in.clear();
            assertNull(s1.receive(in), "drained: would block");
            assertNull(s2.peek(in));
            assertEquals(0, in.position());

            assertNull(s1.takeError());
            assertNull(s2.takeError());
        }
    }

    /** mio: empty_datagram. */
    @Test
    void emptyDatagram() throws IOException {
        try (Poll poll = Poll.open(); UdpSocket s1 = UdpSocket.bind(anyV4()); UdpSocket s2 = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(s1, ID1, Interest.WRITABLE);
            poll.registry().register(s2, ID2, Interest.READABLE);
            expectEvents(poll, events, expect(ID1, WRITABLE));
            assertEquals(0, s1.send(ByteBuffer.allocate(0), s2.localAddress()));
            expectEvents(poll, events, expect(ID2, READABLE));
            ByteBuffer in = ByteBuffer.allocate(10);
            assertEquals(s1.localAddress(), s2.receive(in), "an empty datagram still has a sender");
            assertEquals(0, in.position());
            assertNull(s2.receive(in));
        }
    }

    /** Edge-triggered: drain until null; only a datagram that arrives afterwards gives a new event. */
    @Test
    void edgeTriggeredReceiveDrainsThenWaitsForNewDatagram() throws IOException {
        try (Poll poll = Poll.open(); UdpSocket tx = UdpSocket.bind(anyV4()); UdpSocket rx = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(rx, ID2, Interest.READABLE);
            for (int i = 0; i < 3; i++) {
                assertEquals(1, tx.send(ByteBuffer.wrap(new byte[] {(byte) i}), rx.localAddress()));
            }
            expectEvents(poll, events, expect(ID2, READABLE));
            ByteBuffer in = ByteBuffer.allocate(4);
            int received = 0;
            long deadline = System.nanoTime() + MUST_COME.toNanos();
            while (received < 3 && System.nanoTime() < deadline) {
                in.clear();
                if (rx.receive(in) != null) {
                    assertEquals(1, in.position());
                    assertEquals(received, in.get(0), "datagrams keep their order on loopback");
                    received++;
                }
            }
            assertEquals(3, received);
            in.clear();
            assertNull(rx.receive(in), "drained");
            expectNoEvents(poll, events);

            assertEquals(DATA1.length, tx.send(ByteBuffer.wrap(DATA1), rx.localAddress()));
            expectEvents(poll, events, expect(ID2, READABLE));
            in = ByteBuffer.allocate(32);
            assertEquals(tx.localAddress(), rx.receive(in));
            assertArrayEquals(DATA1, bytes(in));
        }
    }

    @Test
    void receiveAndReadReturnNothingWhenEmpty() throws IOException {
        try (UdpSocket s = UdpSocket.bind(anyV4())) {
            ByteBuffer in = ByteBuffer.allocate(8);
            assertNull(s.receive(in));
            assertNull(s.peek(in));
            assertEquals(0, s.read(in));
            assertEquals(0, in.position());
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(8);
                assertNull(s.receive(seg));
                assertEquals(0, s.read(seg));
            }
        }
    }

    /** NIO: a datagram larger than the room in the buffer is truncated; the rest is gone. */
    @ParameterizedTest
    @ValueSource(strings = {"heap", "direct"})
    void largerDatagramIsTruncated(String kind) throws IOException {
        try (Poll poll = Poll.open(); UdpSocket tx = UdpSocket.bind(anyV4()); UdpSocket rx = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(rx, ID2, Interest.READABLE);
            tx.send(ByteBuffer.wrap(DATA1), rx.localAddress());
            tx.send(ByteBuffer.wrap(DATA2), rx.localAddress());
            expectEvents(poll, events, expect(ID2, READABLE));
            ByteBuffer in = buffers(kind).apply(16);
            in.position(11).limit(16); // position and limit are honoured: 5 bytes of room
            assertEquals(tx.localAddress(), rx.receive(in));
            assertEquals(16, in.position());
            in.flip().position(11);
            byte[] got = new byte[5];
            in.get(got);
            assertArrayEquals(Arrays.copyOf(DATA1, 5), got);
            ByteBuffer next = ByteBuffer.allocate(32);
            assertEquals(tx.localAddress(), rx.receive(next), "the truncated rest is not a datagram of its own");
            assertArrayEquals(DATA2, bytes(next));
        }
    }

    /** mio: connected_udp_socket_ipv4 (smoke_test_connected_udp_socket), heap and direct buffers. */
    @ParameterizedTest
    @ValueSource(strings = {"heap", "direct"})
    void connectedReadAndWrite(String kind) throws IOException {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        IntFunction<ByteBuffer> alloc = buffers(kind);
        try (Poll poll = Poll.open(); UdpSocket s1 = UdpSocket.bind(anyV4()); UdpSocket s2 = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            s1.connect(s2.localAddress());
            s2.connect(s1.localAddress());
            assertEquals(s2.localAddress(), s1.peerAddress());
            assertEquals(s1.localAddress(), s2.peerAddress());
            poll.registry().register(s1, ID1, Interest.READABLE.add(Interest.WRITABLE));
            poll.registry().register(s2, ID2, Interest.READABLE.add(Interest.WRITABLE));
            expectEvents(poll, events, expect(ID1, WRITABLE), expect(ID2, WRITABLE));

            ByteBuffer out = alloc.apply(32);
            out.put(DATA1).flip();
            assertEquals(DATA1.length, s1.write(out));
            assertEquals(0, out.remaining());
            assertEquals(DATA2.length, s2.write(ByteBuffer.wrap(DATA2)));
            expectEvents(poll, events, expect(ID1, READABLE), expect(ID2, READABLE));

            ByteBuffer in = alloc.apply(32);
            assertEquals(s2.localAddress(), s1.peek(in));
            in.clear();
            assertEquals(DATA2.length, s1.read(in));
            assertArrayEquals(DATA2, bytes(in));
            in.clear();
            assertEquals(DATA1.length, s2.read(in));
            assertArrayEquals(DATA1, bytes(in));
            in.clear();
            assertEquals(0, s1.read(in), "drained: would block");
            assertEquals(0, s2.read(in));
            assertNull(s1.takeError());
            assertNull(s2.takeError());
        }
    }

    /** mio: connected_udp_socket_ipv6. */
    @Test
    void connectedReadAndWriteOverIpv6() throws IOException {
        InetSocketAddress any6 = UdpTestSupport.ipv6LoopbackOrSkip();
        try (Poll poll = Poll.open(); UdpSocket s1 = UdpSocket.bind(any6); UdpSocket s2 = UdpSocket.bind(any6)) {
            Events events = Events.withCapacity(8);
            s1.connect(s2.localAddress());
            s2.connect(s1.localAddress());
            poll.registry().register(s2, ID2, Interest.READABLE);
            assertEquals(DATA1.length, s1.write(ByteBuffer.wrap(DATA1)));
            expectEvents(poll, events, expect(ID2, READABLE));
            ByteBuffer in = ByteBuffer.allocate(32);
            assertEquals(DATA1.length, s2.read(in));
            assertArrayEquals(DATA1, bytes(in));
        }
    }

    /** A connected socket receives only from its peer. */
    @Test
    void connectedSocketIgnoresOthers() throws IOException {
        try (Poll poll = Poll.open(); UdpSocket s1 = UdpSocket.bind(anyV4()); UdpSocket s2 = UdpSocket.bind(anyV4());
                UdpSocket other = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            s1.connect(s2.localAddress());
            poll.registry().register(s1, ID1, Interest.READABLE);
            other.send(ByteBuffer.wrap(DATA2), s1.localAddress());
            s2.send(ByteBuffer.wrap(DATA1), s1.localAddress());
            expectEvents(poll, events, expect(ID1, READABLE));
            ByteBuffer in = ByteBuffer.allocate(32);
            assertEquals(s2.localAddress(), s1.receive(in));
            assertArrayEquals(DATA1, bytes(in));
            assertNull(s1.receive(ByteBuffer.allocate(32)), "the other sender's datagram was dropped");

        }
    }

    /** mio: reconnect_udp_socket_sending. */
    @Test
    void reconnectSending() throws IOException {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        try (Poll poll = Poll.open(); UdpSocket s1 = UdpSocket.bind(anyV4()); UdpSocket s2 = UdpSocket.bind(anyV4());
                UdpSocket s3 = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            s1.connect(s2.localAddress());
            s2.connect(s1.localAddress());
            s3.connect(s1.localAddress());
            poll.registry().register(s1, ID1, Interest.READABLE.add(Interest.WRITABLE));
            poll.registry().register(s2, ID2, Interest.READABLE);
            poll.registry().register(s3, ID3, Interest.READABLE);
            expectEvents(poll, events, expect(ID1, WRITABLE));

            assertEquals(DATA1.length, s1.write(ByteBuffer.wrap(DATA1)));
            expectEvents(poll, events, expect(ID2, READABLE));
            ByteBuffer in = ByteBuffer.allocate(20);
            assertEquals(DATA1.length, s2.read(in));
            assertArrayEquals(DATA1, bytes(in));

            s1.connect(s3.localAddress());
            assertEquals(s3.localAddress(), s1.peerAddress());
            assertEquals(DATA2.length, s1.write(ByteBuffer.wrap(DATA2)));
            expectEvents(poll, events, expect(ID3, READABLE));
            in.clear();
            assertEquals(DATA2.length, s3.read(in));
            assertArrayEquals(DATA2, bytes(in));

            assertNull(s1.takeError());
            assertNull(s2.takeError());
            assertNull(s3.takeError());
        }
    }

    /** mio: reconnect_udp_socket_receiving. */
    @Test
    void reconnectReceiving() throws IOException {
        try (Poll poll = Poll.open(); UdpSocket s1 = UdpSocket.bind(anyV4()); UdpSocket s2 = UdpSocket.bind(anyV4());
                UdpSocket s3 = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            s1.connect(s2.localAddress());
            s2.connect(s1.localAddress());
            s3.connect(s1.localAddress());
            poll.registry().register(s1, ID1, Interest.READABLE);
            poll.registry().register(s2, ID2, Interest.WRITABLE);
            poll.registry().register(s3, ID3, Interest.WRITABLE);
            expectEvents(poll, events, expect(ID2, WRITABLE), expect(ID3, WRITABLE));

            s2.write(ByteBuffer.wrap(DATA1));
            expectEvents(poll, events, expect(ID1, READABLE));
            ByteBuffer in = ByteBuffer.allocate(20);
            assertEquals(DATA1.length, s1.read(in));
            in.clear();
            assertEquals(0, s1.read(in));

            s1.connect(s3.localAddress());
            s3.write(ByteBuffer.wrap(DATA2));
            expectEvents(poll, events, expect(ID1, READABLE));
            assertEquals(DATA2.length, s1.read(in));
            assertArrayEquals(DATA2, bytes(in));
            in.clear();
            assertEquals(0, s1.read(in));

            s1.connect(s2.localAddress());
            s2.write(ByteBuffer.wrap(DATA2));
            expectEvents(poll, events, expect(ID1, READABLE));
            assertEquals(DATA2.length, s1.read(in));
            assertNull(s1.takeError());
        }
    }

    /** mio: unconnected_udp_socket_connected_methods: write needs a peer, read does not. */
    @Test
    void unconnectedSocketConnectedMethods() throws IOException {
        try (Poll poll = Poll.open(); UdpSocket s1 = UdpSocket.bind(anyV4()); UdpSocket s2 = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(s1, ID1, Interest.WRITABLE);
            poll.registry().register(s2, ID2, Interest.READABLE);
            expectEvents(poll, events, expect(ID1, WRITABLE));
            assertThrows(NotYetConnectedException.class, () -> s1.write(ByteBuffer.wrap(DATA1)));
            assertThrows(NotYetConnectedException.class, s1::peerAddress);
            assertEquals(DATA1.length, s1.send(ByteBuffer.wrap(DATA1), s2.localAddress()));
            expectEvents(poll, events, expect(ID2, READABLE));
            ByteBuffer in = ByteBuffer.allocate(20);
            assertNotNull(s2.peek(in));
            in.clear();
            assertEquals(DATA1.length, s2.read(in), "receiving does not need a peer");
            assertArrayEquals(DATA1, bytes(in));
            assertNull(s1.takeError());
            assertNull(s2.takeError());
        }
    }

    /** mio: connected_udp_socket_unconnected_methods: Linux lets a connected socket send elsewhere. */
    @Test
    void connectedSocketUnconnectedMethods() throws IOException {
        try (Poll poll = Poll.open(); UdpSocket s1 = UdpSocket.bind(anyV4()); UdpSocket s2 = UdpSocket.bind(anyV4());
                UdpSocket s3 = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            s1.connect(s3.localAddress());
            s3.connect(s2.localAddress());
            poll.registry().register(s3, ID3, Interest.READABLE);
            assertEquals(DATA2.length, s2.send(ByteBuffer.wrap(DATA2), s3.localAddress()));
            expectEvents(poll, events, expect(ID3, READABLE));
            ByteBuffer in = ByteBuffer.allocate(20);
            assertEquals(s2.localAddress(), s3.peek(in));
            in.clear();
            assertEquals(s2.localAddress(), s3.receive(in));
            assertArrayEquals(DATA2, bytes(in));
        }
    }

    /** ECONNREFUSED on a connected socket (ICMP port unreachable) becomes PortUnreachableException. */
    @Test
    void refusedDatagramThrowsPortUnreachable() throws IOException {
        InetSocketAddress closed;
        try (UdpSocket gone = UdpSocket.bind(anyV4())) {
            closed = gone.localAddress();
        }
        try (Poll poll = Poll.open(); UdpSocket s = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            s.connect(closed);
            poll.registry().register(s, ID1, Interest.READABLE);
            assertEquals(DATA1.length, s.write(ByteBuffer.wrap(DATA1)));
            expectEvents(poll, events, expect(ID1, 0)); // the error arrives as an event
            // Also on libkqueue, which read (and so cleared) SO_ERROR to put ECONNREFUSED in the
            // event: the Poll keeps it from the event.
            PortUnreachableException e = assertThrows(PortUnreachableException.class,
                    () -> s.read(ByteBuffer.allocate(8)));
            assertNotNull(e.getCause(), "the OsException is the cause");
            assertNull(s.takeError(), "the read consumed the error");

            assertEquals(DATA1.length, s.write(ByteBuffer.wrap(DATA1)));
            expectEvents(poll, events, expect(ID1, 0));
            assertInstanceOf(PortUnreachableException.class, s.takeError());
            assertNull(s.takeError(), "takeError clears it");
            assertEquals(0, s.read(ByteBuffer.allocate(8)));
        }
    }

    @Test
    void memorySegmentOverloads() throws IOException {
        try (Poll poll = Poll.open(); Arena arena = Arena.ofConfined();
                UdpSocket s1 = UdpSocket.bind(anyV4()); UdpSocket s2 = UdpSocket.bind(anyV4())) {
            Events events = Events.withCapacity(8);
            poll.registry().register(s2, ID2, Interest.READABLE);
            MemorySegment out = arena.allocate(DATA1.length);
            MemorySegment.copy(DATA1, 0, out, ValueLayout.JAVA_BYTE, 0, DATA1.length);
            assertEquals(DATA1.length, s1.send(out, s2.localAddress()));
            assertEquals(DATA2.length, s1.send(MemorySegment.ofArray(DATA2), s2.localAddress()), "heap segment");
            expectEvents(poll, events, expect(ID2, READABLE));

            MemorySegment in = arena.allocate(32);
            UdpSocket.Received r = receiveWithin(s2, in);
            assertEquals(new UdpSocket.Received(DATA1.length, s1.localAddress()), r);
            assertArrayEquals(DATA1, in.asSlice(0, r.length()).toArray(ValueLayout.JAVA_BYTE));
            byte[] heap = new byte[4];
            r = receiveWithin(s2, MemorySegment.ofArray(heap));
            assertEquals(4, r.length(), "truncated to the segment");
            assertArrayEquals(Arrays.copyOf(DATA2, 4), heap);
            assertNull(s2.receive(in));

            s1.connect(s2.localAddress());
            s2.connect(s1.localAddress());
            assertEquals(DATA1.length, s1.write(MemorySegment.ofArray(DATA1)));
            expectEvents(poll, events, expect(ID2, READABLE));
            byte[] got = new byte[32];
            assertEquals(DATA1.length, s2.read(MemorySegment.ofArray(got)));
            assertArrayEquals(DATA1, Arrays.copyOf(got, DATA1.length));
            assertEquals(0, s2.read(in));
        }
    }

    private static UdpSocket.Received receiveWithin(UdpSocket s, MemorySegment dst) throws IOException {
        long deadline = System.nanoTime() + MUST_COME.toNanos();
        while (System.nanoTime() < deadline) {
            UdpSocket.Received r = s.receive(dst);
            if (r != null) {
                return r;
            }
            Thread.onSpinWait();
        }
        return fail("no datagram within " + MUST_COME);
    }

    /** A read-only heap buffer can be sent from (no copy is needed, and none is made). */
    @Test
    void sendsFromReadOnlyAndSlicedBuffers() throws IOException {
        try (UdpSocket s1 = UdpSocket.bind(anyV4()); UdpSocket s2 = UdpSocket.bind(anyV4());
                Poll poll = Poll.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(s2, ID2, Interest.READABLE);
            ByteBuffer ro = ByteBuffer.wrap(DATA1).asReadOnlyBuffer();
            ro.position(6);
            assertEquals(DATA1.length - 6, s1.send(ro, s2.localAddress()));
            assertEquals(DATA1.length, ro.position());
            expectEvents(poll, events, expect(ID2, READABLE));
            ByteBuffer in = ByteBuffer.allocate(32);
            assertNotNull(s2.receive(in));
            assertArrayEquals(Arrays.copyOfRange(DATA1, 6, DATA1.length), bytes(in));
        }
    }
}
