package dev.pollux.ffi.epoll;

import dev.pollux.bindings.linux.msghdr;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Builds downcall handles that capture errno, and owns the per-thread memory those calls need.
 *
 * <p>jextract's generated handles do not capture errno, and reading errno after a downcall is
 * unreliable (the JVM may have made system calls of its own in between), so every wrapper here
 * relinks the generated address and descriptor with {@code captureCallState("errno")}.
 *
 * <p>The capture segment and a small scratch area for structs passed by pointer are allocated
 * once per thread (a registry may be used from many threads at once) and freed by the garbage
 * collector with the thread's {@link Frame}; no call allocates.
 */
final class Downcalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT
            .varHandle(MemoryLayout.PathElement.groupElement("errno"))
            .withInvokeExactBehavior();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** Bytes of per-thread scratch memory: room for the largest struct a wrapper passes by pointer. */
    static final long SCRATCH_BYTES = 1024;

    private static final ThreadLocal<Frame> FRAME = ThreadLocal.withInitial(Frame::new);

    private Downcalls() {}

    /** Per-thread native memory: the errno capture segment, a scratch area and a message header. */
    static final class Frame {
        final MemorySegment capture;
        final MemorySegment scratch;
        /** A {@code struct msghdr} for sendmsg/recvmsg, whose iovec array goes in {@link #scratch}. */
        final MemorySegment message;

        private Frame() {
            Arena arena = Arena.ofAuto();
            capture = arena.allocate(CAPTURE_LAYOUT);
            scratch = arena.allocate(SCRATCH_BYTES, 16);
            message = arena.allocate(msghdr.layout());
        }

        /** The errno the last capturing call on this frame left behind, as a positive number. */
        int errno() {
            return (int) ERRNO.get(capture, 0L);
        }
    }

    /** The calling thread's frame. */
    static Frame frame() {
        return FRAME.get();
    }

    /** Links {@code address} with {@code descriptor}, capturing errno into a leading segment argument. */
    static MethodHandle capturing(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO);
    }

    /**
     * Like {@link #capturing}, and lets the call read and write Java heap memory directly. Only for
     * calls that never block and never call back into Java (read/write on non-blocking
     * descriptors): a critical call holds off the garbage collector while it runs.
     */
    static MethodHandle capturingWithHeapAccess(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO, Linker.Option.critical(true));
    }

    /**
     * Links {@code address} with {@code descriptor} without capturing errno, for a hot path that
     * learns errno by repeating a failed call through a capturing handle (see
     * {@link Epoll#await} and {@link EventFd#increment}): the stub then skips the call that copies
     * errno after every return, and the wrapper needs no per-thread frame.
     */
    static MethodHandle plain(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor);
    }

    /**
     * Like {@link #plain}, and critical: no thread-state transition around the call. Only for
     * calls that never block and never call back into Java (a critical call holds off the
     * garbage collector while it runs), on native memory only.
     */
    static MethodHandle plainCritical(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor, Linker.Option.critical(false));
    }

    /** Links a variadic function whose fixed arguments end at {@code firstVariadic}. */
    static MethodHandle capturingVariadic(MemorySegment address, FunctionDescriptor descriptor, int firstVariadic) {
        return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO, Linker.Option.firstVariadicArg(firstVariadic));
    }

    /**
     * What a downcall's {@code catch (Throwable)} rethrows. The FFM runtime's own exceptions pass
     * unchanged: they report the caller's misuse, in the types FFM users handle (a segment of a
     * closed arena: {@code IllegalStateException}; a confined segment from another thread:
     * {@code WrongThreadException}). A downcall handle throws nothing checked, so anything else is
     * a linkage bug here, never an OS error (those come back as return values and errno).
     */
    static RuntimeException unexpected(Throwable t) {
        return switch (t) {
            case RuntimeException e -> e;
            case Error e -> throw e;
            default -> throw new AssertionError("downcall failed unexpectedly", t);
        };
    }
}
