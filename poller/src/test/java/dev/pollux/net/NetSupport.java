package dev.pollux.net;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pollux.MioPortSupport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/** Helpers for the TCP tests: loopback addresses, bounded waits without a Poll, connected pairs. */
final class NetSupport {
    static final InetSocketAddress ANY_LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    static final InetSocketAddress ANY_LOCAL_V6 = new InetSocketAddress(ipv6Loopback(), 0);

    private NetSupport() {}

    private static InetAddress ipv6Loopback() {
        try {
            return InetAddress.getByName("::1");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A client and the server side accepted for it; close() closes both. */
    record Pair(TcpStream client, TcpStream server) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                client.close();
            } finally {
                server.close();
            }
        }
    }

    /** Connects to {@code listener} and accepts the connection (bounded wait, no Poll). */
    static Pair connectedPair(TcpListener listener) throws IOException {
        TcpStream client = TcpStream.connect(listener.localAddress());
        try {
            TcpStream server = acceptWithin(listener);
            return new Pair(client, server);
        } catch (Throwable t) {
            client.close();
            throw t;
        }
    }

    /** Accepts a connection that must come, retrying until {@link MioPortSupport#MUST_COME} runs out. */
    static TcpStream acceptWithin(TcpListener listener) throws IOException {
        long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
        while (System.nanoTime() < deadline) {
            TcpStream s = listener.accept();
            if (s != null) {
                return s;
            }
            pause();
        }
        return fail("no connection to accept within " + MioPortSupport.MUST_COME);
    }

    /** Reads exactly {@code n} bytes that must come (bounded wait, no Poll). */
    static byte[] readExactly(TcpStream stream, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
        while (buf.hasRemaining()) {
            int r = stream.read(buf);
            if (r < 0) {
                fail("end of stream after " + buf.position() + " of " + n + " bytes");
            }
            if (r == 0) {
                if (System.nanoTime() > deadline) {
                    fail("only " + buf.position() + " of " + n + " bytes within " + MioPortSupport.MUST_COME);
                }
                pause();
            }
        }
        return buf.array();
    }

    /** Reads until the read returns {@code expected} (-1 for end of stream), bounded. */
    static void awaitRead(TcpStream stream, int expected) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
        while (true) {
            buf.clear();
            int r = stream.read(buf);
            if (r == expected) {
                return;
            }
            if (r != 0) {
                fail("read returned " + r + ", expected " + expected);
            }
            if (System.nanoTime() > deadline) {
                fail("read still would block after " + MioPortSupport.MUST_COME);
            }
            pause();
        }
    }

    /** Writes all of {@code data}, retrying while it would block (bounded). */
    static void writeAll(TcpStream stream, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
        while (buf.hasRemaining()) {
            if (stream.write(buf) == 0) {
                if (System.nanoTime() > deadline) {
                    fail("write still would block after " + MioPortSupport.MUST_COME);
                }
                pause();
            }
        }
    }

    /** Whether the suite runs on the kqueue backend (native or libkqueue). */
    static final boolean ON_KQUEUE = dev.pollux.KqueueSupport.onKqueue();

    /**
     * The events that show a source's read and write sides both closed: one event with both
     * flags on epoll; on kqueue, which reports per filter, read-closed on the READ filter's event
     * and write-closed on the WRITE filter's (two events with the same token, as in mio).
     */
    static MioPortSupport.Expect[] expectReadAndWriteClosed(long token) {
        if (ON_KQUEUE) {
            return new MioPortSupport.Expect[] {
                MioPortSupport.expect(token, MioPortSupport.READABLE | MioPortSupport.READ_CLOSED),
                MioPortSupport.expect(token, MioPortSupport.WRITABLE | MioPortSupport.WRITE_CLOSED)};
        }
        return new MioPortSupport.Expect[] {
            MioPortSupport.expect(token, MioPortSupport.READ_CLOSED | MioPortSupport.WRITE_CLOSED)};
    }

    static void pause() {
        try {
            Thread.sleep(Duration.ofMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static <T> T notNull(T value, String what) {
        assertNotNull(value, what);
        return value;
    }
}
