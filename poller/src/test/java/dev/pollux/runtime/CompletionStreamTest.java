package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pollux.OpenFds;
import dev.pollux.net.TcpListener;
import dev.pollux.net.TcpStream;
import dev.pollux.net.UnixStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Completion-based streams ({@code IORING_OP_RECV} / {@code IORING_OP_SEND} requests): what a
 * task sees must be what it sees on readiness-based streams. Runs where the loop's backend is
 * io_uring ({@code -Dpollux.backend=io_uring}); skipped elsewhere.
 */
class CompletionStreamTest {
    private long fdsBefore;
    private EventLoop loop;

    @BeforeEach
    void openLoop() throws IOException {
        fdsBefore = OpenFds.count();
        loop = EventLoop.open("completion-test", true);
        if (!loop.completionStreams()) {
            loop.close();
            assumeTrue(false, "the loop's backend is not io_uring");
        }
    }

    @AfterEach
    void closeLoop() throws Exception {
        loop.close();
        assertTrue(loop.awaitTermination(Duration.ofSeconds(30)));
        OpenFds.assertBackTo(fdsBefore, "completion-based streams");
    }

    private AsyncStream<UnixStream>[] pair() throws IOException {
        UnixStream.Pair ends = UnixStream.pair();
        @SuppressWarnings("unchecked")
        AsyncStream<UnixStream>[] streams = new AsyncStream[] {AsyncStream.of(loop, ends.first()), AsyncStream.of(loop, ends.second())};
        return streams;
    }

    private <T> T await(Async<T> async) throws Exception {
        return Blocking.await(loop, async);
    }

    private static ByteBuffer patterned(int id, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        for (int k = 0; k < size; k++) {
            b.put(RuntimeTestSupport.pattern(id, k));
        }
        return b.flip();
    }

    @Test
    void streamsOnACompletionLoopAreCompletionBasedAndConnectedOnesAreNot() throws Exception {
        AsyncStream<UnixStream>[] s = pair();
        assertTrue(s[0].isCompletionBased());
        assertTrue(s[1].isCompletionBased());
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
            AsyncStream<TcpStream> connected = await(AsyncStream.connect(loop, listener.localAddress()));
            assertFalse(connected.isCompletionBased(), "a connect in progress waits for readiness");
            connected.close();
        }
        s[0].close();
        s[1].close();
    }

    @Test
    void bytesWrittenArriveInOrder() throws Exception {
        AsyncStream<UnixStream>[] s = pair();
        await(s[0].writeAll(ByteBuffer.wrap("hello".getBytes())));
        ByteBuffer in = ByteBuffer.allocate(5);
        await(s[1].readFully(in));
        assertEquals("hello", new String(in.array()));
        // And back, through a direct buffer.
        ByteBuffer out = ByteBuffer.allocateDirect(3).put("bye".getBytes()).flip();
        await(s[1].writeAll(out));
        ByteBuffer back = ByteBuffer.allocate(3);
        await(s[0].readFully(back));
        assertEquals("bye", new String(back.array()));
        s[0].close();
        s[1].close();
    }

    @Test
    void transfersLargerThanBothBuffersArriveWhole() throws Exception {
        AsyncStream<UnixStream>[] s = pair();
        int size = 3 * 1024 * 1024 + 17; // far beyond the 16 KiB buffers and the socket's own
        ByteBuffer out = patterned(7, size);
        TaskHandle<ByteBuffer> writer = loop.spawn(s[0].writeAll(out));
        ByteBuffer in = ByteBuffer.allocate(size);
        // Reads in pieces of odd sizes, so that received bytes are left over between reads.
        TaskHandle<ByteBuffer> reader = loop.spawn(cx -> {
            while (in.hasRemaining()) {
                int limit = in.limit();
                in.limit(Math.min(limit, in.position() + 1000 + in.position() % 3001));
                int n = s[1].pollRead(cx, in);
                in.limit(limit);
                if (n == Async.PENDING_COUNT) {
                    return Async.PENDING;
                }
                if (n < 0) {
                    throw new java.io.EOFException();
                }
            }
            return in;
        });
        writer.join(RuntimeTestSupport.LIVENESS);
        reader.join(RuntimeTestSupport.LIVENESS);
        assertArrayEquals(patterned(7, size).array(), in.array());
        s[0].close();
        s[1].close();
    }

    @Test
    void aWriteWaitsWhileThePeerDoesNotReadAndResumesWhenItDoes() throws Exception {
        AsyncStream<UnixStream>[] s = pair();
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        long written = 0;
        // Fill the socket and the send buffer: a poll-style write then says PENDING.
        int n;
        do {
            chunk.clear();
            Async<Integer> attempt = cx -> {
                int w = s[0].pollWrite(cx, chunk);
                return Integer.valueOf(w == Async.PENDING_COUNT ? -2 : w); // no waiting
            };
            n = await(attempt);
            if (n > 0) {
                written += n;
            }
        } while (n > 0 && written < 64L * 1024 * 1024);
        assertEquals(-2, n, "a write stayed pending once the peer stopped reading");
        // The writer waits; reading everything makes room and the wait ends.
        ByteBuffer last = patterned(1, 10_000);
        TaskHandle<ByteBuffer> blocked = loop.spawn(s[0].writeAll(last));
        long total = written + 10_000;
        ByteBuffer sink = ByteBuffer.allocate(65536);
        long read = 0;
        while (read < total) {
            sink.clear();
            int r = await(s[1].read(sink));
            assertTrue(r > 0);
            read += r;
        }
        blocked.join(RuntimeTestSupport.LIVENESS);
        assertEquals(total, read);
        s[0].close();
        s[1].close();
    }

    @Test
    void endOfStreamReadsMinusOneAfterTheBytesBeforeIt() throws Exception {
        AsyncStream<UnixStream>[] s = pair();
        await(s[0].writeAll(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        s[0].close(); // the bytes already written still go out
        ByteBuffer in = ByteBuffer.allocate(16);
        int total = 0;
        int n;
        while ((n = await(s[1].read(in))) > 0) {
            total += n;
        }
        assertEquals(3, total);
        assertEquals(-1, n);
        assertEquals(-1, await(s[1].read(ByteBuffer.allocate(1))), "end of stream stays");
        s[1].close();
    }

    @Test
    void closeLetsBytesAlreadyWrittenGoOut() throws Exception {
        AsyncStream<UnixStream>[] s = pair();
        int size = 200_000; // more than the socket buffer: the rest waits in the send buffer
        long accepted = 0;
        ByteBuffer out = patterned(3, size);
        while (out.hasRemaining()) {
            int n = await(s[0].write(out));
            accepted += n;
            if (accepted > 100_000) {
                break;
            }
        }
        s[0].close();
        ByteBuffer in = ByteBuffer.allocate(size);
        while (await(s[1].read(in)) > 0) {
            // until end of stream
        }
        assertEquals(accepted, in.position());
        s[1].close();
    }

    @Test
    void readAndWriteAfterCloseThrowClosedChannelException() throws Exception {
        AsyncStream<UnixStream>[] s = pair();
        s[0].close();
        s[0].close(); // idempotent
        assertThrows(ClosedChannelException.class, () -> await(s[0].read(ByteBuffer.allocate(1))));
        assertThrows(ClosedChannelException.class, () -> await(s[0].write(ByteBuffer.allocate(1))));
        s[1].close();
    }

    @Test
    void aReadWaitingWhenTheStreamClosesFailsWithClosedChannelException() throws Exception {
        AsyncStream<UnixStream>[] s = pair();
        TaskHandle<Integer> reader = loop.spawn(s[0].read(ByteBuffer.allocate(8)));
        Thread.sleep(50);
        assertFalse(reader.isDone());
        s[0].close();
        Exception e = assertThrows(Exception.class, () -> reader.join(RuntimeTestSupport.LIVENESS));
        assertTrue(e.getCause() instanceof ClosedChannelException, String.valueOf(e));
        s[1].close();
    }

    @Test
    void aResetConnectionFailsReadsAndWritesAsOnReadinessStreams() throws Exception {
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
            TcpStream client = TcpStream.connect(listener.localAddress());
            TcpStream accepted;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((accepted = listener.accept()) == null && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            AsyncStream<TcpStream> server = AsyncStream.of(loop, accepted);
            assertTrue(server.isCompletionBased());
            client.setOption(StandardSocketOptions.SO_LINGER, 0);
            client.close(); // a reset
            IOException read = assertThrows(IOException.class, () -> await(server.read(ByteBuffer.allocate(8))));
            // As a readiness-based stream's recv reports it (Check.socketError).
            assertTrue(String.valueOf(read.getMessage()).contains("ECONNRESET"), String.valueOf(read));
            // Writes to a reset connection fail too (the first may be accepted into the buffer).
            IOException write = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    await(server.writeAll(ByteBuffer.allocate(1000)));
                    Thread.sleep(1);
                }
            });
            assertTrue(String.valueOf(write.getMessage()).matches(".*(EPIPE|ECONNRESET).*"), String.valueOf(write));
            server.close();
        }
    }

    @Test
    void aLoopClosedWithRequestsInFlightLeaksNoDescriptor() throws Exception {
        for (int i = 0; i < 20; i++) {
            AsyncStream<UnixStream>[] s = pair();
            loop.spawn(s[0].read(ByteBuffer.allocate(8))); // a receive outstanding
            await(s[1].write(ByteBuffer.allocate(100)));
        }
        // closeLoop closes the loop with every stream open and checks the descriptors.
    }

    @Test
    void aVirtualThreadReadsAndWritesThroughTheLoop() throws Exception {
        AsyncStream<UnixStream>[] s = pair();
        TaskHandle<String> echo = loop.spawnBlocking(() -> {
            ByteBuffer in = ByteBuffer.allocate(4);
            Blocking.await(s[1].readFully(in));
            Blocking.await(s[1].writeAll(in.flip()));
            return new String(in.array());
        });
        await(s[0].writeAll(ByteBuffer.wrap("ping".getBytes())));
        ByteBuffer back = ByteBuffer.allocate(4);
        await(s[0].readFully(back));
        assertEquals("ping", echo.join(RuntimeTestSupport.LIVENESS));
        assertEquals("ping", new String(back.array()));
        s[0].close();
        s[1].close();
    }
}
