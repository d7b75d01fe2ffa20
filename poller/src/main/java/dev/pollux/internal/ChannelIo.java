package dev.pollux.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * NIO channel semantics over an {@link IoSource}, shared by every byte-stream source: read
 * returns -1 at end of stream and 0 when it would block, write returns 0 when it would block,
 * buffer positions advance by what was transferred, heap and direct buffers both work without a
 * copy, and a read-only buffer cannot be read into.
 */
public final class ChannelIo {
    private ChannelIo() {}

    public static int read(IoSource io, ByteBuffer dst) throws IOException {
        Arguments.destination(dst, "dst");
        int remaining = dst.remaining();
        if (remaining == 0) {
            io.ensureOpen();
            return 0;
        }
        MemorySegment cached = io.readSegments().of(dst);
        long r = cached != null ? io.read(cached, remaining) : readFresh(io, dst, remaining);
        if (r == IoSource.WOULD_BLOCK) {
            return 0;
        }
        if (r == 0) {
            return -1;
        }
        dst.position(dst.position() + (int) r);
        return (int) r;
    }

    public static int write(IoSource io, ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        int remaining = src.remaining();
        if (remaining == 0) {
            io.ensureOpen();
            return 0;
        }
        MemorySegment cached = io.writeSegments().of(src);
        long r = cached != null ? io.write(cached, remaining) : writeFresh(io, src, remaining);
        if (r == IoSource.WOULD_BLOCK) {
            return 0;
        }
        src.position(src.position() + (int) r);
        return (int) r;
    }

    // The uncached case makes a segment per call, which only escape analysis removes, and only if
    // the call that uses it is inlined where it is made. These two methods are that call alone:
    // small enough to be inlined even where misses are rare, and then the call inside is hot
    // relative to them, so it is inlined too (in the caller, a rarely taken call of IoSource.read
    // was not, and each miss allocated 72 bytes). Both also stay separate from the cached call:
    // a fresh segment that meets the cached one at a merge point is never removed.

    private static long readFresh(IoSource io, ByteBuffer dst, int length) throws IOException {
        return io.read(MemorySegment.ofBuffer(dst), length);
    }

    private static long writeFresh(IoSource io, ByteBuffer src, int length) throws IOException {
        return io.write(MemorySegment.ofBuffer(src), length);
    }

    /** Reads into {@code dst}: bytes read, -1 at end of stream, 0 when it would block. */
    public static long read(IoSource io, MemorySegment dst) throws IOException {
        Arguments.destination(dst, "dst");
        if (dst.byteSize() == 0) {
            io.ensureOpen();
            return 0;
        }
        long r = io.read(dst, dst.byteSize());
        return r == IoSource.WOULD_BLOCK ? 0 : (r == 0 ? -1 : r);
    }

    /** Writes from {@code src}: bytes written, 0 when it would block. */
    public static long write(IoSource io, MemorySegment src) throws IOException {
        Objects.requireNonNull(src, "src");
        if (src.byteSize() == 0) {
            io.ensureOpen();
            return 0;
        }
        long r = io.write(src, src.byteSize());
        return r == IoSource.WOULD_BLOCK ? 0 : r;
    }

    /**
     * Scattering read: one {@code readv} when every buffer is direct, else buffer by buffer until
     * one is not filled. -1 only when nothing was read and the stream ended.
     */
    public static long read(IoSource io, ByteBuffer[] dsts, int offset, int length) throws IOException {
        Arguments.range(dsts, offset, length, "dsts", true);
        long wanted = 0;
        boolean direct = length <= Os.current().maxIoVectors();
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = dsts[i];
            wanted += b.remaining();
            direct &= b.isDirect();
        }
        if (wanted == 0) {
            io.ensureOpen();
            return 0;
        }
        if (direct) {
            long r = io.readv(dsts, offset, length);
            if (r == IoSource.WOULD_BLOCK) {
                return 0;
            }
            if (r == 0) {
                return -1;
            }
            advance(dsts, offset, length, r);
            return r;
        }
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = dsts[i];
            int want = b.remaining();
            if (want == 0) {
                continue;
            }
            int r = read(io, b);
            if (r <= 0) {
                return total > 0 ? total : r;
            }
            total += r;
            if (r < want) {
                break;
            }
        }
        return total;
    }

    /**
     * Gathering write: one {@code writev} when every buffer is direct, else buffer by buffer until
     * one is not written whole.
     */
    public static long write(IoSource io, ByteBuffer[] srcs, int offset, int length) throws IOException {
        Arguments.range(srcs, offset, length, "srcs", false);
        long wanted = 0;
        boolean direct = length <= Os.current().maxIoVectors();
        for (int i = offset; i < offset + length; i++) {
            wanted += srcs[i].remaining();
            direct &= srcs[i].isDirect();
        }
        if (wanted == 0) {
            io.ensureOpen();
            return 0;
        }
        if (direct) {
            long r = io.writev(srcs, offset, length);
            if (r == IoSource.WOULD_BLOCK) {
                return 0;
            }
            advance(srcs, offset, length, r);
            return r;
        }
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = srcs[i];
            int want = b.remaining();
            if (want == 0) {
                continue;
            }
            int r = write(io, b);
            total += r;
            if (r < want) {
                break;
            }
        }
        return total;
    }

    private static void advance(ByteBuffer[] buffers, int offset, int length, long transferred) {
        for (int i = offset; i < offset + length && transferred > 0; i++) {
            ByteBuffer b = buffers[i];
            int step = (int) Math.min(b.remaining(), transferred);
            b.position(b.position() + step);
            transferred -= step;
        }
    }
}
