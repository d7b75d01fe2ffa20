package dev.pollux;

import static dev.pollux.MioPortSupport.READABLE;
import static dev.pollux.MioPortSupport.WRITABLE;
import static dev.pollux.MioPortSupport.expect;
import static dev.pollux.MioPortSupport.expectEvents;
import static dev.pollux.MioPortSupport.expectNoEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.MioPortSupport.TestEventFd;
import dev.pollux.net.TcpListener;
import dev.pollux.unix.Pipe;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ports of mio's {@code tests/registering.rs}, with pipes and eventfds where mio uses sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RegisteringTest {
    private static final long SERVER = 0;
    private static final long CLIENT = 1;

    /**
     * mio: register_deregister. A small state machine: a readable event, a reregister to
     * writable, a writable event, then deregister everything; afterwards no events.
     */
    @Test
    void registerDeregister() throws Exception {
        try (Poll poll = Poll.open(); Pipe server = Pipe.open(); TestEventFd client = MioPortSupport.eventFd()) {
            Events events = Events.withCapacity(1024);
            Registry registry = poll.registry();
            registry.register(server.receiver(), SERVER, Interest.READABLE);
            registry.register(client.source(), CLIENT, Interest.READABLE);
            server.sender().write(ByteBuffer.wrap(new byte[] {1}));

            int state = 0;
            long deadline = System.nanoTime() + MioPortSupport.MUST_COME.toNanos();
            loop:
            while (true) {
                assertTrue(System.nanoTime() < deadline, "state machine stuck in state " + state);
                poll.poll(events, MioPortSupport.MUST_COME);
                for (Event event : events) {
                    if (event.token() == SERVER && event.isReadable()) {
                        // "accept and write": drain the server pipe, make the client readable.
                        ByteBuffer buf = ByteBuffer.allocate(8);
                        while (server.receiver().read(buf.clear()) > 0) {
                            // drain
                        }
                        client.signal();
                    } else if (event.token() == CLIENT && event.isReadable() && state == 0) {
                        state = 1;
                        registry.reregister(client.source(), CLIENT, Interest.WRITABLE);
                    } else if (event.token() == CLIENT && event.isWritable()) {
                        assertEquals(1, state, "writable before the reregister");
                        state = 2;
                        registry.deregister(client.source());
                        registry.deregister(server.receiver());
                        break loop;
                    }
                }
            }
            // More activity on both, but nothing is registered any more.
            server.sender().write(ByteBuffer.wrap(new byte[] {2}));
            client.signal();
            expectNoEvents(poll, events);
        }
    }

    /**
     * mio: reregister_different_interest_without_poll. A source that became readable, then is
     * reregistered for WRITABLE only before any poll: its readiness is not reported.
     */
    @Test
    void reregisterDifferentInterestWithoutPoll() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(1024);
            poll.registry().register(pipe.receiver(), 0, Interest.READABLE);
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            Thread.sleep(100);
            poll.registry().reregister(pipe.receiver(), 0, Interest.WRITABLE);
            assertEquals(0, poll.poll(events, Duration.ofMillis(200)), events::toString);
        }
    }

    /**
     * mio: tcp_register_multiple_event_loops / udp_register_multiple_event_loops. A Pollux source
     * registered with one Poll cannot be registered with another.
     */
    @Test
    void registerWithMultiplePolls() throws Exception {
        try (Poll poll1 = Poll.open(); Poll poll2 = Poll.open(); Pipe pipe = Pipe.open()) {
            poll1.registry().register(pipe.receiver(), 0, Interest.READABLE);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> poll2.registry().register(pipe.receiver(), 0, Interest.READABLE));
            assertTrue(e.getMessage().contains("another Poll"), e.getMessage());

            poll1.registry().register(pipe.sender(), 1, Interest.WRITABLE);
            assertThrows(IllegalStateException.class, () -> poll2.registry().register(pipe.sender(), 1, Interest.WRITABLE));
            // Nor reregistered or deregistered through the other one.
            assertThrows(IllegalStateException.class, () -> poll2.registry().reregister(pipe.sender(), 1, Interest.WRITABLE));
            assertThrows(IllegalStateException.class, () -> poll2.registry().deregister(pipe.sender()));

            // The first registration is intact.
            Events events = Events.withCapacity(8);
            expectEvents(poll1, events, expect(1, WRITABLE));
            expectNoEvents(poll2, events);

            // After deregistering from the first, the second may have it.
            poll1.registry().deregister(pipe.sender());
            poll2.registry().register(pipe.sender(), 2, Interest.WRITABLE);
            expectEvents(poll2, events, expect(2, WRITABLE));
        }
    }

    /** mio: registering_after_deregistering. */
    @Test
    void registeringAfterDeregistering() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pipe.receiver(), SERVER, Interest.READABLE);
            poll.registry().deregister(pipe.receiver());
            poll.registry().register(pipe.receiver(), SERVER, Interest.READABLE);
            assertEquals(0, poll.poll(events, Duration.ofMillis(100)));
            assertTrue(events.isEmpty());

            // And the new registration works.
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
            expectEvents(poll, events, expect(SERVER, READABLE));
        }
    }

    /** No event for a token after deregister returns, even though the source is (and stays) ready. */
    @Test
    void noEventsAfterDeregister() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open(); TestEventFd efd = MioPortSupport.eventFd()) {
            Events events = Events.withCapacity(8);
            Registry registry = poll.registry();
            registry.register(pipe.receiver(), 1, Interest.READABLE);
            registry.register(pipe.sender(), 2, Interest.WRITABLE);
            registry.register(efd.source(), 3, Interest.READABLE);
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
            efd.signal();
            // All three are ready now (the events are pending in the kernel's ready list).
            registry.deregister(pipe.receiver());
            registry.deregister(pipe.sender());
            registry.deregister(efd.source());
            expectNoEvents(poll, events);

            // New readiness does not reach a deregistered source either.
            pipe.sender().write(ByteBuffer.wrap(new byte[] {2}));
            efd.signal();
            expectNoEvents(poll, events);
        }
    }

    /** Deregister after an event was reported: the source's further readiness is not reported. */
    @Test
    void noEventsAfterDeregisterFollowingAnEvent() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pipe.receiver(), 5, Interest.READABLE, Trigger.LEVEL);
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
            expectEvents(poll, events, expect(5, READABLE));
            poll.registry().deregister(pipe.receiver());
            // Level-triggered and still readable, but deregistered.
            expectNoEvents(poll, events);
        }
    }

    /** Registering again after deregister reports readiness the source already had. */
    @Test
    void reregisteringAReadySourceReportsIt() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pipe.receiver(), 1, Interest.READABLE);
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
            poll.registry().deregister(pipe.receiver());
            expectNoEvents(poll, events);
            poll.registry().register(pipe.receiver(), 9, Interest.READABLE);
            List<String> seen = expectEvents(poll, events, expect(9, READABLE));
            assertFalse(seen.stream().anyMatch(s -> s.startsWith("Event[token=1,")), seen::toString);
        }
    }

    /** Double / missing registration: IllegalStateException for Pipe ends, the OS's errno for SourceFd. */
    /**
     * Closing a source after deregistering it closes its file at once, whether or not a poll ran
     * in between: the peer sees the end of stream (a backend that batches deregistrations must
     * hand them to the kernel before the descriptor closes).
     */
    @Test
    void closingADeregisteredSourceClosesItsFile() throws Exception {
        try (Poll poll = Poll.open(); Poll other = Poll.open(); Pipe pipe = Pipe.open(); Pipe second = Pipe.open()) {
            Registry registry = poll.registry();
            registry.register(pipe.sender(), SERVER, Interest.WRITABLE);
            expectEvents(poll, Events.withCapacity(8), expect(SERVER, WRITABLE));
            registry.deregister(pipe.sender());
            pipe.sender().close();
            assertEquals(-1, pipe.receiver().read(ByteBuffer.allocate(1)), "the write end is closed: end of stream");

            // Deregistered from one Poll, then registered with and deregistered from another:
            // closing still releases both.
            registry.register(second.sender(), SERVER, Interest.WRITABLE);
            expectEvents(poll, Events.withCapacity(8), expect(SERVER, WRITABLE));
            registry.deregister(second.sender());
            other.registry().register(second.sender(), CLIENT, Interest.WRITABLE);
            other.registry().deregister(second.sender());
            second.sender().close();
            assertEquals(-1, second.receiver().read(ByteBuffer.allocate(1)), "the write end is closed: end of stream");
        }
    }

    /** A listener closed right after its deregistration frees its port: binding it again works. */
    @Test
    void aListenerClosedAfterDeregisterFreesItsPort() throws Exception {
        try (Poll poll = Poll.open()) {
            InetSocketAddress address;
            try (TcpListener listener = TcpListener.bind(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                address = listener.localAddress();
                poll.registry().register(listener, SERVER, Interest.READABLE);
                poll.registry().deregister(listener);
            }
            try (TcpListener again = TcpListener.bind(address)) {
                assertEquals(address, again.localAddress());
            }
        }
    }

    @Test
    void doubleAndMissingRegistration() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open(); TestEventFd efd = MioPortSupport.eventFd()) {
            Registry registry = poll.registry();
            // Pipe ends track their registration.
            assertThrows(IllegalStateException.class, () -> registry.deregister(pipe.sender()));
            assertThrows(IllegalStateException.class, () -> registry.reregister(pipe.sender(), 1, Interest.WRITABLE));
            registry.register(pipe.sender(), 1, Interest.WRITABLE);
            assertThrows(IllegalStateException.class, () -> registry.register(pipe.sender(), 1, Interest.WRITABLE));
            registry.deregister(pipe.sender());
            assertThrows(IllegalStateException.class, () -> registry.deregister(pipe.sender()));

            // SourceFd passes the OS's answer through.
            OsException noent = assertThrows(OsException.class, () -> registry.deregister(efd.source()));
            assertEquals("ENOENT", noent.codeName());
            noent = assertThrows(OsException.class, () -> registry.reregister(efd.source(), 1, Interest.READABLE));
            assertEquals("ENOENT", noent.codeName());
            assertEquals(KqueueSupport.changeCall(), noent.call());
            registry.register(efd.source(), 1, Interest.READABLE);
            if (KqueueSupport.onKqueue()) {
                // kqueue: adding a filter that exists updates it; no EEXIST.
                registry.register(efd.source(), 1, Interest.READABLE);
            } else {
                OsException exist = assertThrows(OsException.class, () -> registry.register(efd.source(), 1, Interest.READABLE));
                assertEquals("EEXIST", exist.codeName());
                assertEquals(KqueueSupport.registrationCall(), exist.call());
                assertTrue(exist.code() > 0);
            }
            registry.deregister(efd.source());
            noent = assertThrows(OsException.class, () -> registry.deregister(efd.source()));
            assertEquals("ENOENT", noent.codeName());
        }
    }

    /** A failed second registration leaves the first one working (token and interest unchanged). */
    @Test
    void failedDoubleRegistrationKeepsTheFirst() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open(); TestEventFd efd = MioPortSupport.eventFd()) {
            Events events = Events.withCapacity(8);
            Registry registry = poll.registry();
            registry.register(pipe.receiver(), 1, Interest.READABLE);
            assertThrows(IllegalStateException.class, () -> registry.register(pipe.receiver(), 2, Interest.READABLE));
            registry.register(efd.source(), 3, Interest.READABLE);
            if (KqueueSupport.onKqueue()) {
                // kqueue has no failed double registration: the second add updates the filter,
                // so token 4 replaces token 3.
                registry.register(efd.source(), 4, Interest.READABLE);
            } else {
                assertThrows(OsException.class, () -> registry.register(efd.source(), 4, Interest.READABLE));
            }
            long efdToken = KqueueSupport.onKqueue() ? 4 : 3;
            long staleToken = KqueueSupport.onKqueue() ? 3 : 4;

            pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
            efd.signal();
            List<String> seen = expectEvents(poll, events, expect(1, READABLE), expect(efdToken, READABLE));
            assertFalse(seen.stream().anyMatch(s -> s.startsWith("Event[token=2,") || s.startsWith("Event[token=" + staleToken + ",")),
                    seen::toString);
        }
    }
}
