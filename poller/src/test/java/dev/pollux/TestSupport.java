package dev.pollux;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Helpers shared by the tests in this package. */
final class TestSupport {
    /** How long to wait for something that must happen. Generous: CI machines are slow and noisy. */
    static final Duration PATIENCE = Duration.ofSeconds(5);

    private TestSupport() {}

    /**
     * The raw descriptor number the JVM uses for {@code file}, which must be open exactly once in
     * this process (found by resolving the links in {@code /proc/self/fd}).
     */
    static int rawFdOf(Path file) throws IOException {
        Path real = file.toRealPath();
        List<Integer> found = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(p).equals(real)) {
                        found.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // the directory stream's own descriptor, or one closed meanwhile
                }
            }
        }
        if (found.size() != 1) {
            fail("expected exactly one descriptor for " + real + ", found " + found);
        }
        return found.get(0);
    }

    /**
     * Waits until {@code poller} is blocked inside the OS wait of a {@link Poll#poll} (its stack
     * shows the epoll, kqueue or io_uring wait call), so that a test can race against a poll that is really in progress.
     */
    static void awaitInsidePoll(Thread poller) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!poller.isAlive()) {
                fail("the polling thread ended before it blocked in poll");
            }
            for (StackTraceElement frame : poller.getStackTrace()) {
                if (frame.getMethodName().equals("await") && (frame.getClassName().equals("dev.pollux.ffi.epoll.Epoll")
                        || frame.getClassName().equals("dev.pollux.ffi.kqueue.Kqueue"))) {
                    return;
                }
                if (frame.getMethodName().equals("submitAndWait") && frame.getClassName().equals("dev.pollux.ffi.epoll.IoUring")) {
                    return;
                }
            }
            sleep(Duration.ofMillis(5));
        }
        fail("the polling thread did not block in poll within " + PATIENCE);
    }

    /**
     * Polls until an event with {@code token} arrives or {@link #PATIENCE} runs out; returns whether
     * it arrived. Events for other tokens are ignored.
     */
    static boolean pollFor(Poll poll, Events events, long token) throws IOException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            poll.poll(events, Duration.ofNanos(left));
            if (contains(events, token)) {
                return true;
            }
        }
    }

    /** Whether the last poll into {@code events} returned an event with {@code token}. */
    static boolean contains(Events events, long token) {
        for (int i = 0; i < events.size(); i++) {
            if (events.token(i) == token) {
                return true;
            }
        }
        return false;
    }

    /** Joins {@code t}, failing the test if it does not end within {@link #PATIENCE}. */
    static void join(Thread t) throws InterruptedException {
        t.join(PATIENCE);
        if (t.isAlive()) {
            fail(t.getName() + " did not finish within " + PATIENCE + "; stack: "
                    + java.util.Arrays.toString(t.getStackTrace()));
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
