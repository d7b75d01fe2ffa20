package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.unix.Pipe;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ports of mio's {@code tests/events.rs}, plus the Events contract mio checks elsewhere. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventsTest {
    private static final long WAKE_TOKEN = 10;

    /** mio: events_all. Capacity, empty, iteration after a wake, clear. */
    @Test
    void eventsAll() throws Exception {
        try (Poll poll = Poll.open(); Waker waker = new Waker(poll.registry(), WAKE_TOKEN)) {
            Events events = Events.withCapacity(16);
            assertEquals(16, events.capacity());
            assertTrue(events.isEmpty());
            assertEquals(0, events.size());

            waker.wake();
            int n = poll.poll(events, MioPortSupport.MUST_COME);
            assertEquals(1, n);
            assertFalse(events.isEmpty());
            assertEquals(n, events.size());

            int count = 0;
            for (Event event : events) {
                assertEquals(WAKE_TOKEN, event.token());
                assertTrue(event.isReadable());
                count++;
            }
            assertEquals(n, count);

            events.clear();
            assertTrue(events.isEmpty());
            assertEquals(0, events.size());
            assertFalse(events.iterator().hasNext());
            assertEquals(16, events.capacity());
        }
    }

    @Test
    void capacityBounds() {
        assertEquals(1, Events.withCapacity(1).capacity());
        assertEquals(1024, Events.withCapacity(1024).capacity());
        assertThrows(IllegalArgumentException.class, () -> Events.withCapacity(0));
        assertThrows(IllegalArgumentException.class, () -> Events.withCapacity(-1));
        assertThrows(IllegalArgumentException.class, () -> Events.withCapacity(Integer.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Events.withCapacity((1 << 24) + 1));
    }

    /** A poll returns at most capacity events; the rest come with the next poll. */
    @Test
    void capacityLimitsOnePoll() throws Exception {
        try (Poll poll = Poll.open(); Pipe p0 = Pipe.open(); Pipe p1 = Pipe.open(); Pipe p2 = Pipe.open()) {
            Pipe[] pipes = {p0, p1, p2};
            for (int i = 0; i < pipes.length; i++) {
                poll.registry().register(pipes[i].sender(), i, Interest.WRITABLE);
            }
            Events events = Events.withCapacity(2);
            assertEquals(2, poll.poll(events, MioPortSupport.MUST_COME));
            assertEquals(2, events.size());
            Set<Long> tokens = new HashSet<>();
            for (Event e : events) {
                tokens.add(e.token());
            }
            assertEquals(1, poll.poll(events, MioPortSupport.MUST_COME));
            tokens.add(events.token(0));
            assertEquals(Set.of(0L, 1L, 2L), tokens);
            MioPortSupport.expectNoEvents(poll, events);
        }
    }

    /** Indexed accessors and Event views agree; views are cached per index. */
    @Test
    void indexedAccessorsMatchViews() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            poll.registry().register(pipe.receiver(), 1, Interest.READABLE);
            poll.registry().register(pipe.sender(), 2, Interest.WRITABLE);
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
            Events events = Events.withCapacity(8);
            MioPortSupport.expectEvents(poll, events,
                    MioPortSupport.expect(1, MioPortSupport.READABLE), MioPortSupport.expect(2, MioPortSupport.WRITABLE));
            // expectEvents may have needed two polls; fetch a fresh view of whatever is there.
            assertTrue(events.size() >= 1);
            List<Event> iterated = new ArrayList<>();
            for (Event e : events) {
                iterated.add(e);
            }
            assertEquals(events.size(), iterated.size());
            for (int i = 0; i < events.size(); i++) {
                Event view = events.get(i);
                assertSame(view, events.get(i));
                assertSame(view, iterated.get(i));
                assertEquals(events.token(i), view.token());
                assertEquals(events.isReadable(i), view.isReadable());
                assertEquals(events.isWritable(i), view.isWritable());
                assertEquals(events.isError(i), view.isError());
                assertEquals(events.isReadClosed(i), view.isReadClosed());
                assertEquals(events.isWriteClosed(i), view.isWriteClosed());
                assertEquals(events.isPriority(i), view.isPriority());
                assertTrue(view.toString().contains("token=" + view.token()), view.toString());
            }
            assertTrue(events.toString().contains("size=" + events.size()), events.toString());
        }
    }

    /** get and the indexed accessors reject indexes outside [0, size()). */
    @Test
    void getOutOfRange() throws Exception {
        Events fresh = Events.withCapacity(4);
        assertThrows(IndexOutOfBoundsException.class, () -> fresh.get(0));
        assertThrows(IndexOutOfBoundsException.class, () -> fresh.token(0));
        assertThrows(IndexOutOfBoundsException.class, () -> fresh.isReadable(0));
        assertThrows(IndexOutOfBoundsException.class, () -> fresh.get(-1));
        assertThrows(NoSuchElementException.class, () -> fresh.iterator().next());

        try (Poll poll = Poll.open(); Waker waker = new Waker(poll.registry(), WAKE_TOKEN)) {
            Events events = Events.withCapacity(4);
            waker.wake();
            assertEquals(1, poll.poll(events, MioPortSupport.MUST_COME));
            events.get(0);
            // Inside capacity but outside size.
            assertThrows(IndexOutOfBoundsException.class, () -> events.get(1));
            assertThrows(IndexOutOfBoundsException.class, () -> events.token(1));
            assertThrows(IndexOutOfBoundsException.class, () -> events.isWritable(1));
            assertThrows(IndexOutOfBoundsException.class, () -> events.isError(3));
            assertThrows(IndexOutOfBoundsException.class, () -> events.get(4));
            assertThrows(IndexOutOfBoundsException.class, () -> events.get(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> events.token(-1));

            Iterator<Event> it = events.iterator();
            assertTrue(it.hasNext());
            it.next();
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);

            events.clear();
            assertThrows(IndexOutOfBoundsException.class, () -> events.get(0));
            assertThrows(IndexOutOfBoundsException.class, () -> events.token(0));
            assertThrows(IndexOutOfBoundsException.class, () -> events.isReadable(0));
        }
    }

    /** A poll replaces what the buffer held: a poll with no events leaves it empty. */
    @Test
    void pollClearsPreviousEvents() throws Exception {
        try (Poll poll = Poll.open(); Waker waker = new Waker(poll.registry(), WAKE_TOKEN)) {
            Events events = Events.withCapacity(4);
            waker.wake();
            assertEquals(1, poll.poll(events, MioPortSupport.MUST_COME));
            assertEquals(0, poll.poll(events, Duration.ZERO));
            assertTrue(events.isEmpty());
            assertFalse(events.iterator().hasNext());
            assertThrows(IndexOutOfBoundsException.class, () -> events.get(0));
        }
    }

    /** One Events buffer can be used with two Polls in turn. */
    @Test
    void eventsReusableAcrossPolls() throws Exception {
        try (Poll a = Poll.open(); Poll b = Poll.open();
                Waker wa = new Waker(a.registry(), 1); Waker wb = new Waker(b.registry(), 2)) {
            Events events = Events.withCapacity(4);
            wa.wake();
            assertEquals(1, a.poll(events, MioPortSupport.MUST_COME));
            assertEquals(1, events.token(0));
            wb.wake();
            assertEquals(1, b.poll(events, MioPortSupport.MUST_COME));
            assertEquals(2, events.token(0));
        }
    }
}
