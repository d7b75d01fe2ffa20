package dev.pollux.net;

import static dev.pollux.net.NetSupport.ANY_LOCAL;
import static dev.pollux.net.NetSupport.acceptWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.MioPortSupport;
import dev.pollux.OsException;
import dev.pollux.Poll;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The exception a socket error arrives as: under the call that really failed and with the
 * {@code java.net} type NIO users catch for it, the {@link OsException} (errno name and call) as
 * its cause.
 */
class SocketErrorsTest {
    private static final long CLIENT = 1;

    /**
     * A reset of an established connection is not a failed connect: {@code takeError} gives a
     * {@link SocketException} "Connection reset" (NIO's words), whether or not the user looked at
     * the connection (with {@code peerAddress}) before the reset came.
     */
    @ParameterizedTest(name = "connection seen established first: {0}")
    @ValueSource(booleans = {true, false})
    void resetOfAnEstablishedConnectionIsNotAConnectError(boolean seenEstablished) throws Exception {
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL);
                TcpStream client = TcpStream.connect(listener.localAddress())) {
            TcpStream server = acceptWithin(listener);
            if (seenEstablished) {
                awaitPeer(client);
            }
            poll.registry().register(client, CLIENT, Interest.READABLE);
            server.setOption(StandardSocketOptions.SO_LINGER, 0);
            server.close();
            awaitEvent(poll);

            IOException error = client.takeError();
            assertSame(SocketException.class, error.getClass(), () -> "not a connect error: " + error);
            assertEquals("Connection reset", error.getMessage());
            OsException cause = assertInstanceOf(OsException.class, error.getCause());
            assertEquals("ECONNRESET", cause.codeName());
            assertEquals("getsockopt(SO_ERROR)", cause.call());
            assertNull(client.takeError(), "takeError clears the error");
        }
    }

    /**
     * A connect that fails is reported as one by {@code takeError}, and so is the error when a read
     * finds it first: a {@link ConnectException}, never the UDP notion of an unreachable port.
     */
    @Test
    void readAfterARefusedConnectIsAConnectException() throws Exception {
        InetSocketAddress closed;
        try (TcpListener listener = TcpListener.bind(ANY_LOCAL)) {
            closed = listener.localAddress();
        }
        try (Poll poll = Poll.open()) {
            TcpStream stream;
            try {
                stream = TcpStream.connect(closed);
            } catch (ConnectException refusedAtOnce) {
                return; // refused synchronously: allowed, and already a ConnectException
            }
            try (stream) {
                poll.registry().register(stream, CLIENT, Interest.WRITABLE);
                awaitEvent(poll);
                ConnectException e = assertThrows(ConnectException.class, () -> stream.read(ByteBuffer.allocate(8)));
                OsException cause = assertInstanceOf(OsException.class, e.getCause());
                assertEquals("ECONNREFUSED", cause.codeName());
                assertEquals("read", cause.call());
            }
        }
    }

    /**
     * Sending to a Unix name nobody is bound to anymore (the socket file outlived its socket) is
     * refused: a {@link ConnectException} naming the path, as connecting there gives, not the IP
     * notion of an unreachable port.
     */
    @Test
    void unixDatagramSendToANameNobodyHoldsNamesThePath(@TempDir Path dir) throws Exception {
        Path stale = dir.resolve("stale");
        UnixDatagram.bind(stale).close();
        try (UnixDatagram d = UnixDatagram.unbound()) {
            ConnectException e = assertThrows(ConnectException.class,
                    () -> d.send(ByteBuffer.wrap(new byte[] {1}), UnixAddress.of(stale)));
            assertTrue(e.getMessage().contains(stale.toString()), e::getMessage);
            OsException cause = assertInstanceOf(OsException.class, e.getCause());
            assertEquals("ECONNREFUSED", cause.codeName());
            assertEquals("sendto", cause.call());
        }
    }

    /** A connected Unix datagram socket whose peer has gone is refused, as a {@link ConnectException}. */
    @Test
    void unixDatagramWriteToAPeerThatClosedIsAConnectException(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("peer");
        UnixDatagram peer = UnixDatagram.bind(path);
        try (UnixDatagram d = UnixDatagram.unbound()) {
            d.connect(path);
            peer.close();
            ConnectException e = assertThrows(ConnectException.class, () -> d.write(ByteBuffer.wrap(new byte[] {1})));
            assertEquals("ECONNREFUSED", assertInstanceOf(OsException.class, e.getCause()).codeName());
        }
    }

    /**
     * A pending error is named under the call that reported it, not under a call that never
     * happened: a datagram pair's end whose peer disconnected with its datagrams unread holds
     * ECONNRESET (Linux's unix_dgram_disconnected).
     */
    @Test
    void unixDatagramPendingErrorIsNamedUnderGetsockopt() throws Exception {
        try (UnixDatagram.Pair pair = UnixDatagram.pair()) {
            assertEquals(1, pair.second().write(ByteBuffer.wrap(new byte[] {1})));
            pair.first().disconnect();
            IOException error = pair.second().takeError();
            OsException os = assertInstanceOf(OsException.class, error);
            assertEquals("ECONNRESET", os.codeName());
            assertEquals("getsockopt(SO_ERROR)", os.call());
            assertNull(pair.second().takeError());
        }
    }

    private static void awaitPeer(TcpStream stream) throws IOException {
        long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                stream.peerAddress();
                return;
            } catch (java.nio.channels.NotYetConnectedException e) {
                NetSupport.pause();
            }
        }
        fail("the connect did not complete");
    }

    private static void awaitEvent(Poll poll) throws IOException {
        Events events = Events.withCapacity(8);
        long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
        while (System.nanoTime() < deadline) {
            poll.poll(events, Duration.ofMillis(100));
            for (int i = 0; i < events.size(); i++) {
                if (events.token(i) == CLIENT && (events.isError(i) || events.isReadClosed(i) || events.isWriteClosed(i))) {
                    return;
                }
            }
        }
        fail("no error or closed event came");
    }
}
