package dev.pollux.ffi.kqueue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where the fields of one platform's {@code struct kevent} live, and how to read and write them
 * in a buffer of such structs. 64-bit platforms only (ident, data and udata are 8 bytes).
 *
 * @param size bytes per {@code struct kevent}
 * @param alignment alignment of a kevent array
 * @param ident offset of {@code uintptr_t ident}
 * @param filter offset of {@code short filter}
 * @param flags offset of {@code unsigned short flags}
 * @param fflags offset of {@code unsigned int fflags}
 * @param data offset of {@code data} ({@code intptr_t} or {@code int64_t}: 8 bytes)
 * @param udata offset of {@code void *udata}
 */
public record KeventLayout(long size, long alignment, long ident, long filter, long flags, long fflags, long data,
        long udata) {
    /**
     * macOS (x86_64 and arm64, xnu bsd/sys/event.h; declared under {@code #pragma pack(4)}, so 4
     * is enough, and 8-byte-aligned arrays keep every field naturally aligned).
     */
    public static final KeventLayout KEVENT_32 = new KeventLayout(32, 8, 0, 8, 10, 12, 16, 24);
    /** FreeBSD 12 and later (sys/sys/event.h): 64-bit data and {@code uint64_t ext[4]} after udata. */
    public static final KeventLayout KEVENT_64 = new KeventLayout(64, 8, 0, 8, 10, 12, 16, 24);

    /** Writes entry {@code index}: a change for {@code ident} on {@code filter} carrying {@code udata}. */
    public void set(MemorySegment array, int index, long ident, short filter, short flags, int fflags, long data,
            long udata) {
        long at = index * size;
        array.asSlice(at, size).fill((byte) 0);
        array.set(ValueLayout.JAVA_LONG, at + this.ident, ident);
        array.set(ValueLayout.JAVA_SHORT, at + this.filter, filter);
        array.set(ValueLayout.JAVA_SHORT, at + this.flags, flags);
        array.set(ValueLayout.JAVA_INT, at + this.fflags, fflags);
        array.set(ValueLayout.JAVA_LONG, at + this.data, data);
        array.set(ValueLayout.JAVA_LONG, at + this.udata, udata);
    }

    public long ident(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_LONG, index * size + ident);
    }

    public short filter(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_SHORT, index * size + filter);
    }

    /** The flags, as an unsigned 16-bit value. */
    public int flags(MemorySegment array, int index) {
        return Short.toUnsignedInt(array.get(ValueLayout.JAVA_SHORT, index * size + flags));
    }

    public int fflags(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_INT, index * size + fflags);
    }

    public long data(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_LONG, index * size + data);
    }

    public long udata(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_LONG, index * size + udata);
    }
}
