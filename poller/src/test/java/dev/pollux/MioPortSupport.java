package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pollux.ffi.epoll.EventFd;
import dev.pollux.ffi.epoll.Fd;
import dev.pollux.unix.SourceFd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Helpers shared by the tests ported from mio's test suite (mio's {@code tests/util/mod.rs}):
 * {@link #expectEvents} / {@link #expectNoEvents}, readiness flags to match events against, and
 * a raw non-blocking eventfd to register through {@link SourceFd}.
 */
public final class MioPortSupport {
    /** How long to wait for an event that must come. Generous: the CI machine is small and noisy. */
    public static final Duration MUST_COME = Duration.ofSeconds(5);
    /** How long to poll when no event may come. */
    public static final Duration NO_EVENT_WAIT = Duration.ofMillis(100);

    /** Readiness flags for {@link Expect}: an expected event must show every flag given. */
    public static final int READABLE = 1;
    public static final int WRITABLE = 1 << 1;
    public static final int ERROR = 1 << 2;
    public static final int READ_CLOSED = 1 << 3;
    public static final int WRITE_CLOSED = 1 << 4;
    public static final int PRIORITY = 1 << 5;

    private MioPortSupport() {}

    /** An event expected for {@code token}, showing at least the {@code readiness} flags. */
    public record Expect(long token, int readiness) {
        boolean matches(Event e) {
            return e.token() == token && (readiness & ~readinessOf(e)) == 0;
        }

        @Override
        public String toString() {
            return "Expect[token=" + token + ", readiness=" + flagsToString(readiness) + "]";
        }
    }

    public static Expect expect(long token, int readiness) {
        return new Expect(token, readiness);
    }

    /** The flags an event shows. */
    public static int readinessOf(Event e) {
        int r = 0;
        r |= e.isReadable() ? READABLE : 0;
        r |= e.isWritable() ? WRITABLE : 0;
        r |= e.isError() ? ERROR : 0;
        r |= e.isReadClosed() ? READ_CLOSED : 0;
        r |= e.isWriteClosed() ? WRITE_CLOSED : 0;
        r |= e.isPriority() ? PRIORITY : 0;
        return r;
    }

    static String flagsToString(int flags) {
        List<String> names = new ArrayList<>();
        String[] all = {"READABLE", "WRITABLE", "ERROR", "READ_CLOSED", "WRITE_CLOSED", "PRIORITY"};
        for (int i = 0; i < all.length; i++) {
            if ((flags & (1 << i)) != 0) {
                names.add(all[i]);
            }
        }
        return String.join("|", names);
    }

    /**
     * mio's {@code expect_events}: polls (repeatedly, up to {@link #MUST_COME} in all) until every
     * expected event has been seen, in any order. Other events are tolerated (spurious events are
     * allowed), as in mio.
     *
     * @return every event seen, as strings, for extra assertions
     */
    public static List<String> expectEvents(Poll poll, Events events, Expect... expected) throws IOException {
        List<Expect> missing = new ArrayList<>(Arrays.asList(expected));
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + MUST_COME.toNanos();
        while (!missing.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("expected events not found: " + missing + "; seen: " + seen);
            }
            poll.poll(events, Duration.ofNanos(left));
            for (Event e : events) {
                seen.add(e.toString());
                for (int i = 0; i < missing.size(); i++) {
                    if (missing.get(i).matches(e)) {
                        missing.remove(i);
                        break;
                    }
                }
            }
        }
        return seen;
    }

    /** mio's {@code expect_no_events}: a poll of {@link #NO_EVENT_WAIT} returns nothing. */
    public static void expectNoEvents(Poll poll, Events events) throws IOException {
        int n = poll.poll(events, NO_EVENT_WAIT);
        assertEquals(0, n, () -> "expected no events, got " + events);
        assertTrue(events.isEmpty(), events::toString);
    }

    /** Polls once for up to {@link #MUST_COME} and returns the number of events. */
    public static int pollMustCome(Poll poll, Events events) throws IOException {
        return poll.poll(events, MUST_COME);
    }

    /** Runs {@code task} on a new platform thread; the future completes with its result or failure. */
    public static <T> CompletableFuture<T> onThread(String name, Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().name(name).daemon(true).start(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /** Opens a non-blocking, close-on-exec eventfd with counter 0. */
    public static TestEventFd eventFd() {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.EVENTFD_BUG);
        int fd = EventFd.create(0, EventFd.CLOEXEC | EventFd.NONBLOCK);
        assertTrue(fd >= 0, () -> "eventfd failed: " + fd);
        return new TestEventFd(fd);
    }

    /**
     * A raw eventfd owned by the test: readable while its counter is non-zero, writable while the
     * counter is below its maximum (so normally always writable).
     */
    public static final class TestEventFd implements AutoCloseable {
        private final int fd;
        private final SourceFd source;
        private boolean closed;

        private TestEventFd(int fd) {
            this.fd = fd;
            this.source = new SourceFd(fd);
        }

        public int fd() {
            return fd;
        }

        public SourceFd source() {
            return source;
        }

        /** Adds 1 to the counter: makes it readable. */
        public void signal() {
            int r = EventFd.add(fd, 1);
            if (r != 0) {
                throw new UncheckedIOException(new IOException("eventfd write failed: " + r));
            }
        }

        /** Reads the counter (resetting it): its value, or 0 when it would block. */
        public long drain() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
                long r = Fd.read(fd, value, Long.BYTES);
                return r < 0 ? 0 : value.get(ValueLayout.JAVA_LONG, 0);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                Fd.close(fd);
            }
        }
    }
}
