package dev.pollux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** When {@link BufferSegments} caches a segment, what the segment covers, and what it keeps alive. */
class BufferSegmentsTest {

    @Test
    void cachesOnTheSecondMissAndCoversPositionToCapacity() {
        BufferSegments segments = new BufferSegments();
        ByteBuffer buffer = ByteBuffer.allocateDirect(64).position(8).limit(20);
        assertNull(segments.of(buffer), "first miss: the caller makes its own segment");
        MemorySegment cached = segments.of(buffer);
        assertNotNull(cached, "second miss in a row: cached");
        assertEquals(MemorySegment.ofBuffer(buffer).address(), cached.address());
        assertEquals(56, cached.byteSize(), "up to the capacity, whatever the limit");
        assertSame(cached, segments.of(buffer));
        buffer.limit(64);
        assertSame(cached, segments.of(buffer), "the limit is not part of the key");
        buffer.position(9);
        assertNull(segments.of(buffer), "another position misses");
        assertNull(segments.of(ByteBuffer.allocateDirect(64).position(8)), "another buffer misses");
    }

    @Test
    void aHitBetweenTwoMissesKeepsTheEntry() {
        BufferSegments segments = new BufferSegments();
        ByteBuffer a = ByteBuffer.allocateDirect(16);
        ByteBuffer b = ByteBuffer.allocateDirect(16);
        segments.of(a);
        MemorySegment cachedA = segments.of(a);
        for (int i = 0; i < 3; i++) {
            assertNull(segments.of(b), "alternating buffers never replace the entry");
            assertSame(cachedA, segments.of(a));
        }
        assertNull(segments.of(b));
        assertNotNull(segments.of(b), "two misses in a row do");
        assertNull(segments.of(a));
    }

    @Test
    void heapBuffers() {
        BufferSegments segments = new BufferSegments();
        byte[] array = new byte[32];
        ByteBuffer buffer = ByteBuffer.wrap(array, 4, 10);
        segments.of(buffer);
        MemorySegment cached = segments.of(buffer);
        assertFalse(cached.isNative());
        assertSame(array, cached.heapBase().orElseThrow());
        assertEquals(28, cached.byteSize());
        cached.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 7);
        assertEquals(7, array[4]);
    }

    @Test
    void doesNotKeepADroppedBufferAlive() throws InterruptedException {
        BufferSegments segments = new BufferSegments();
        WeakReference<ByteBuffer> dropped = cacheAndDrop(segments);
        for (int i = 0; i < 50 && !dropped.refersTo(null); i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(dropped.refersTo(null), "the cached entry kept its buffer reachable");
        assertNull(segments.of(ByteBuffer.allocateDirect(16)));
    }

    private static WeakReference<ByteBuffer> cacheAndDrop(BufferSegments segments) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
        segments.of(buffer);
        assertNotNull(segments.of(buffer));
        return new WeakReference<>(buffer);
    }
}
