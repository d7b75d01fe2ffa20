package dev.pollux.bench.soak;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The bytes every soak connection sends: position {@code p} of a connection whose pattern starts
 * at {@code start} holds {@code BLOCK[(start + p) % PERIOD]}, a fixed random block. The echo must
 * come back byte for byte at the same positions, so a lost, repeated, reordered or corrupted byte
 * shows as a mismatch at a known position.
 *
 * <p>The period is a prime, so a shift by any buffer size (always a power of two or a multiple of
 * one here) moves the pattern onto different bytes: a server that drops or repeats one buffer is
 * caught, not only one that flips bits. Stateless and thread-safe.
 */
final class Pattern {
    /** The pattern's period: the largest prime below 64 KiB. */
    static final int PERIOD = 65_521;

    /** The random block twice over, so that any window of up to PERIOD bytes is contiguous. */
    private static final byte[] BLOCK = new byte[2 * PERIOD];

    static {
        byte[] once = new byte[PERIOD];
        new SplittableRandom(0x5eed_50a6L).nextBytes(once);
        System.arraycopy(once, 0, BLOCK, 0, PERIOD);
        System.arraycopy(once, 0, BLOCK, PERIOD, PERIOD);
    }

    private Pattern() {}

    /** Writes the pattern's bytes for positions {@code pos .. pos+len) into {@code dst[off ..]}. */
    static void fill(byte[] dst, int off, int len, int start, long pos) {
        while (len > 0) {
            int from = index(start, pos);
            int n = Math.min(len, PERIOD);
            System.arraycopy(BLOCK, from, dst, off, n);
            off += n;
            pos += n;
            len -= n;
        }
    }

    /**
     * Compares {@code src[off .. off+len)} with the pattern's positions {@code pos ..}; returns the
     * offset within the range of the first byte that differs, or -1 when all match.
     */
    static int mismatch(byte[] src, int off, int len, int start, long pos) {
        int done = 0;
        while (done < len) {
            int from = index(start, pos + done);
            int n = Math.min(len - done, PERIOD);
            int at = Arrays.mismatch(src, off + done, off + done + n, BLOCK, from, from + n);
            if (at >= 0) {
                return done + at;
            }
            done += n;
        }
        return -1;
    }

    /** The byte the pattern has at {@code pos}, for messages. */
    static int expected(int start, long pos) {
        return BLOCK[index(start, pos)] & 0xff;
    }

    private static int index(int start, long pos) {
        return (int) ((start + pos) % PERIOD);
    }
}
