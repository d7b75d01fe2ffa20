package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pollux.KqueueSupport;
import dev.pollux.MioPortSupport;
import dev.pollux.ffi.kqueue.KqueuePlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Leak checks (descriptors, threads) and liveness bounds for the runtime tests. */
final class RuntimeTestSupport {
    /** Upper bound for anything that must happen; generous for a small, shared CI machine. */
    static final Duration LIVENESS = Duration.ofSeconds(30);

    static final boolean ON_LIBKQUEUE =
            KqueueSupport.onKqueue() && KqueuePlatform.current() == KqueuePlatform.LIBKQUEUE;

    private RuntimeTestSupport() {}

    /**
     * Open descriptors a leak check counts: all of them on epoll; on libkqueue without the
     * library's own (epoll instances, eventfds, O_ASYNC pipe ends), which it frees asynchronously.
     */
    static long openFdCount() throws IOException {
        if (!ON_LIBKQUEUE) {
            return MioPortSupport.openFdCount();
        }
        long n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : fds.toList()) {
                if (!libkqueueInternal(p)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean libkqueueInternal(Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.equals("anon_inode:[eventpoll]") || target.equals("anon_inode:[eventfd]")) {
                return true;
            }
            if (target.startsWith("pipe:")) {
                for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))) {
                    if (line.startsWith("flags:")) {
                        return (Integer.parseInt(line.substring(6).trim(), 8) & 020000) != 0; // O_ASYNC
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits (bounded) for the descriptor count to come back to {@code before}; on libkqueue lower is fine too. */
    static void assertNoFdLeak(long before) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long now = openFdCount();
        while (!(now == before || (ON_LIBKQUEUE && now < before)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = openFdCount();
        }
        if (ON_LIBKQUEUE && now < before) {
            return;
        }
        assertEquals(before, now, "descriptors leaked");
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
