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
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CAPTURE_LAYOUT
            .varHandle(MemoryLayout.PathElement.groupElement("errno"))
            .withInvokeExactBehavior();
    private static final ThreadLocal<Frame> FRAME = ThreadLocal.withInitial(Frame::new);

    private Downcalls() {}

    /** Per-thread native memory: errno capture and a {@code struct timespec}. */
    static final class Frame {
        final MemorySegment capture;
        final MemorySegment timespec;

        private Frame() {
            Arena arena = Arena.ofAuto();
            capture = arena.allocate(CAPTURE_LAYOUT);
            timespec = arena.allocate(16, 8);
        }

        int errno() {
            return (int) ERRNO.get(capture, 0L);
        }
    }

    static Frame frame() {
        return FRAME.get();
    }

    /**
     * As ffi-epoll's: FFM's misuse exceptions (a closed arena, a wrong thread) reach the caller
     * unchanged; anything else is a linkage bug.
     */
    static RuntimeException unexpected(Throwable t) {
        return switch (t) {
            case RuntimeException e -> e;
            case Error e -> throw e;
            default -> throw new AssertionError("downcall failed unexpectedly", t);
        };
    }
}
