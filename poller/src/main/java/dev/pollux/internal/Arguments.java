package dev.pollux.internal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Checks of the buffers users pass to I/O calls, made before any system call, with the exception
 * NIO throws for the same mistake and a message naming the argument: {@link NullPointerException}
 * for null, {@link IllegalArgumentException} for a read-only destination (NIO's
 * {@code IOUtil.read} says "Read-only buffer"), {@link IndexOutOfBoundsException} for an array
 * range that does not fit. Stateless; allocates only to throw.
 */
public final class Arguments {
    private Arguments() {}

    /** {@code dst}, a buffer to receive into: not null, not read-only. */
    public static ByteBuffer destination(ByteBuffer dst, String name) {
        Objects.requireNonNull(dst, name);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException(name + " is a read-only buffer");
        }
        return dst;
    }

    /** {@code dst}, a segment to receive into: not null, not read-only. */
    public static MemorySegment destination(MemorySegment dst, String name) {
        Objects.requireNonNull(dst, name);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException(name + " is a read-only segment");
        }
        return dst;
    }

    /**
     * Checks {@code buffers[offset .. offset + length)}: the array not null, the range inside it,
     * no element null and, when {@code receiving}, none read-only.
     */
    public static void range(ByteBuffer[] buffers, int offset, int length, String name, boolean receiving) {
        Objects.requireNonNull(buffers, name);
        Objects.checkFromIndexSize(offset, length, buffers.length);
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = buffers[i];
            if (b == null) {
                throw new NullPointerException(name + "[" + i + "]");
            }
            if (receiving && b.isReadOnly()) {
                throw new IllegalArgumentException(name + "[" + i + "] is a read-only buffer");
            }
        }
    }
}
