package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.unix.Pipe;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Edge-triggered readiness is remembered per source and cleared only on would-block or a short stream read. */
class ReadinessTest {

    @Test
    void anEdgeThatArrivesBeforeTheTaskAsksIsNotLost() throws Exception {
        try (EventLoop loop = EventLoop.open(); Pipe pipe = Pipe.open()) {
            AsyncStream<Pipe.Receiver> receiver = AsyncStream.of(loop, pipe.receiver());
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            // Let the loop take the one edge while no task is waiting for it.
            long deadline = System.nanoTime() + RuntimeTestSupport.LIVENESS.toNanos();
            while (!receiver.scheduledIo().has(ScheduledIo.READABLE) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(receiver.scheduledIo().has(ScheduledIo.READABLE), "the loop recorded the edge");
            ByteBuffer dst = ByteBuffer.allocate(3);
            TaskHandle<ByteBuffer> h = loop.spawn(receiver.readFully(dst));
            // No new edge will come: only the remembered readiness can complete this read.
            assertEquals(3, h.join(RuntimeTestSupport.LIVENESS).position());
            receiver.close();
        }
    }

    /**
     * A short read clears readability without a second read to see would-block; data written
     * afterwards makes a new edge and is read; the end of stream that came with the last bytes
     * still ends the stream (only READABLE is cleared, READ_CLOSED stays).
     */
    @Test
    void aShortReadClearsReadabilityAndLaterDataOrTheEndOfStreamStillArrive() throws Exception {
        try (EventLoop loop = EventLoop.open(); Pipe pipe = Pipe.open()) {
            AsyncStream<Pipe.Receiver> receiver = AsyncStream.of(loop, pipe.receiver());
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            ByteBuffer dst = ByteBuffer.allocate(64);
            assertEquals(3, loop.spawn(receiver.read(dst)).join(RuntimeTestSupport.LIVENESS));
            assertFalse(receiver.scheduledIo().has(ScheduledIo.READABLE), "the short read cleared readability");

            pipe.sender().write(ByteBuffer.wrap(new byte[] {4, 5}));
            pipe.sender().close(); // the last bytes and the end of stream, before the task asks
            assertEquals(2, loop.spawn(receiver.read(dst)).join(RuntimeTestSupport.LIVENESS));
            assertEquals(-1, loop.spawn(receiver.read(dst)).join(RuntimeTestSupport.LIVENESS),
                    "the end of stream is not lost with the readability the short read cleared");
            receiver.close();
        }
    }

    @Test
    void clearingAfterWouldBlockKeepsAnEdgeThatArrivedDuringTheCall() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            clearingKeepsNewerEdges(loop);
        }
    }

    private static void clearingKeepsNewerEdges(EventLoop loop) {
        ScheduledIo io = new ScheduledIo(1, 1, () -> {});
        AtomicInteger wakes = new AtomicInteger();
        Context cx = new Context(wakes::incrementAndGet, loop);
        io.setReadiness(ScheduledIo.READABLE);
        long snapshot = io.pollReady(cx, ScheduledIo.READ_DIRECTION);
        assertTrue(snapshot >= 0);
        // The read returned would-block, but before it is cleared a new edge is recorded (the race).
        io.setReadiness(ScheduledIo.READABLE);
        io.clearReadiness(snapshot, ScheduledIo.READ_DIRECTION);
        assertTrue(io.has(ScheduledIo.READABLE), "the newer edge survives the stale clear");
        // Without a newer edge, clearing works and the next poll parks the waker.
        long again = io.pollReady(cx, ScheduledIo.READ_DIRECTION);
        io.clearReadiness(again, ScheduledIo.READ_DIRECTION);
        assertFalse(io.has(ScheduledIo.READABLE));
        assertEquals(-1, io.pollReady(cx, ScheduledIo.READ_DIRECTION));
        io.setReadiness(ScheduledIo.READABLE);
        assertEquals(1, wakes.get(), "the parked waker is woken by the next edge");
        io.setReadiness(ScheduledIo.WRITABLE);
        assertEquals(1, wakes.get(), "a write edge does not wake the reader");
    }

    @Test
    void clearingOneDirectionKeepsTheOther() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            clearingOneDirection(new Context(() -> {}, loop));
        }
    }

    private static void clearingOneDirection(Context cx) {
        ScheduledIo io = new ScheduledIo(1, 1, () -> {});
        io.setReadiness(ScheduledIo.READABLE | ScheduledIo.WRITABLE);
        io.clearReadiness(io.pollReady(cx, ScheduledIo.READ_DIRECTION), ScheduledIo.READ_DIRECTION);
        assertFalse(io.has(ScheduledIo.READABLE));
        assertTrue(io.has(ScheduledIo.WRITABLE));
    }

    /**
     * Provokes the race for real: a writer thread sends bursts with irregular pauses while a task
     * reads with a small buffer, so edges arrive before, during and after the task's reads and
     * would-block clears. A lost edge leaves the task waiting forever (the liveness bound fails).
     */
    @Test
    void noEdgeIsLostWhileAWriterRacesTheReader() throws Exception {
        long total = 2_000_000;
        try (EventLoop loop = EventLoop.open(); Pipe pipe = Pipe.open()) {
            AsyncStream<Pipe.Receiver> receiver = AsyncStream.of(loop, pipe.receiver());
            ByteBuffer buf = ByteBuffer.allocateDirect(97);
            long[] received = {0};
            long[] sum = {0};
            TaskHandle<Long> reader = loop.spawn(cx -> {
                while (true) {
                    int n = receiver.pollRead(cx, buf.clear());
                    if (n == Async.PENDING_COUNT) {
                        return Async.PENDING;
                    }
                    if (n < 0) {
                        return received[0];
                    }
                    for (int i = 0; i < n; i++) {
                        sum[0] += buf.get(i) & 0xff;
                    }
                    received[0] += n;
                }
            });
            long expectedSum = 0;
            java.util.Random random = new java.util.Random(7);
            ByteBuffer out = ByteBuffer.allocateDirect(4096);
            long sent = 0;
            while (sent < total) {
                int burst = 1 + random.nextInt(3000);
                out.clear();
                for (int i = 0; i < burst && sent + i < total; i++) {
                    byte b = (byte) (sent + i);
                    out.put(b);
                    expectedSum += b & 0xff;
                }
                out.flip();
                sent += out.remaining();
                while (out.hasRemaining()) {
                    if (pipe.sender().write(out) == 0) {
                        Thread.onSpinWait();
                    }
                }
                if (random.nextInt(8) == 0) {
                    Thread.sleep(0, random.nextInt(50_000));
                }
            }
            pipe.sender().close();
            assertEquals(total, reader.join(Duration.ofSeconds(60)));
            assertEquals(expectedSum, sum[0]);
            receiver.close();
        }
    }
}
