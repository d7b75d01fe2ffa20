package dev.pollux.internal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The OS system-call layer, chosen independently of the event-queue backend (kqueue over
 * libkqueue on Linux uses the Linux calls). Methods follow the kernel's convention: a
 * non-negative result, or {@code -errno}. Implementations are stateless and thread-safe.
 */
public interface Os {
    /** The layer for the OS this JVM runs on. */
    static Os current() {
        return OsHolder.CURRENT;
    }

    /** errno for "would block". */
    int eagain();

    /** errno for "interrupted by a signal". */
    int eintr();

    /** Symbolic name of an errno value, such as {@code "EBADF"}. */
    String errnoName(int errno);

    /** A non-blocking, close-on-exec pipe: fills {@code fds} with read end, write end. */
    int pipe(int[] fds);

    long read(int fd, MemorySegment buffer, long length);

    long write(int fd, MemorySegment buffer, long length);

    /** Scattering read into direct buffers (at most {@link #maxIoVectors()} of them). */
    long readv(int fd, ByteBuffer[] buffers, int offset, int length);

    /** Gathering write from direct buffers (at most {@link #maxIoVectors()} of them). */
    long writev(int fd, ByteBuffer[] buffers, int offset, int length);

    /** How many buffers one readv/writev call takes. */
    int maxIoVectors();

    int close(int fd);

    /** Whether {@code fd} has O_NONBLOCK set: 1, 0, or {@code -errno}. */
    int isNonBlocking(int fd);
}

/** Creates the {@link Os} for this JVM once, on first use. */
final class OsHolder {
    static final Os CURRENT = create();

    private OsHolder() {}

    private static Os create() {
        String os = System.getProperty("os.name", "");
        if (os.startsWith("Linux")) {
            return new dev.pollux.internal.linux.LinuxOs();
        }
        throw new UnsupportedOperationException("Pollux has no system-call layer for " + os + " yet");
    }
}
