package dev.pollux.ffi.epoll;

import dev.pollux.bindings.linux.iovec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Writes {@code struct iovec} arrays for {@link Fd#readv} and {@link Fd#writev}. */
public final class IoVec {
    /** Size of one {@code struct iovec}. */
    public static final long SIZE = iovec.layout().byteSize();
    /** Alignment an iovec array needs. */
    public static final long ALIGNMENT = iovec.layout().byteAlignment();

    private static final long BASE = iovec.iov_base$offset();
    private static final long LENGTH = iovec.iov_len$offset();

    private IoVec() {}

    /** Sets entry {@code index} of {@code array} to the native {@code buffer}'s first {@code length} bytes. */
    public static void set(MemorySegment array, int index, MemorySegment buffer, long length) {
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("an iovec can only point to native memory");
        }
        java.util.Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        long at = index * SIZE;
        array.set(ValueLayout.ADDRESS, at + BASE, buffer);
        array.set(ValueLayout.JAVA_LONG, at + LENGTH, length);
    }

    /**
     * Sets entries 0 to {@code count - 1} of {@code array} to the remaining bytes of
     * {@code buffers[offset ...]}, which must be direct (vectored calls take native addresses).
     */
    public static void fill(MemorySegment array, java.nio.ByteBuffer[] buffers, int offset, int count) {
        for (int i = 0; i < count; i++) {
            java.nio.ByteBuffer b = buffers[offset + i];
            if (!b.isDirect()) {
                throw new IllegalArgumentException("vectored I/O takes direct buffers only");
            }
            set(array, i, MemorySegment.ofBuffer(b), b.remaining());
        }
    }
}
