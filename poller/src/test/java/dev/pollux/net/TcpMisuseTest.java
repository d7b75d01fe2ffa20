package dev.pollux.net;

import static dev.pollux.net.NetSupport.ANY_LOCAL;
import static dev.pollux.net.NetSupport.connectedPair;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pollux.Interest;
import dev.pollux.KqueueSupport;
import dev.pollux.OpenFds;
import dev.pollux.Poll;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input and misuse of TCP sockets fail clearly and leak nothing. */
class TcpMisuseTest {
    /** Lets the JVM load what it loads once before descriptors are counted. */
    @BeforeEach
    void warmUp() throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = connectedPair(listener)) {
            poll.registry().register(pair.client(), 1, Interest.READABLE);
            pair.client().getOption(StandardSocketOptions.TCP_NODELAY);
        }
        OpenFds.count();
    }

    @Test
    void nullArguments() throws Exception {
        long before = OpenFds.count();
        assertThrows(NullPointerException.class, () -> TcpStream.connect(null));
        assertThrows(NullPointerException.class, () -> TcpListener.bind(null));
        assertThrows(NullPointerException.class, () -> TcpListener.bind(null, 1));
        assertThrows(NullPointerException.class, () -> TcpListener.bind(ANY_LOCAL, 1, null));
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL); NetSupport.Pair pair = connectedPair(listener)) {
            TcpStream s = pair.client();
            assertThrows(NullPointerException.class, () -> s.setOption(null, 1));
            assertThrows(NullPointerException.class, () -> s.getOption(null));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(StandardSocketOptions.TCP_NODELAY, null));
            assertThrows(NullPointerException.class, () -> s.read((ByteBuffer) null));
            assertThrows(NullPointerException.class, () -> s.write((ByteBuffer) null));
            assertThrows(NullPointerException.class, () -> s.read((ByteBuffer[]) null));
            assertThrows(NullPointerException.class, () -> s.write((ByteBuffer[]) null));
            assertThrows(NullPointerException.class, () -> s.read((MemorySegment) null));
            assertThrows(NullPointerException.class, () -> s.write((MemorySegment) null));
            assertThrows(NullPointerException.class, () -> s.peek(null));
            assertThrows(NullPointerException.class, () -> s.write(new ByteBuffer[] {null}));
        }
        OpenFds.assertBackTo(before, "failed calls with null arguments");
    }

    @Test
    void unresolvedAddressAndBadPort() throws Exception {
        long before = OpenFds.count();
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("localhost", 80);
        assertThrows(IllegalArgumentException.class, () -> TcpStream.connect(unresolved));
        assertThrows(IllegalArgumentException.class, () -> TcpListener.bind(unresolved));
        // Ports out of range never get as far as Pollux: InetSocketAddress rejects them.
        assertThrows(IllegalArgumentException.class, () -> new InetSocketAddress("127.0.0.1", 65536));
        assertThrows(IllegalArgumentException.class, () -> new InetSocketAddress("127.0.0.1", -1));
        OpenFds.assertBackTo(before, "rejected addresses");
    }

    @Test
    void wrongOptionValuesInBindFailWithoutLeaking() throws Exception {
        long before = OpenFds.count();
        @SuppressWarnings({"rawtypes", "unchecked"})
        Map<SocketOption<?>, ?> wrongType = (Map) Map.of(StandardSocketOptions.SO_REUSEPORT, 1);
        assertThrows(IllegalArgumentException.class, () -> TcpListener.bind(ANY_LOCAL, 0, wrongType));
        Map<SocketOption<?>, ?> negative = Map.of(PolluxSocketOptions.TCP_FASTOPEN, -1);
        assertThrows(IllegalArgumentException.class, () -> TcpListener.bind(ANY_LOCAL, 0, negative));
        Map<SocketOption<?>, ?> unsupported = Map.of(PolluxSocketOptions.TCP_NOPUSH, true);
        assertThrows(UnsupportedOperationException.class, () -> TcpListener.bind(ANY_LOCAL, 0, unsupported));
        try (TcpListener taken = TcpListener.bind(ANY_LOCAL)) {
            assertThrows(java.net.BindException.class, () -> TcpListener.bind(taken.localAddress()));
        }
        OpenFds.assertBackTo(before, "failed binds");
    }

    @Test
    void useAfterClose() throws Exception {
        long before = OpenFds.count();
        try (Poll poll = Poll.open()) {
            TcpListener listener = TcpListener.bind(ANY_LOCAL);
            NetSupport.Pair pair = connectedPair(listener);
            TcpStream s = pair.client();
            poll.registry().register(s, 1, Interest.READABLE);
            pair.close();
            listener.close();
            assertFalse(s.isOpen());
            assertFalse(listener.isOpen());
            assertDoesNotThrow(s::close, "close is idempotent");
            assertDoesNotThrow(listener::close, "close is idempotent");

            List<Executable> calls = new ArrayList<>(List.of(
                    () -> s.read(ByteBuffer.allocate(4)),
                    () -> s.read(ByteBuffer.allocate(0)),
                    () -> s.read(ByteBuffer.allocateDirect(4)),
                    () -> s.write(ByteBuffer.allocate(4)),
                    () -> s.write(ByteBuffer.allocate(0)),
                    () -> s.read(new ByteBuffer[] {ByteBuffer.allocateDirect(4)}),
                    () -> s.write(new ByteBuffer[] {ByteBuffer.allocate(4)}),
                    () -> s.peek(ByteBuffer.allocate(4)),
                    () -> s.peek(ByteBuffer.allocate(0)),
                    s::shutdown,
                    s::shutdownInput,
                    s::shutdownOutput,
                    s::takeError,
                    s::peerAddress,
                    s::localAddress,
                    () -> s.setOption(StandardSocketOptions.TCP_NODELAY, true),
                    () -> s.getOption(StandardSocketOptions.TCP_NODELAY),
                    () -> poll.registry().register(s, 2, Interest.READABLE),
                    () -> poll.registry().reregister(s, 2, Interest.READABLE),
                    () -> poll.registry().deregister(s),
                    listener::accept,
                    listener::localAddress,
                    () -> listener.getOption(StandardSocketOptions.SO_REUSEADDR),
                    () -> poll.registry().register(listener, 3, Interest.READABLE)));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(4);
                calls.add(() -> s.read(seg));
                calls.add(() -> s.write(seg));
                for (int i = 0; i < calls.size(); i++) {
                    int index = i;
                    assertThrows(ClosedChannelException.class, calls.get(i), () -> "call #" + index);
                }
            }
        }
        OpenFds.assertBackTo(before, "a closed connection and listener");
    }

    @Test
    void readIntoReadOnlyBuffer() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL); NetSupport.Pair pair = connectedPair(listener)) {
            TcpStream s = pair.client();
            NetSupport.writeAll(pair.server(), new byte[] {1, 2, 3});
            ByteBuffer heap = ByteBuffer.allocate(8).asReadOnlyBuffer();
            ByteBuffer direct = ByteBuffer.allocateDirect(8).asReadOnlyBuffer();
            assertThrows(IllegalArgumentException.class, () -> s.read(heap));
            assertThrows(IllegalArgumentException.class, () -> s.read(direct));
            assertThrows(IllegalArgumentException.class, () -> s.peek(heap));
            assertThrows(IllegalArgumentException.class, () -> s.peek(direct));
            assertThrows(IllegalArgumentException.class, () -> s.read(new ByteBuffer[] {ByteBuffer.allocate(2), heap}));
            assertThrows(IllegalArgumentException.class,
                    () -> s.read(new ByteBuffer[] {ByteBuffer.allocateDirect(2), direct}));
            assertThrows(IllegalArgumentException.class,
                    () -> s.read(MemorySegment.ofArray(new byte[8]).asReadOnly()));
            // Nothing was consumed by the refused calls.
            org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {1, 2, 3}, NetSupport.readExactly(s, 3));
            // Writing from a read-only buffer is fine.
            ByteBuffer ro = ByteBuffer.wrap(new byte[] {9}).asReadOnlyBuffer();
            org.junit.jupiter.api.Assertions.assertEquals(1, s.write(ro));
        }
    }

    @Test
    void badOffsetsInScatterGather() throws Exception {
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL); NetSupport.Pair pair = connectedPair(listener)) {
            ByteBuffer[] two = {ByteBuffer.allocate(2), ByteBuffer.allocate(2)};
            assertThrows(IndexOutOfBoundsException.class, () -> pair.client().read(two, 1, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> pair.client().write(two, -1, 1));
        }
    }

    /**
     * A whole mixed scenario, many times: connections accepted, echoed, reset and closed while
     * registered, refused connects, bind conflicts, failed option calls. No descriptor is left.
     */
    @Test
    void noDescriptorLeakedByAWholeScenario() throws Exception {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        long before = OpenFds.count();
        InetSocketAddress refused;
        try (TcpListener gone = TcpListener.bind(ANY_LOCAL)) {
            refused = gone.localAddress();
        }
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL)) {
            poll.registry().register(listener, 0, Interest.READABLE);
            for (int round = 0; round < 100; round++) {
                NetSupport.Pair pair = connectedPair(listener);
                poll.registry().register(pair.client(), 1, Interest.READABLE.add(Interest.WRITABLE));
                poll.registry().register(pair.server(), 2, Interest.READABLE);
                NetSupport.writeAll(pair.client(), new byte[] {(byte) round});
                NetSupport.writeAll(pair.server(), NetSupport.readExactly(pair.server(), 1));
                NetSupport.readExactly(pair.client(), 1);
                if (round % 2 == 0) {
                    pair.server().setOption(StandardSocketOptions.SO_LINGER, 0);
                }
                assertThrows(UnsupportedOperationException.class,
                        () -> pair.client().setOption(PolluxSocketOptions.TCP_NOPUSH, true));
                pair.close(); // closes while registered
                try {
                    TcpStream.connect(refused).close();
                } catch (java.net.ConnectException e) {
                    // refused at once: fine, nothing to close
                }
                assertThrows(java.net.BindException.class, () -> TcpListener.bind(listener.localAddress()));
            }
        }
        OpenFds.assertBackTo(before, "100 rounds of connections, refusals and failed binds");
    }

    @Test
    void doubleRegistration() throws Exception {
        try (Poll poll = Poll.open(); Poll other = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL)) {
            poll.registry().register(listener, 1, Interest.READABLE);
            assertThrows(IllegalStateException.class, () -> poll.registry().register(listener, 1, Interest.READABLE));
            assertThrows(IllegalStateException.class, () -> other.registry().register(listener, 1, Interest.READABLE));
            assertThrows(IllegalStateException.class, () -> other.registry().deregister(listener));
            poll.registry().deregister(listener);
            assertThrows(IllegalStateException.class, () -> poll.registry().deregister(listener));
        }
    }
}
