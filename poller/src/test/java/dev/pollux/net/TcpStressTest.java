package dev.pollux.net;

import static dev.pollux.net.NetSupport.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pollux.Event;
import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.KqueueSupport;
import dev.pollux.OpenFds;
import dev.pollux.Poll;
import dev.pollux.ffi.kqueue.KqueuePlatform;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Load through one Poll, edge-triggered: many concurrent loopback connections echoing, and one
 * large transfer that must be written in pieces. Every byte is checked; no descriptor leaks.
 */
class TcpStressTest {
    /** 1,000 connections need 2,000 socket descriptors (plus the JVM's own); the limit here is checked first. */
    private static final int CONNECTIONS = 1000;
    private static final long LISTENER = Long.MAX_VALUE;
    private static final long SERVER_BASE = 1L << 32;
    /** Longest a loop may go without any event before the test calls it stalled (not a speed bound). */
    private static final Duration STALL = Duration.ofSeconds(10);

    /**
     * libkqueue (2.7 included) drops events when READ and WRITE are both registered for many
     * descriptors: one epoll event of a descriptor with both filters expands into two kevents,
     * and once the event list is full the rest of what epoll_wait returned is thrown away
     * ({@code linux_kevent_copyout}, "no more available kevent slots") - edge-triggered, so those
     * edges are lost for good. The kqueue selector always asks for 512 events, libkqueue's cap,
     * which covers any {@code Events} size (TwoWayReadinessTest), but 2,000 sockets ready both
     * ways are more than 512 filters in one call (two-way here, 171 of 1,000 echoes complete on
     * 2.7). So on libkqueue this test, which is about scale, keeps one interest at a time (the
     * common "write interest only while output is pending" pattern); epoll and native kqueue keep
     * READABLE|WRITABLE on every socket.
     */
    private static final boolean ONE_INTEREST_AT_A_TIME =
            KqueueSupport.onKqueue() && KqueuePlatform.current() == KqueuePlatform.LIBKQUEUE;

    /** The byte at offset {@code k} of connection {@code id}'s stream: not periodic at powers of two. */
    private static byte pattern(long id, long k) {
        long x = (k + id * 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
        return (byte) (x >>> 29 ^ k >>> 11 ^ k);
    }

    private static long fdLimit() throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring(25).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    private static final class Client {
        final TcpStream stream;
        final ByteBuffer out;
        final ByteBuffer in;
        boolean connected;
        boolean shutdownSent;
        boolean done;
        Interest interest;

        Client(TcpStream stream, int id) {
            this.stream = stream;
            int length = 1 + (id * 997) % 6000; // 1 B to 6 KB
            out = ByteBuffer.allocate(length);
            for (int k = 0; k < length; k++) {
                out.put(k, pattern(id, k));
            }
            in = (id & 1) == 0 ? ByteBuffer.allocate(length) : ByteBuffer.allocateDirect(length);
        }
    }

    private static final class Server {
        final TcpStream stream;
        final ByteBuffer buffer = ByteBuffer.allocate(2048);
        boolean eof;
        boolean closed;
        Interest interest;

        Server(TcpStream stream) {
            this.stream = stream;
        }
    }

    /**
     * 1,000 concurrent loopback connections: clients and their server sides all in one Poll,
     * edge-triggered. Each client sends its own bytes, the server echoes them, the client checks
     * each byte, shuts down its output and waits for the server to close in turn.
     */
    @Test
    void thousandConcurrentConnectionsEchoThroughOnePoll() throws Exception {
        long limit = fdLimit();
        assertTrue(limit < 0 || limit >= 2 * CONNECTIONS + 200,
                "the descriptor limit " + limit + " is too low for " + CONNECTIONS + " connections");
        long before = OpenFds.count();
        Map<Long, Client> clients = new HashMap<>();
        Map<Long, Server> servers = new HashMap<>();
        try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(ANY_LOCAL, CONNECTIONS + 24)) {
            try {
                Events events = Events.withCapacity(256);
                poll.registry().register(listener, LISTENER, Interest.READABLE);
                for (int i = 0; i < CONNECTIONS; i++) {
                    TcpStream s = TcpStream.connect(listener.localAddress());
                    Client c = new Client(s, i);
                    clients.put((long) i, c);
                    c.interest = ONE_INTEREST_AT_A_TIME ? Interest.WRITABLE : Interest.READABLE.add(Interest.WRITABLE);
                    poll.registry().register(s, i, c.interest);
                }
                assertTrue(OpenFds.count() >= before + CONNECTIONS);
                int clientsDone = 0;
                int serversClosed = 0;
                int accepted = 0;
                while (clientsDone < CONNECTIONS || serversClosed < CONNECTIONS) {
                    int n = poll.poll(events, STALL);
                    if (n == 0) {
                        fail("stalled: accepted " + accepted + ", clients done " + clientsDone
                                + ", servers closed " + serversClosed);
                    }
                    for (Event e : events) {
                        long token = e.token();
                        if (token == LISTENER) {
                            TcpStream s;
                            while ((s = listener.accept()) != null) {
                                long t = SERVER_BASE + accepted++;
                                Server server = new Server(s);
                                servers.put(t, server);
                                server.interest = ONE_INTEREST_AT_A_TIME ? Interest.READABLE : Interest.READABLE.add(Interest.WRITABLE);
                                poll.registry().register(s, t, server.interest);
                            }
                        } else if (token >= SERVER_BASE) {
                            Server server = servers.get(token);
                            if (server != null && !server.closed) {
                                if (driveServer(server)) {
                                    serversClosed++;
                                } else if (ONE_INTEREST_AT_A_TIME) {
                                    // Writable only while echo bytes wait, readable otherwise.
                                    Interest want = server.buffer.position() > 0 ? Interest.WRITABLE : Interest.READABLE;
                                    if (want != server.interest) {
                                        server.interest = want;
                                        poll.registry().reregister(server.stream, token, want);
                                    }
                                }
                            }
                        } else {
                            Client client = clients.get(token);
                            if (client == null) {
                                fail("unknown token " + token);
                            }
                            if (!client.done) {
                                if (driveClient(client, (int) token, e)) {
                                    clientsDone++;
                                } else if (ONE_INTEREST_AT_A_TIME && client.connected) {
                                    // Writable until everything is sent (connecting included), then readable.
                                    Interest want = client.out.hasRemaining() ? Interest.WRITABLE : Interest.READABLE;
                                    if (want != client.interest) {
                                        client.interest = want;
                                        poll.registry().reregister(client.stream, token, want);
                                    }
                                }
                            }
                        }
                    }
                }
                assertEquals(CONNECTIONS, accepted);
                assertNull(listener.accept());
            } finally {
                for (Client c : clients.values()) {
                    c.stream.close();
                }
                for (Server s : servers.values()) {
                    s.stream.close();
                }
            }
        }
        OpenFds.assertBackTo(before, CONNECTIONS + " connections");
    }

    /** Echoes what arrives; true once the client's end of stream is seen and everything echoed. */
    private static boolean driveServer(Server s) throws IOException {
        boolean progress = true;
        while (progress) {
            progress = false;
            if (!s.eof && s.buffer.hasRemaining()) {
                int r = s.stream.read(s.buffer);
                if (r < 0) {
                    s.eof = true;
                } else if (r > 0) {
                    progress = true;
                }
            }
            s.buffer.flip();
            if (s.buffer.hasRemaining() && s.stream.write(s.buffer) > 0) {
                progress = true;
            }
            s.buffer.compact();
        }
        if (s.eof && s.buffer.position() == 0) {
            s.stream.close();
            s.closed = true;
            return true;
        }
        return false;
    }

    /** Sends, receives and checks; true once the echo is complete and the server has closed. */
    private static boolean driveClient(Client c, int id, Event e) throws IOException {
        if (!c.connected) {
            if (!e.isWritable()) {
                return false;
            }
            IOException error = c.stream.takeError();
            if (error != null) {
                throw new AssertionError("connection " + id + " failed", error);
            }
            c.connected = true;
        }
        boolean progress = true;
        while (progress) {
            progress = false;
            if (c.out.hasRemaining() && c.stream.write(c.out) > 0) {
                progress = true;
            }
            if (c.in.hasRemaining()) {
                int r = c.stream.read(c.in);
                if (r < 0) {
                    fail("connection " + id + ": end of stream after " + c.in.position() + " bytes");
                }
                progress |= r > 0;
            } else if (!c.shutdownSent) {
                for (int k = 0; k < c.in.capacity(); k++) {
                    if (c.in.get(k) != pattern(id, k)) {
                        fail("connection " + id + ": byte " + k + " differs");
                    }
                }
                c.stream.shutdownOutput();
                c.shutdownSent = true;
                progress = true;
            } else {
                int r = c.stream.read(ByteBuffer.allocate(16));
                if (r > 0) {
                    fail("connection " + id + ": more bytes than were sent");
                }
                if (r < 0) {
                    c.stream.close();
                    c.done = true;
                    return true;
                }
            }
        }
        return false;
    }

    enum Mode {
        HEAP, DIRECT, SEGMENT, GATHER_SCATTER_DIRECT, GATHER_SCATTER_HEAP
    }

    /**
     * 64 MiB over one loopback connection, sender and receiver in one Poll, edge-triggered: the
     * sender writes until would-block and waits for writable, so writes are partial; the receiver
     * checks every byte. Heap, direct, segment and gathering/scattering buffers.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void sixtyFourMebibytesWithPartialWrites(Mode mode) throws Exception {
        final long total = 64L << 20;
        final long sender = 1;
        final long receiver = 2;
        long before = OpenFds.count();
        try (Poll poll = Poll.open(); Arena arena = Arena.ofConfined();
                TcpListener listener = TcpListener.bind(ANY_LOCAL);
                NetSupport.Pair pair = NetSupport.connectedPair(listener)) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pair.client(), sender, Interest.WRITABLE);
            poll.registry().register(pair.server(), receiver, Interest.READABLE);

            boolean direct = mode != Mode.HEAP && mode != Mode.GATHER_SCATTER_HEAP;
            // Odd sizes, one tiny, so buffer boundaries land everywhere.
            int[] outSizes = mode.name().startsWith("GATHER") ? new int[] {300_001, 1, 700_003} : new int[] {1_000_003};
            int[] inSizes = mode.name().startsWith("GATHER") ? new int[] {40_000, 7, 90_001} : new int[] {131_071};
            ByteBuffer[] out = new ByteBuffer[outSizes.length];
            ByteBuffer[] in = new ByteBuffer[inSizes.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (direct ? ByteBuffer.allocateDirect(outSizes[i]) : ByteBuffer.allocate(outSizes[i])).limit(0);
            }
            for (int i = 0; i < in.length; i++) {
                in[i] = direct ? ByteBuffer.allocateDirect(inSizes[i]) : ByteBuffer.allocate(inSizes[i]);
            }
            MemorySegment outSegment = arena.allocate(outSizes[0]);
            MemorySegment inSegment = arena.allocate(inSizes[0]);
            long segmentOutPos = 0;
            long segmentOutLimit = 0;

            long filled = 0; // bytes of the stream put into the out buffers so far
            long sent = 0;
            long received = 0;
            long partialWrites = 0;
            long wouldBlockWrites = 0;
            boolean shutdown = false;
            boolean eof = false;
            while (!eof) {
                int n = poll.poll(events, STALL);
                if (n == 0) {
                    fail(mode + " stalled: sent " + sent + ", received " + received);
                }
                // Sender: write until it would block (edge-triggered).
                while (sent < total) {
                    long offered;
                    long w;
                    if (mode == Mode.SEGMENT) {
                        if (segmentOutPos == segmentOutLimit) {
                            long len = Math.min(outSegment.byteSize(), total - filled);
                            for (long k = 0; k < len; k++) {
                                outSegment.set(ValueLayout.JAVA_BYTE, k, pattern(0, filled + k));
                            }
                            filled += len;
                            segmentOutPos = 0;
                            segmentOutLimit = len;
                        }
                        offered = segmentOutLimit - segmentOutPos;
                        w = pair.client().write(outSegment.asSlice(segmentOutPos, offered));
                        segmentOutPos += w;
                    } else {
                        if (remaining(out) == 0) {
                            for (ByteBuffer b : out) {
                                int len = (int) Math.min(b.capacity(), total - filled);
                                b.clear().limit(len);
                                for (int k = 0; k < len; k++) {
                                    b.put(k, pattern(0, filled + k));
                                }
                                filled += len;
                            }
                        }
                        offered = remaining(out);
                        w = out.length == 1 ? pair.client().write(out[0]) : pair.client().write(out);
                        assertEquals(offered - w, remaining(out), "positions advance by what was written");
                    }
                    sent += w;
                    if (w < offered) {
                        partialWrites++;
                    }
                    if (w == 0) {
                        wouldBlockWrites++;
                        break;
                    }
                }
                if (sent == total && !shutdown) {
                    pair.client().shutdownOutput();
                    shutdown = true;
                }
                // Receiver: read until it would block, checking every byte.
                while (true) {
                    long r;
                    if (mode == Mode.SEGMENT) {
                        r = pair.server().read(inSegment);
                        for (long k = 0; k < r; k++) {
                            if (inSegment.get(ValueLayout.JAVA_BYTE, k) != pattern(0, received + k)) {
                                fail(mode + ": byte " + (received + k) + " differs");
                            }
                        }
                    } else {
                        r = in.length == 1 ? pair.server().read(in[0]) : pair.server().read(in);
                        long checked = 0;
                        for (ByteBuffer b : in) {
                            b.flip();
                            for (int k = 0; k < b.limit(); k++) {
                                if (b.get(k) != pattern(0, received + checked + k)) {
                                    fail(mode + ": byte " + (received + checked + k) + " differs");
                                }
                            }
                            checked += b.limit();
                            b.clear();
                        }
                        assertEquals(Math.max(r, 0), checked, "positions advance by what was read");
                    }
                    if (r < 0) {
                        eof = true;
                        break;
                    }
                    if (r == 0) {
                        break;
                    }
                    received += r;
                    assertTrue(received <= total, "more bytes received than sent");
                }
            }
            assertEquals(total, sent);
            assertEquals(total, received, "end of stream only after every byte");
            assertTrue(partialWrites > 0, "the transfer never needed a partial write");
            assertTrue(wouldBlockWrites > 0, "the sender never had to wait for writable");
        }
        OpenFds.assertBackTo(before, "the transfer");
    }

    private static long remaining(ByteBuffer[] buffers) {
        long r = 0;
        for (ByteBuffer b : buffers) {
            r += b.remaining();
        }
        return r;
    }
}
