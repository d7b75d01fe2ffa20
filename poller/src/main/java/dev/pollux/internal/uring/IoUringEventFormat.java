package dev.pollux.internal.uring;

import dev.pollux.internal.EventFormat;
import dev.pollux.internal.epoll.EpollEventFormat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The events {@link IoUringSelector} writes: completions are not handed to the user as they are
 * (their user data encodes descriptor and generation, not the token), so the selector copies each
 * reported registration into a 16-byte record: the token, then the poll mask, which decodes as
 * epoll's does.
 */
final class IoUringEventFormat implements EventFormat {
    static final IoUringEventFormat INSTANCE = new IoUringEventFormat();

    static final long SIZE = 16;
    private static final long TOKEN = 0;
    private static final long MASK = 8;

    private IoUringEventFormat() {}

    @Override
    public long eventSize() {
        return SIZE;
    }

    @Override
    public long alignment() {
        return Long.BYTES;
    }

    @Override
    public long token(MemorySegment buffer, int index) {
        return buffer.get(ValueLayout.JAVA_LONG, index * SIZE + TOKEN);
    }

    @Override
    public int readiness(MemorySegment buffer, int index) {
        return EpollEventFormat.decode(mask(buffer, index));
    }

    static int mask(MemorySegment buffer, int index) {
        return buffer.get(ValueLayout.JAVA_INT, index * SIZE + MASK);
    }

    static void write(MemorySegment buffer, int index, long token, int mask) {
        buffer.set(ValueLayout.JAVA_LONG, index * SIZE + TOKEN, token);
        buffer.set(ValueLayout.JAVA_INT, index * SIZE + MASK, mask);
    }
}
