package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.ffi.epoll.Errno;
import dev.pollux.ffi.epoll.EventFd;
import dev.pollux.ffi.epoll.Fd;
import dev.pollux.unix.Pipe;
import dev.pollux.unix.SourceFd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Trigger#EDGE}, {@link Trigger#LEVEL} and {@link Trigger#ONESHOT}, each on a Pollux pipe
 * and on a raw eventfd.
 */
class TriggerTest {
    private static final long TOKEN = 11;
    /** How long a poll waits when an event must not come. */
    private static final Duration QUIET = Duration.ofMillis(50);

    /** A readable source the test can make ready (more and more) and drain. */
    private interface Readable extends AutoCloseable {
        Source source();

        /** Makes (more) data available. */
        void add() throws IOException;

        /** Consumes part of the data, leaving some. */
        void consumeSome() throws IOException;

        /** Consumes everything, until it would block. */
        void drain() throws IOException;

        @Override
        void close() throws IOException;
    }

    private static final class PipeReadable implements Readable {
        private final Pipe pipe = Pipe.open();

        PipeReadable() throws IOException {}

        @Override
        public Source source() {
            return pipe.receiver();
        }

        @Override
        public void add() throws IOException {
            assertEquals(4, pipe.sender().write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4})));
        }

        @Override
        public void consumeSome() throws IOException {
            assertEquals(1, pipe.receiver().read(ByteBuffer.allocate(1)));
        }

        @Override
        public void drain() throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(64);
            int n;
            while ((n = pipe.receiver().read(buf.clear())) > 0) {
                // keep reading
            }
            assertEquals(0, n, "would block once drained (not end of stream)");
        }

        @Override
        public void close() throws IOException {
            pipe.close();
        }
    }

    /** A semaphore-mode eventfd: each read takes 1 from the counter, so part of it can be consumed. */
    private static final class EventFdReadable implements Readable {
        private final int fd = EventFd.create(0, EventFd.NONBLOCK | EventFd.CLOEXEC | EventFd.SEMAPHORE);
        private final SourceFd source;

        EventFdReadable() {
            assertTrue(fd >= 0, "eventfd failed: " + Errno.name(-fd));
            source = new SourceFd(fd);
        }

        @Override
        public Source source() {
            return source;
        }

        @Override
        public void add() {
            assertEquals(0, EventFd.add(fd, 2));
        }

        @Override
        public void consumeSome() {
            assertEquals(0, EventFd.reset(fd));
        }

        @Override
        public void drain() {
            int r;
            while ((r = EventFd.reset(fd)) == 0) {
                // semaphore mode: one per read
            }
            assertEquals(-Errno.EAGAIN, r);
        }

        @Override
        public void close() {
            Fd.close(fd);
        }
    }

    private static Readable open(String kind) throws IOException {
        return switch (kind) {
            case "pipe" -> new PipeReadable();
            case "eventfd" -> {
                KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.EVENTFD_BUG);
                yield new EventFdReadable();
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static void assertEvent(Poll poll, Events events, String when) throws IOException {
        assertEquals(1, poll.poll(events, TestSupport.PATIENCE), when + ": expected an event");
        assertEquals(TOKEN, events.token(0), when);
        assertTrue(events.isReadable(0), when + ": expected readable");
    }

    private static void assertNoEvent(Poll poll, Events events, String when) throws IOException {
        assertEquals(0, poll.poll(events, QUIET), when + ": expected no event, got " + events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "eventfd"})
    void edgeReportsOnlyChangesOfState(String kind) throws Exception {
        try (Poll poll = Poll.open(); Readable r = open(kind)) {
            Events events = Events.withCapacity(4);
            poll.registry().register(r.source(), TOKEN, Interest.READABLE, Trigger.EDGE);
            assertNoEvent(poll, events, "registered, nothing written");

            r.add();
            assertEvent(poll, events, "after the first write");
            assertNoEvent(poll, events, "data left unread, no new write");
            assertNoEvent(poll, events, "data still left unread");
            r.consumeSome();
            assertNoEvent(poll, events, "after a partial read");

            r.drain();
            assertNoEvent(poll, events, "drained");
            r.add();
            assertEvent(poll, events, "written again after draining");
            assertNoEvent(poll, events, "second edge reported once");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "eventfd"})
    void edgeIsTheDefault(String kind) throws Exception {
        try (Poll poll = Poll.open(); Readable r = open(kind)) {
            Events events = Events.withCapacity(4);
            poll.registry().register(r.source(), TOKEN, Interest.READABLE);
            r.add();
            assertEvent(poll, events, "after the write");
            assertNoEvent(poll, events, "default trigger must be edge: no second event while data remains");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "eventfd"})
    void levelReportsOnEveryPollWhileReady(String kind) throws Exception {
        try (Poll poll = Poll.open(); Readable r = open(kind)) {
            Events events = Events.withCapacity(4);
            poll.registry().register(r.source(), TOKEN, Interest.READABLE, Trigger.LEVEL);
            assertNoEvent(poll, events, "registered, nothing written");

            r.add();
            for (int i = 0; i < 5; i++) {
                assertEvent(poll, events, "poll " + i + " with data unread");
            }
            r.consumeSome();
            assertEvent(poll, events, "after a partial read");
            assertEvent(poll, events, "after a partial read, again");

            r.drain();
            assertNoEvent(poll, events, "drained");
            r.add();
            assertEvent(poll, events, "written again");
            assertEvent(poll, events, "written again, polled again");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "eventfd"})
    void oneshotReportsOnceUntilRearmed(String kind) throws Exception {
        try (Poll poll = Poll.open(); Readable r = open(kind)) {
            Events events = Events.withCapacity(4);
            Registry registry = poll.registry();
            registry.register(r.source(), TOKEN, Interest.READABLE, Trigger.ONESHOT);

            r.add();
            assertEvent(poll, events, "first write");
            assertNoEvent(poll, events, "oneshot: disarmed after its event");
            r.add();
            assertNoEvent(poll, events, "oneshot: disarmed even when more data arrives");
            r.drain();
            r.add();
            assertNoEvent(poll, events, "oneshot: disarmed even after drain and a new write");

            registry.reregister(r.source(), TOKEN, Interest.READABLE, Trigger.ONESHOT);
            assertEvent(poll, events, "re-armed while still ready: reported at once");
            assertNoEvent(poll, events, "disarmed again after the re-armed event");

            r.drain();
            registry.reregister(r.source(), TOKEN, Interest.READABLE, Trigger.ONESHOT);
            assertNoEvent(poll, events, "re-armed while not ready");
            r.add();
            assertEvent(poll, events, "re-armed, then written");
            assertNoEvent(poll, events, "disarmed once more");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "eventfd"})
    void oneshotStaysRegistered(String kind) throws Exception {
        try (Poll poll = Poll.open(); Readable r = open(kind)) {
            Events events = Events.withCapacity(4);
            Registry registry = poll.registry();
            registry.register(r.source(), TOKEN, Interest.READABLE, Trigger.ONESHOT);
            r.add();
            assertEvent(poll, events, "first write");
            // Disarmed but still registered: deregister works.
            registry.deregister(r.source());
            r.add();
            assertNoEvent(poll, events, "deregistered");
            registry.register(r.source(), TOKEN, Interest.READABLE, Trigger.ONESHOT);
            assertEvent(poll, events, "registered again while ready");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "eventfd"})
    void reregisterSwitchesTrigger(String kind) throws Exception {
        try (Poll poll = Poll.open(); Readable r = open(kind)) {
            Events events = Events.withCapacity(4);
            Registry registry = poll.registry();
            registry.register(r.source(), TOKEN, Interest.READABLE, Trigger.EDGE);
            r.add();
            assertEvent(poll, events, "edge");
            assertNoEvent(poll, events, "edge, data unread");

            registry.reregister(r.source(), TOKEN, Interest.READABLE, Trigger.LEVEL);
            assertEvent(poll, events, "now level, data unread");
            assertEvent(poll, events, "now level, data still unread");

            registry.reregister(r.source(), TOKEN, Interest.READABLE, Trigger.EDGE);
            // Reregistering re-evaluates readiness, so one event may follow; after it, edge again.
            poll.poll(events, QUIET);
            assertNoEvent(poll, events, "back to edge, data unread");
        }
    }
}
