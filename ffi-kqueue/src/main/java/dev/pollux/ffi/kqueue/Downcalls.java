package dev.pollux.ffi.kqueue;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The errno capture segment and scratch memory of each thread, as in ffi-epoll. Kept separate on
 * purpose: every ffi module must load on every OS without the others.
 */
final class Downcalls {
    static final Linker LINKER = Linker.nativeLinker();
    static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT
            .varHandle(MemoryLayout.PathElement.groupElement("errno"))
            .withInvokeExactBehavior();
    private static final ThreadLocal<Frame> FRAME = ThreadLocal.withInitial(Frame::new);

    private Downcalls() {}

    /** Bytes of per-thread scratch memory for the structs the POSIX calls pass by pointer. */
    static final long SCRATCH_BYTES = 1024;
    /** Bytes reserved for a {@code struct msghdr} (48 on BSD, 56 on Linux). */
    static final long MESSAGE_BYTES = 64;

    /**
     * Per-thread native memory: errno capture, a {@code struct timespec}, a scratch area and a
     * message header for {@link PosixCalls}.
     */
    static final class Frame {
        final MemorySegment capture;
        final MemorySegment timespec;
        final MemorySegment scratch;
        final MemorySegment message;

        private Frame() {
            Arena arena = Arena.ofAuto();
            capture = arena.allocate(CAPTURE_LAYOUT);
            timespec = arena.allocate(16, 8);
            scratch = arena.allocate(SCRATCH_BYTES, 16);
            message = arena.allocate(MESSAGE_BYTES, 8);
        }

        int errno() {
            return (int) ERRNO.get(capture, 0L);
        }
    }

    static Frame frame() {
        return FRAME.get();
    }

    static AssertionError unexpected(Throwable t) {
        return new AssertionError("downcall failed unexpectedly", t);
    }
}
