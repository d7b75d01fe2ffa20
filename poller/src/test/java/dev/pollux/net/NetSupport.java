package dev.pollux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /**
     * The descriptors this process has open that a leak check should count. On epoll (and native
     * kqueue) that is every entry of {@code /proc/self/fd}. On libkqueue the library's own
     * descriptors are left out: per kqueue an epoll instance, eventfds and the read end of the
     * pipe whose write end is the kqueue descriptor (marked O_ASYNC: closing the kqueue signals
     * libkqueue's monitoring thread through it). libkqueue frees them asynchronously after the
     * kqueue is closed, and never when the kqueue's number is reused before its monitoring
     * thread gets there, so their count drifts either way. The kqueue descriptor itself (the
     * pipe's write end, which Pollux owns and closes) is still counted, as is every socket.
     */
    static long openFdCount() throws IOException {
        if (!ON_LIBKQUEUE) {
            return MioPortSupport.openFdCount();
        }
        long n = 0;
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            for (java.nio.file.Path p : fds.toList()) {
                if (!isLibkqueueInternal(p)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Whether the suite runs on the kqueue backend (native or libkqueue). */
    static final boolean ON_KQUEUE = dev.pollux.KqueueSupport.onKqueue();

    /**
     * Whether it runs on libkqueue, which on an EPOLLERR reads (and so clears) the socket's
     * SO_ERROR itself to put it in the event's fflags: the event shows the error, but
     * takeError() and the next read or write no longer see it.
     */
    static final boolean ON_LIBKQUEUE = dev.pollux.KqueueSupport.onKqueue()
            && dev.pollux.ffi.kqueue.KqueuePlatform.current() == dev.pollux.ffi.kqueue.KqueuePlatform.LIBKQUEUE;

    private static boolean isLibkqueueInternal(java.nio.file.Path fd) {
        try {
            String target = java.nio.file.Files.readSymbolicLink(fd).toString();
            if (target.equals("anon_inode:[eventpoll]") || target.equals("anon_inode:[eventfd]")) {
                return true;
            }
            if (target.startsWith("pipe:")) {
                java.nio.file.Path info = java.nio.file.Path.of("/proc/self/fdinfo", fd.getFileName().toString());
                for (String line : java.nio.file.Files.readAllLines(info)) {
                    if (line.startsWith("flags:")) {
                        int flags = Integer.parseInt(line.substring(6).trim(), 8);
                        return (flags & 020000) != 0; // O_ASYNC
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return false; // the listing's own descriptor, or one closed meanwhile: counted as before
        }
    }

    /** The open descriptors, what they point to and whether the count includes them. */
    static String listFds() {
        StringBuilder b = new StringBuilder();
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            for (java.nio.file.Path p : fds.toList()) {
                String target;
                try {
                    target = java.nio.file.Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    target = "?";
                }
                b.append("  ").append(p.getFileName()).append(" -> ").append(target)
                        .append(ON_LIBKQUEUE && isLibkqueueInternal(p) ? " (libkqueue's, not counted)" : "").append('\n');
            }
        } catch (IOException e) {
            b.append("  (cannot list: ").append(e).append(")\n");
        }
        return b.toString();
    }

    /**
     * Asserts that the count returns to {@code before}. On libkqueue a count below {@code before}
     * also passes: the library releases descriptors of earlier tests (including duplicates of
     * sockets it watched) from its own thread at any later moment, which is not a leak of ours.
     */
    static void assertFdCount(long before, String what) throws IOException {
        // Descriptors close synchronously, but give a moment for anything asynchronous in the JVM.
        long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
        long now = openFdCount();
        while (!settled(before, now) && System.nanoTime() < deadline) {
            pause();
            now = openFdCount();
        }
        long last = now;
        if (ON_LIBKQUEUE && now < before) {
            return;
        }
        assertEquals(before, now, () -> "descriptors leaked by " + what + " (counted " + last + " of:\n" + listFds() + ")");
    }

    private static boolean settled(long before, long now) {
        return now == before || (ON_LIBKQUEUE && now < before);
    }

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
