package dev.pollux.internal;

import java.lang.foreign.MemorySegment;

/**
 * How one backend lays out the events its wait call writes, and how to decode them. An
 * {@code Events} buffer is allocated in this format and decoded in place, with no copy.
 */
public interface EventFormat {
    /** Bytes per event. */
    long eventSize();

    /** Alignment of an event buffer. */
    long alignment();

    /** The token of event {@code index}. */
    long token(MemorySegment buffer, int index);

    /** The {@link Readiness} bits of event {@code index}. */
    int readiness(MemorySegment buffer, int index);
}
