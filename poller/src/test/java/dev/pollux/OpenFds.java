package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Counts this process's open file descriptors in {@code /proc/self/fd}, for the leak checks of
 * every test package. The one place that knows which descriptors a leak check should not count.
 *
 * <p>On epoll (and on a kernel kqueue) every descriptor counts. On libkqueue the library's own
 * descriptors do not: per kqueue an epoll instance, eventfds (behind {@code EVFILT_USER} and some
 * filters) and the read end of the pipe whose write end is the kqueue descriptor, which libkqueue
 * marks {@code O_ASYNC} so that closing the kqueue signals its monitoring thread. libkqueue (2.3.1
 * and 2.7 alike) frees them from that thread at some later moment, and not at all when the
 * kqueue's number is reused first, so their number drifts either way. What Pollux owns still
 * counts: the kqueue descriptor itself (the pipe's write end), every socket and every pipe of ours.
 * Because libkqueue may also release descriptors of earlier tests (socket duplicates among them)
 * while a test runs, on libkqueue a count below the starting one is not a failure.
 */
public final class OpenFds {
    /** How long a count may take to come back: generous, CI machines are slow and noisy. */
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private static final boolean ON_LIBKQUEUE = KqueueSupport.onLibkqueue();

    /** {@code O_ASYNC} in {@code /proc/self/fdinfo}'s octal flags (Linux, every architecture here). */
    private static final int O_ASYNC = 020000;

    private OpenFds() {}

    /** The number of open descriptors a leak check counts (see the class comment). */
    public static int count() {
        int n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                if (!ON_LIBKQUEUE || !isLibkqueueInternal(fd)) {
                    n++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /**
     * The count once it has stopped changing, for tests that compare exact counts: libkqueue
     * releases a closed kqueue's descriptors asynchronously. On epoll it is {@link #count()} read
     * until two reads agree.
     */
    public static int settledCount() {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        int count = count();
        while (System.nanoTime() < deadline) {
            pause();
            int again = count();
            if (again == count) {
                return count;
            }
            count = again;
        }
        return count;
    }

    /**
     * Asserts that the count comes back to {@code before}, re-reading it until it does or the
     * patience runs out: a descriptor the JVM opens or closes for itself meanwhile does not fail
     * the test, a leaked one (which stays open) does. On libkqueue a lower count passes too.
     */
    public static void assertBackTo(long before, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        long now = count();
        while (!settled(before, now) && System.nanoTime() < deadline) {
            pause();
            now = count();
        }
        if (!settled(before, now)) {
            assertEquals(before, now, what + ": open descriptors before vs after; now open:\n" + list());
        }
    }

    /** The open descriptors, what they point to and whether they are counted, for failure messages. */
    public static String list() {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                b.append("  ").append(fd.getFileName()).append(" -> ").append(target(fd))
                        .append(ON_LIBKQUEUE && isLibkqueueInternal(fd) ? " (libkqueue's, not counted)" : "")
                        .append('\n');
            }
        } catch (IOException e) {
            b.append("  (cannot list /proc/self/fd: ").append(e).append(")\n");
        }
        return b.toString();
    }

    private static boolean settled(long before, long now) {
        return now == before || (ON_LIBKQUEUE && now < before);
    }

    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "?"; // the listing's own descriptor, or one closed meanwhile
        }
    }

    private static boolean isLibkqueueInternal(Path fd) {
        String target = target(fd);
        if (target.equals("anon_inode:[eventpoll]") || target.equals("anon_inode:[eventfd]")) {
            return true;
        }
        if (!target.startsWith("pipe:")) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))) {
                if (line.startsWith("flags:")) {
                    return (Integer.parseInt(line.substring(6).trim(), 8) & O_ASYNC) != 0;
                }
            }
        } catch (IOException e) {
            // closed meanwhile: counted, as it was when listed
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
