package dev.pollux.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Pins the calling thread to one CPU with Linux's {@code sched_setaffinity}, as the C floor
 * programs do with theirs, so that a benchmark decides which threads share a core. Benchmark
 * scaffolding only (the library never pins): linked here from libc rather than added to the
 * generated bindings.
 */
public final class Affinity {
    /** {@code sizeof(cpu_set_t)} in glibc: 1,024 CPUs. */
    private static final long CPU_SET_BYTES = 128;
    private static final MethodHandle SCHED_SETAFFINITY = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("sched_setaffinity").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            Linker.Option.captureCallState("errno"));

    private Affinity() {}

    /**
     * Pins the calling thread to {@code cpu}; a negative {@code cpu} leaves it to the scheduler.
     *
     * @throws IllegalStateException if the kernel refuses (a CPU this process may not use)
     */
    public static void pinCurrentThread(int cpu) {
        if (cpu < 0) {
            return;
        }
        if (cpu >= CPU_SET_BYTES * 8) {
            throw new IllegalArgumentException("cpu out of range: " + cpu);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment set = arena.allocate(CPU_SET_BYTES, 8);
            set.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            int r = (int) SCHED_SETAFFINITY.invokeExact(capture, 0, CPU_SET_BYTES, set);
            if (r != 0) {
                int errno = capture.get(ValueLayout.JAVA_INT, Linker.Option.captureStateLayout()
                        .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
                throw new IllegalStateException("sched_setaffinity(cpu " + cpu + ") failed: errno " + errno);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
