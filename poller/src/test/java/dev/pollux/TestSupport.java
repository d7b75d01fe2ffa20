package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
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
     * The number of file descriptors this process has open, counted in {@code /proc/self/fd}.
     * The directory stream used for counting is itself one of them, the same one every time.
     *
     * <p>On libkqueue, descriptors libkqueue keeps for itself are left out: its epoll instances
     * ({@code anon_inode:[eventpoll]}) and the read end of a closed kqueue's close-detect pipe
     * (a pipe whose other end is no longer open). libkqueue releases those asynchronously, and
     * (2.3.1 and 2.7 alike, reproduced with a plain C loop of kqueue()/close()) now and then
     * only when a later kqueue() reuses the number, so they come and go unpredictably. An open
     * kqueue still counts: its descriptor is the write end of that pipe, and with it the read end.
     */
    static int openFdCount() {
        if (!KqueueSupport.onLibkqueue()) {
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                return (int) fds.count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : fds.toList()) {
                try {
                    targets.add(Files.readSymbolicLink(p).toString());
                } catch (IOException e) {
                    targets.add("?"); // the directory stream's own descriptor, or one closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int count = 0;
        for (String target : targets) {
            if (target.equals("anon_inode:[eventpoll]")) {
                continue;
            }
            if (target.startsWith("pipe:") && java.util.Collections.frequency(targets, target) == 1) {
                continue;
            }
            count++;
        }
        return count;
    }

    /**
     * The open descriptor count once it has stopped changing. libkqueue releases the descriptors
     * of a closed kqueue (its epoll descriptor and the read end of its close-detect pipe)
     * asynchronously, in its monitoring thread; a count taken right after a close may still
     * include them. On epoll this is {@link #openFdCount()} read twice.
     */
    static int settledFdCount() {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        int count = openFdCount();
        while (System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(50));
            int again = openFdCount();
            if (again == count) {
                return count;
            }
            count = again;
        }
        return count;
    }

    /**
     * Asserts that the open descriptor count returns to {@code expected}. The count is re-read
     * until it matches or {@link #PATIENCE} runs out, so that a descriptor the JVM opens or closes
     * for itself at the same moment, or one libkqueue releases asynchronously after its kqueue
     * was closed, does not fail the test, while a descriptor the code under test leaked (which
     * stays open) does.
     */
    static void assertFdCount(int expected, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        int actual = openFdCount();
        while (actual != expected && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(50));
            actual = openFdCount();
        }
        assertEquals(expected, actual, what + ": open descriptors before vs after\n" + listFds());
    }

    /** The open descriptors and what they point to, for failure messages. */
    static String listFds() {
        StringBuilder s = new StringBuilder();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : fds.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    target = "?";
                }
                s.append("  ").append(p.getFileName()).append(" -> ").append(target).append('\n');
            }
        } catch (IOException e) {
            s.append("  (cannot list /proc/self/fd: ").append(e).append(")\n");
        }
        return s.toString();
    }

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
     * shows the epoll or kqueue wait call), so that a test can race against a poll that is really in progress.
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
