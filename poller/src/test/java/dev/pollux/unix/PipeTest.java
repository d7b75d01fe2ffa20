package dev.pollux.unix;

import static dev.pollux.MioPortSupport.READABLE;
import static dev.pollux.MioPortSupport.READ_CLOSED;
import static dev.pollux.MioPortSupport.WRITABLE;
import static dev.pollux.MioPortSupport.WRITE_CLOSED;
import static dev.pollux.MioPortSupport.expect;
import static dev.pollux.MioPortSupport.expectEvents;
import static dev.pollux.MioPortSupport.expectNoEvents;
import static dev.pollux.MioPortSupport.onThread;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.Event;
import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.MioPortSupport;
import dev.pollux.OsException;
import dev.pollux.Poll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** Ports of mio's {@code tests/unix_pipe.rs}, plus the NIO channel contract of both pipe ends. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipeTest {
    private static final long RECEIVER = 0;
    private static final long SENDER = 1;
    private static final byte[] DATA1 = "Hello world".getBytes(StandardCharsets.US_ASCII);

    private static final IntFunction<ByteBuffer> HEAP = ByteBuffer::allocate;
    private static final IntFunction<ByteBuffer> DIRECT = ByteBuffer::allocateDirect;

    /** mio: smoke. */
    @Test
    void smoke() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(8);
            ByteBuffer buf = ByteBuffer.allocate(20);
            assertEquals(0, pipe.receiver().read(buf), "empty pipe: would block");

            poll.registry().register(pipe.receiver(), RECEIVER, Interest.READABLE);
            poll.registry().register(pipe.sender(), SENDER, Interest.WRITABLE);

            expectEvents(poll, events, expect(SENDER, WRITABLE));
            assertEquals(DATA1.length, pipe.sender().write(ByteBuffer.wrap(DATA1)));

            expectEvents(poll, events, expect(RECEIVER, READABLE));
            assertEquals(DATA1.length, pipe.receiver().read(buf));
            assertArrayEquals(DATA1, Arrays.copyOf(buf.array(), buf.position()));
        }
    }

    /** mio's expect_one_closed_event: one poll, exactly one event, for {@code token}, showing {@code flags}. */
    private static Event expectOneClosedEvent(Poll poll, Events events, long token, int flags) throws IOException {
        int n = poll.poll(events, MioPortSupport.MUST_COME);
        assertEquals(1, n, events::toString);
        Event event = events.get(0);
        assertEquals(token, event.token(), event::toString);
        assertEquals(flags, MioPortSupport.readinessOf(event) & flags, () -> "missing flags in " + event);
        return event;
    }

    /**
     * mio: event_when_sender_is_dropped. Closing the sender (on another thread) gives the
     * receiver a read-closed event; it still reads the pending data, then -1.
     */
    @Test
    void eventWhenSenderIsClosed() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pipe.receiver(), RECEIVER, Interest.READABLE);
            CyclicBarrier barrier = new CyclicBarrier(2);
            CompletableFuture<Void> thread = onThread("sender", () -> {
                assertEquals(DATA1.length, pipe.sender().write(ByteBuffer.wrap(DATA1)));
                barrier.await(10, TimeUnit.SECONDS);
                barrier.await(10, TimeUnit.SECONDS);
                pipe.sender().close();
                barrier.await(10, TimeUnit.SECONDS);
                return null;
            });
            barrier.await(10, TimeUnit.SECONDS); // the write is done
            expectEvents(poll, events, expect(RECEIVER, READABLE));
            barrier.await(10, TimeUnit.SECONDS); // let the thread close the sender
            barrier.await(10, TimeUnit.SECONDS); // the sender is closed
            expectOneClosedEvent(poll, events, RECEIVER, READ_CLOSED);
            thread.get(10, TimeUnit.SECONDS);

            assertFalse(pipe.sender().isOpen());
            assertTrue(pipe.receiver().isOpen());
            ByteBuffer buf = ByteBuffer.allocate(32);
            assertEquals(DATA1.length, pipe.receiver().read(buf));
            assertEquals(-1, pipe.receiver().read(buf));
            assertEquals(-1, pipe.receiver().read(buf), "end of stream is sticky");
        }
    }

    /**
     * mio: event_when_receiver_is_dropped. Closing the receiver (on another thread) gives the
     * sender a write-closed event; writes then fail with EPIPE.
     */
    @Test
    void eventWhenReceiverIsClosed() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pipe.sender(), SENDER, Interest.WRITABLE);
            CyclicBarrier barrier = new CyclicBarrier(2);
            CompletableFuture<Void> thread = onThread("receiver", () -> {
                barrier.await(10, TimeUnit.SECONDS);
                pipe.receiver().close();
                barrier.await(10, TimeUnit.SECONDS);
                return null;
            });
            expectEvents(poll, events, expect(SENDER, WRITABLE));
            barrier.await(10, TimeUnit.SECONDS); // let the thread close the receiver
            barrier.await(10, TimeUnit.SECONDS); // the receiver is closed
            expectOneClosedEvent(poll, events, SENDER, WRITE_CLOSED);
            thread.get(10, TimeUnit.SECONDS);

            OsException e = assertThrows(OsException.class, () -> pipe.sender().write(ByteBuffer.wrap(DATA1)));
            assertEquals("EPIPE", e.codeName());
            assertEquals("write", e.call());
        }
    }

    /** Every write flavour fails with EPIPE once the receiver is closed. */
    @Test
    void writeAfterReceiverClosedIsEpipeForEveryFlavour() throws Exception {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            pipe.receiver().close();
            Pipe.Sender s = pipe.sender();
            assertEpipe(() -> s.write(ByteBuffer.wrap(DATA1)));
            assertEpipe(() -> s.write(direct(DATA1)));
            assertEpipe(() -> s.write(new ByteBuffer[] {ByteBuffer.wrap(DATA1), ByteBuffer.wrap(DATA1)}));
            assertEpipe(() -> s.write(new ByteBuffer[] {direct(DATA1), direct(DATA1)}));
            assertEpipe(() -> s.write(MemorySegment.ofArray(DATA1.clone())));
            assertEpipe(() -> s.write(arena.allocateFrom(ValueLayout.JAVA_BYTE, DATA1)));
        }
    }

    private static void assertEpipe(Executable write) {
        OsException e = assertThrows(OsException.class, write);
        assertEquals("EPIPE", e.codeName(), e.getMessage());
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(bytes).flip();
        return b;
    }

    private static byte[] range(int from, int count) {
        byte[] b = new byte[count];
        for (int i = 0; i < count; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private static byte[] contents(ByteBuffer b, int from, int to) {
        byte[] out = new byte[to - from];
        b.get(from, out);
        return out;
    }

    /** Reads what the receiver has until it would block (or ends). */
    private static byte[] drain(Pipe.Receiver receiver) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        int n;
        while ((n = receiver.read(buf.clear())) > 0) {
            out.write(buf.array(), 0, n);
        }
        return out.toByteArray();
    }

    /** Writes until the sender would block; the number of bytes written. */
    private static long fill(Pipe.Sender sender) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
        long total = 0;
        int n;
        while ((n = sender.write(chunk.clear())) > 0) {
            total += n;
        }
        return total;
    }

    /** Reads on an empty pipe return 0 (would block) for every read flavour, and change no position. */
    @Test
    void readWouldBlockReturnsZero() throws Exception {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            Pipe.Receiver r = pipe.receiver();
            ByteBuffer heap = ByteBuffer.allocate(8);
            ByteBuffer dir = ByteBuffer.allocateDirect(8);
            assertEquals(0, r.read(heap));
            assertEquals(0, r.read(dir));
            assertEquals(0, heap.position());
            assertEquals(0, dir.position());
            assertEquals(0, r.read(new ByteBuffer[] {ByteBuffer.allocate(4), ByteBuffer.allocate(4)}));
            ByteBuffer[] directs = {ByteBuffer.allocateDirect(4), ByteBuffer.allocateDirect(4)};
            assertEquals(0, r.read(directs));
            assertEquals(0, directs[0].position());
            assertEquals(0, r.read(arena.allocate(8)));
            assertEquals(0, r.read(MemorySegment.ofArray(new byte[8])));
        }
    }

    /**
     * Writes on a full pipe return 0 (would block) for every write flavour without moving
     * positions; once the receiver drains, an edge-triggered sender gets a new writable event.
     */
    @Test
    void writeWouldBlockReturnsZeroThenWritableAgain() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pipe.sender(), SENDER, Interest.WRITABLE);
            expectEvents(poll, events, expect(SENDER, WRITABLE));

            long filled = fill(pipe.sender());
            assertTrue(filled > 0);
            Pipe.Sender s = pipe.sender();
            ByteBuffer heap = ByteBuffer.wrap(DATA1);
            ByteBuffer dir = direct(DATA1);
            assertEquals(0, s.write(heap));
            assertEquals(0, s.write(dir));
            assertEquals(0, heap.position());
            assertEquals(0, dir.position());
            ByteBuffer[] heaps = {ByteBuffer.wrap(DATA1), ByteBuffer.wrap(DATA1)};
            ByteBuffer[] directs = {direct(DATA1), direct(DATA1)};
            assertEquals(0, s.write(heaps));
            assertEquals(0, s.write(directs));
            assertEquals(0, heaps[0].position());
            assertEquals(0, directs[0].position());
            assertEquals(0, s.write(MemorySegment.ofArray(DATA1.clone())));
            assertEquals(0, s.write(arena.allocateFrom(ValueLayout.JAVA_BYTE, DATA1)));

            // Full: no writable event.
            expectNoEvents(poll, events);
            assertEquals(filled, drain(pipe.receiver()).length);
            expectEvents(poll, events, expect(SENDER, WRITABLE));
            assertEquals(DATA1.length, s.write(ByteBuffer.wrap(DATA1)));
        }
    }

    /** Single-buffer read and write honour position and limit, for heap, direct and sliced buffers. */
    @Test
    void readWriteHonourPositionAndLimit() throws Exception {
        for (IntFunction<ByteBuffer> writeKind : List.of(HEAP, DIRECT)) {
            for (IntFunction<ByteBuffer> readKind : List.of(HEAP, DIRECT)) {
                try (Pipe pipe = Pipe.open()) {
                    ByteBuffer src = writeKind.apply(16);
                    src.put(range(0, 16));
                    src.position(3).limit(10); // bytes 3..9
                    assertEquals(7, pipe.sender().write(src));
                    assertEquals(10, src.position());
                    assertEquals(10, src.limit());

                    ByteBuffer dst = readKind.apply(16);
                    dst.position(5).limit(9); // room for 4
                    assertEquals(4, pipe.receiver().read(dst));
                    assertEquals(9, dst.position());
                    assertArrayEquals(range(3, 4), contents(dst, 5, 9));
                    // Bytes outside [position, limit) untouched.
                    assertArrayEquals(new byte[5], contents(dst, 0, 5));
                    dst.limit(16);
                    assertEquals(0, dst.get(9));

                    dst.clear();
                    assertEquals(3, pipe.receiver().read(dst));
                    assertArrayEquals(range(7, 3), contents(dst, 0, 3));
                    assertEquals(0, pipe.receiver().read(dst));
                }
            }
        }
    }

    /**
     * The same buffers passed again and again (the calls after the second reuse a cached segment)
     * still honour position and limit on every call, also when the limit changes under a cached
     * position, and across a switch of position and back.
     */
    @Test
    void reusedBuffersHonourPositionAndLimitOnEveryCall() throws Exception {
        for (IntFunction<ByteBuffer> kind : List.of(HEAP, DIRECT)) {
            try (Pipe pipe = Pipe.open()) {
                ByteBuffer src = kind.apply(16);
                ByteBuffer dst = kind.apply(16);
                for (int round = 0; round < 6; round++) {
                    int length = 1 + round % 4; // the limit varies, the position stays 0
                    src.clear().put(range(round, length)).flip();
                    assertEquals(length, pipe.sender().write(src));
                    assertEquals(length, src.position());
                    assertEquals(length, pipe.receiver().read(dst.clear()));
                    assertEquals(length, dst.position());
                    assertArrayEquals(range(round, length), contents(dst, 0, length));
                }
                for (int round = 0; round < 4; round++) {
                    int at = round % 2 == 0 ? 4 : 0; // positions alternate
                    src.clear().position(at).limit(at + 3);
                    src.put(at, range(10 + round, 3));
                    assertEquals(3, pipe.sender().write(src));
                    dst.clear().position(at).limit(at + 2);
                    assertEquals(2, pipe.receiver().read(dst));
                    assertEquals(1, pipe.receiver().read(dst.limit(at + 3)));
                    assertArrayEquals(range(10 + round, 3), contents(dst, at, at + 3));
                }
                assertEquals(0, pipe.receiver().read(dst.clear()));
            }
        }
    }

    /**
     * A buffer over an arena's memory stays checked once its segment is cached: after the arena
     * is closed a read fails before reaching the OS (the byte stays in the pipe), and a buffer of
     * a confined arena cannot be read into from another thread. Both fail with FFM's own
     * exception, as the same segment would outside Pollux.
     */
    @Test
    void cachedBufferOfAnArenaStillChecksTheArena() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Arena shared = Arena.ofShared();
            ByteBuffer dst = shared.allocate(8).asByteBuffer();
            for (int i = 0; i < 3; i++) {
                assertEquals(1, pipe.sender().write(ByteBuffer.wrap(new byte[] {(byte) i})));
                assertEquals(1, pipe.receiver().read(dst.clear()));
            }
            assertEquals(1, pipe.sender().write(ByteBuffer.wrap(new byte[] {42})));
            shared.close();
            assertThrows(IllegalStateException.class, () -> pipe.receiver().read(dst.clear()));
            ByteBuffer left = ByteBuffer.allocate(8);
            assertEquals(1, pipe.receiver().read(left));
            assertEquals(42, left.get(0));

            try (Arena confined = Arena.ofConfined()) {
                ByteBuffer mine = confined.allocate(8).asByteBuffer();
                for (int i = 0; i < 3; i++) {
                    assertEquals(0, pipe.receiver().read(mine.clear()));
                }
                CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
                    try {
                        return pipe.receiver().read(mine.clear());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertInstanceOf(WrongThreadException.class, assertThrows(ExecutionException.class, other::get).getCause());
            }
        }
    }


    /** A slice of a heap buffer (non-zero array offset) reads and writes the right bytes. */
    @Test
    void slicedHeapBuffers() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            byte[] backing = range(0, 32);
            ByteBuffer src = ByteBuffer.wrap(backing, 10, 10).slice(); // bytes 10..19
            src.position(2); // bytes 12..19
            assertEquals(8, pipe.sender().write(src));
            byte[] target = new byte[32];
            ByteBuffer dst = ByteBuffer.wrap(target, 20, 12).slice();
            assertEquals(8, pipe.receiver().read(dst));
            assertArrayEquals(range(12, 8), Arrays.copyOfRange(target, 20, 28));
            assertArrayEquals(new byte[20], Arrays.copyOfRange(target, 0, 20));
        }
    }

    /** Empty buffers transfer nothing and return 0, also at end of stream. */
    @Test
    void emptyBuffersTransferNothing() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            assertEquals(0, pipe.sender().write(ByteBuffer.allocate(0)));
            assertEquals(0, pipe.sender().write(new ByteBuffer[0]));
            assertEquals(0, pipe.sender().write(MemorySegment.ofArray(new byte[0])));
            pipe.sender().write(ByteBuffer.wrap(DATA1));
            assertEquals(0, pipe.receiver().read(ByteBuffer.allocate(0)));
            assertEquals(0, pipe.receiver().read(MemorySegment.ofArray(new byte[0])));
            assertArrayEquals(DATA1, drain(pipe.receiver()));
        }
    }

    private void vectoredRoundTrip(IntFunction<ByteBuffer> writeKind, IntFunction<ByteBuffer> writeKind2,
            IntFunction<ByteBuffer> readKind, IntFunction<ByteBuffer> readKind2) throws IOException {
        try (Pipe pipe = Pipe.open()) {
            ByteBuffer a = writeKind.apply(8);
            a.put(range(0, 8)).position(2); // 2..7 (6 bytes)
            ByteBuffer b = writeKind2.apply(5);
            b.put(range(8, 5)).flip(); // 8..12 (5 bytes)
            ByteBuffer c = writeKind.apply(4);
            c.put(range(13, 4)).flip().limit(3); // 13..15 (3 bytes)
            ByteBuffer[] srcs = {a, b, c};
            assertEquals(14, pipe.sender().write(srcs));
            assertEquals(8, a.position());
            assertEquals(5, b.position());
            assertEquals(3, c.position());

            ByteBuffer x = readKind.apply(4);
            ByteBuffer y = readKind2.apply(20);
            y.position(1);
            ByteBuffer[] dsts = {x, y};
            assertEquals(14, pipe.receiver().read(dsts));
            assertEquals(4, x.position());
            assertEquals(11, y.position());
            assertArrayEquals(new byte[] {2, 3, 4, 5}, contents(x, 0, 4));
            assertArrayEquals(new byte[] {6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, contents(y, 1, 11));
            assertEquals(0, pipe.receiver().read(new ByteBuffer[] {readKind.apply(4), readKind2.apply(4)}));

            // End of stream: -1, and no position moved.
            pipe.sender().close();
            ByteBuffer[] more = {readKind.apply(4), readKind2.apply(4)};
            assertEquals(-1, pipe.receiver().read(more));
            assertEquals(0, more[0].position());
        }
    }

    @Test
    void vectoredReadWriteDirectBuffers() throws Exception {
        vectoredRoundTrip(DIRECT, DIRECT, DIRECT, DIRECT);
    }

    @Test
    void vectoredReadWriteHeapBuffers() throws Exception {
        vectoredRoundTrip(HEAP, HEAP, HEAP, HEAP);
    }

    @Test
    void vectoredReadWriteMixedBuffers() throws Exception {
        vectoredRoundTrip(HEAP, DIRECT, DIRECT, HEAP);
        vectoredRoundTrip(DIRECT, HEAP, HEAP, DIRECT);
    }

    /** The offset/length overloads use only the buffers they name. */
    @Test
    void vectoredOffsetAndLength() throws Exception {
        for (IntFunction<ByteBuffer> kind : List.of(HEAP, DIRECT)) {
            try (Pipe pipe = Pipe.open()) {
                ByteBuffer[] srcs = new ByteBuffer[4];
                for (int i = 0; i < srcs.length; i++) {
                    srcs[i] = kind.apply(3);
                    srcs[i].put(range(10 * i, 3)).flip();
                }
                assertEquals(6, pipe.sender().write(srcs, 1, 2));
                assertEquals(0, srcs[0].position());
                assertEquals(3, srcs[1].position());
                assertEquals(3, srcs[2].position());
                assertEquals(0, srcs[3].position());

                ByteBuffer[] dsts = {kind.apply(4), kind.apply(4), kind.apply(4)};
                assertEquals(6, pipe.receiver().read(dsts, 1, 2));
                assertEquals(0, dsts[0].position());
                assertEquals(4, dsts[1].position());
                assertEquals(2, dsts[2].position());
                assertArrayEquals(new byte[] {10, 11, 12, 20}, contents(dsts[1], 0, 4));
                assertArrayEquals(new byte[] {21, 22}, contents(dsts[2], 0, 2));

                assertThrows(IndexOutOfBoundsException.class, () -> pipe.sender().write(srcs, 3, 2));
                assertThrows(IndexOutOfBoundsException.class, () -> pipe.receiver().read(dsts, -1, 1));
            }
        }
    }

    /** More buffers than one readv/writev call takes still transfer every byte in order. */
    @Test
    void vectoredManyBuffers() throws Exception {
        int count = 300;
        for (IntFunction<ByteBuffer> kind : List.of(HEAP, DIRECT)) {
            try (Pipe pipe = Pipe.open()) {
                ByteBuffer[] srcs = new ByteBuffer[count];
                for (int i = 0; i < count; i++) {
                    srcs[i] = kind.apply(2);
                    srcs[i].put((byte) i).put((byte) ~i).flip();
                }
                assertEquals(2L * count, pipe.sender().write(srcs));
                for (ByteBuffer b : srcs) {
                    assertEquals(2, b.position());
                }
                ByteBuffer[] dsts = new ByteBuffer[count];
                for (int i = 0; i < count; i++) {
                    dsts[i] = kind.apply(2);
                }
                assertEquals(2L * count, pipe.receiver().read(dsts));
                for (int i = 0; i < count; i++) {
                    assertEquals(2, dsts[i].position(), "buffer " + i);
                    assertEquals((byte) i, dsts[i].get(0), "buffer " + i);
                    assertEquals((byte) ~i, dsts[i].get(1), "buffer " + i);
                }
            }
        }
    }

    /** The MemorySegment overloads: native and heap segments, slices, would-block and end of stream. */
    @Test
    void memorySegmentOverloads() throws Exception {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            MemorySegment nativeSrc = arena.allocateFrom(ValueLayout.JAVA_BYTE, range(0, 16));
            assertEquals(6, pipe.sender().write(nativeSrc.asSlice(4, 6))); // 4..9
            byte[] heapBytes = range(100, 16);
            assertEquals(3, pipe.sender().write(MemorySegment.ofArray(heapBytes).asSlice(13))); // 113..115

            MemorySegment nativeDst = arena.allocate(32);
            assertEquals(5, pipe.receiver().read(nativeDst.asSlice(8, 5)));
            assertArrayEquals(range(4, 5), nativeDst.asSlice(8, 5).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(0, nativeDst.get(ValueLayout.JAVA_BYTE, 7));
            assertEquals(0, nativeDst.get(ValueLayout.JAVA_BYTE, 13));

            byte[] heapDst = new byte[8];
            assertEquals(4, pipe.receiver().read(MemorySegment.ofArray(heapDst).asSlice(2)));
            assertArrayEquals(new byte[] {0, 0, 9, 113, 114, 115, 0, 0}, heapDst);

            assertEquals(0, pipe.receiver().read(nativeDst), "would block");
            pipe.sender().close();
            assertEquals(-1, pipe.receiver().read(nativeDst), "end of stream");
            assertEquals(-1, pipe.receiver().read(MemorySegment.ofArray(heapDst)));
        }
    }

    /** A large transfer through MemorySegments arrives intact, across many would-block rounds. */
    @Test
    void largeTransferWithSegments() throws Exception {
        int size = 1 << 20;
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open(); Arena arena = Arena.ofShared()) {
            MemorySegment src = arena.allocate(size);
            for (int i = 0; i < size; i++) {
                src.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
            }
            MemorySegment dst = arena.allocate(size);
            poll.registry().register(pipe.sender(), SENDER, Interest.WRITABLE);
            poll.registry().register(pipe.receiver(), RECEIVER, Interest.READABLE);
            Events events = Events.withCapacity(8);
            long written = 0;
            long read = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read < size) {
                assertTrue(System.nanoTime() < deadline, "stuck at written=" + written + " read=" + read);
                poll.poll(events, MioPortSupport.MUST_COME);
                long n;
                while (written < size && (n = pipe.sender().write(src.asSlice(written))) > 0) {
                    written += n;
                }
                while ((n = pipe.receiver().read(dst.asSlice(read))) > 0) {
                    read += n;
                }
                assertTrue(n == 0 || read == size, "unexpected end of stream");
            }
            assertEquals(-1L, src.mismatch(dst));
        }
    }

    /** End of stream: every read flavour returns -1 once the sender closed and the data is read. */
    @Test
    void readAfterSenderClosedReturnsDataThenMinusOne() throws Exception {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            pipe.sender().write(ByteBuffer.wrap(DATA1));
            pipe.sender().close();
            assertFalse(pipe.sender().isOpen());
            ByteBuffer first = ByteBuffer.allocate(5);
            assertEquals(5, pipe.receiver().read(first));
            ByteBuffer rest = ByteBuffer.allocateDirect(32);
            assertEquals(DATA1.length - 5, pipe.receiver().read(rest));
            assertEquals(-1, pipe.receiver().read(ByteBuffer.allocate(4)));
            assertEquals(-1, pipe.receiver().read(ByteBuffer.allocateDirect(4)));
            assertEquals(-1, pipe.receiver().read(new ByteBuffer[] {ByteBuffer.allocate(4)}));
            assertEquals(-1, pipe.receiver().read(new ByteBuffer[] {ByteBuffer.allocateDirect(4)}));
            assertEquals(-1, pipe.receiver().read(arena.allocate(4)));
            assertEquals(-1, pipe.receiver().read(MemorySegment.ofArray(new byte[4])));
        }
    }

    /** Closing one end leaves the other open; closing the Pipe closes both, idempotently. */
    @Test
    void closeEnds() throws Exception {
        try (Pipe resource = Pipe.open()) {
            Pipe pipe = resource; // closed explicitly below, and again by try-with-resources
            pipe.receiver().close();
            assertFalse(pipe.receiver().isOpen());
            assertTrue(pipe.sender().isOpen());
            pipe.close();
            assertFalse(pipe.sender().isOpen());
            assertFalse(pipe.receiver().isOpen());
            pipe.close();
            pipe.sender().close();
        }
    }
}
