package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.fail;

import dev.pollux.KqueueSupport;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/** Leak checks (descriptors, threads) and liveness bounds for the runtime tests. */
final class RuntimeTestSupport {
    /** Upper bound for anything that must happen; generous for a small, shared CI machine. */
    static final Duration LIVENESS = Duration.ofSeconds(30);

    private RuntimeTestSupport() {}

    /**
     * Skips the calling test on libkqueue older than 2.4, where a socket's READ and WRITE filters
     * cannot both be registered (EFAULT): every stream task here reads and writes, and the
     * executor adds WRITE beside READ when a write or a connect has to wait.
     */
    static void assumeReadAndWriteOnOneDescriptor() {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
    }

    /** Names of live threads that belong to the runtime (event loops and their blocking tasks). */
    static Set<String> runtimeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("pollux-") || n.startsWith("test-loop"))
                .collect(Collectors.toSet());
    }

    /** Waits (bounded) until no runtime thread is alive. */
    static void assertNoRuntimeThreads() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Set<String> left = runtimeThreads();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = runtimeThreads();
        }
        if (!left.isEmpty()) {
            fail("runtime threads left behind: " + left);
        }
    }

    /** The byte at offset {@code k} of stream {@code id}: not periodic at powers of two. */
    static byte pattern(long id, long k) {
        return (byte) ((id * 31 + k * 7 + (k >>> 8) * 13) & 0xff);
    }
}
