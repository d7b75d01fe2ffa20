package dev.pollux.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pollux.MioPortSupport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link UnixDatagram#disconnect()}: the association ends, the socket's own name stays. */
class UnixDatagramDisconnectTest {
    private static final byte[] DATA = {1, 2, 3};

    @TempDir
    Path dir;

    /** Connected, a socket refuses other senders; disconnected, it receives from them again. */
    @Test
    void disconnectedSocketReceivesFromAnyoneAgain() throws Exception {
        try (UnixDatagram s = UnixDatagram.bind(dir.resolve("s"));
                UnixDatagram peer = UnixDatagram.bind(dir.resolve("peer"));
                UnixDatagram other = UnixDatagram.bind(dir.resolve("other"))) {
            UnixAddress name = s.localAddress();
            s.connect(peer.localAddress());
            assertThrows(IOException.class, () -> other.send(ByteBuffer.wrap(DATA), name),
                    "a connected Unix datagram socket refuses other senders");

            s.disconnect();
            assertEquals(name, s.localAddress(), "the socket keeps its name");
            assertThrows(NotYetConnectedException.class, s::peerAddress);
            assertThrows(NotYetConnectedException.class, () -> s.write(ByteBuffer.wrap(DATA)));
            assertEquals(DATA.length, other.send(ByteBuffer.wrap(DATA), name));
            ByteBuffer in = ByteBuffer.allocate(16);
            assertEquals(other.localAddress(), receiveWithin(s, in));
            in.flip();
            byte[] got = new byte[in.remaining()];
            in.get(got);
            assertArrayEquals(DATA, got);
            s.disconnect(); // not connected: nothing to do
        }
    }

    @Test
    void anEndOfAPairCanBeDisconnected() throws Exception {
        try (UnixDatagram.Pair pair = UnixDatagram.pair()) {
            pair.first().disconnect();
            assertThrows(NotYetConnectedException.class, () -> pair.first().write(ByteBuffer.wrap(DATA)));
            assertThrows(NotYetConnectedException.class, () -> pair.first().peerAddress());
        }
    }

    @Test
    void disconnectAfterCloseThrowsClosedChannelException() throws Exception {
        UnixDatagram s = UnixDatagram.unbound();
        s.close();
        assertThrows(ClosedChannelException.class, s::disconnect);
    }

    private static UnixAddress receiveWithin(UnixDatagram s, ByteBuffer in) throws IOException {
        long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
        while (System.nanoTime() < deadline) {
            UnixAddress from = s.receive(in);
            if (from != null) {
                return from;
            }
            NetSupport.pause();
        }
        return fail("no datagram came");
    }
}
