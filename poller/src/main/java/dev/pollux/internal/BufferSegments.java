package dev.pollux.internal;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

/**
 * The segment over a buffer from its position to its capacity, kept for the next call on the
 * same buffer at the same position: a stream that reads into one cleared buffer, or writes from
 * one flipped buffer, then makes no segment per call. One per {@link IoSource} and direction.
 *
 * <p>Why a cache: {@link MemorySegment#ofBuffer} allocates a segment and, for a buffer not made
 * from a segment, a session for it. Only C2's escape analysis removes the two, and only when the
 * call that makes them and the downcall that uses them are compiled together; once a caller's
 * loop grows past C2's node budget the I/O call is left out of line (NodeCountInliningCutoff) and
 * each call allocated 72 bytes. A cached segment allocates nothing whatever the compiler inlines.
 *
 * <p>The entry is held weakly: its segment refers to its buffer, so a strong entry would keep a
 * buffer the caller has dropped, and its native memory, alive for as long as the source. The
 * collector may clear it at any time; the calls after that make a segment again.
 *
 * <p>A segment is cached on the second miss in a row for the same buffer and position, and a hit
 * in between resets that count. So a caller whose position moves every call (appending reads,
 * partial writes) or who alternates between two buffers makes no entry per call: it gets the
 * per-call segment as before, which escape analysis can still remove.
 *
 * <p>Thread-safety: the fields are read and written without synchronization. An entry is
 * immutable and is only returned for the buffer (by identity) and position it was made for, and
 * the same buffer object always has the same memory; a race costs at most a miss.
 */
final class BufferSegments {
    private record Entry(ByteBuffer buffer, int position, MemorySegment segment) {}

    private WeakReference<Entry> entry;
    /** The identity hash and position of the last miss, or a position of -1 after a hit. */
    private int missedHash;
    private int missedPosition = -1;

    /**
     * The segment over {@code buffer} from its position to its capacity, or null when there is
     * none cached: the caller then makes one with {@link MemorySegment#ofBuffer}.
     */
    MemorySegment of(ByteBuffer buffer) {
        int position = buffer.position();
        WeakReference<Entry> ref = entry;
        if (ref != null) {
            Entry e = ref.get();
            if (e != null && e.buffer == buffer && e.position == position) {
                if (missedPosition != -1) {
                    missedPosition = -1;
                }
                return e.segment;
            }
        }
        return missed(buffer, position);
    }

    private MemorySegment missed(ByteBuffer buffer, int position) {
        int hash = System.identityHashCode(buffer);
        if (hash != missedHash || position != missedPosition) {
            missedHash = hash;
            missedPosition = position;
            return null;
        }
        // To the capacity, not the limit: the same segment then serves every limit.
        MemorySegment segment = MemorySegment.ofBuffer(buffer.duplicate().limit(buffer.capacity()));
        entry = new WeakReference<>(new Entry(buffer, position, segment));
        return segment;
    }
}
