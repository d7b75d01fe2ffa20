package dev.pollux.internal.iocp;

import dev.pollux.internal.EventFormat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The IOCP backend's events. The selector dequeues OVERLAPPED_ENTRYs (32 bytes each) into the
 * event buffer and rewrites them in place, in order, into this format: the token at offset 0 and
 * the {@link dev.pollux.internal.Readiness} bits at offset 8. Event {@code n} is written only
 * after entry {@code i >= n} has been read, so nothing is overwritten before it is used.
 */
final class IocpEventFormat implements EventFormat {
    static final IocpEventFormat INSTANCE = new IocpEventFormat();
    static final long SIZE = 32;

    private IocpEventFormat() {}

    @Override
    public long eventSize() {
        return SIZE;
    }

    @Override
    public long alignment() {
        return 8;
    }

    @Override
    public long token(MemorySegment buffer, int index) {
        return buffer.get(ValueLayout.JAVA_LONG, index * SIZE);
    }

    @Override
    public int readiness(MemorySegment buffer, int index) {
        return buffer.get(ValueLayout.JAVA_INT, index * SIZE + 8);
    }

    static void write(MemorySegment buffer, int index, long token, int readiness) {
        buffer.set(ValueLayout.JAVA_LONG, index * SIZE, token);
        buffer.set(ValueLayout.JAVA_INT, index * SIZE + 8, readiness);
    }
}
