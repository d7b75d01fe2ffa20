package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.unix.Pipe;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * More sources ready than an {@link Events} holds: the rest come in later polls (the kqueue
 * backend keeps what its wait call returned beyond the caller's capacity and hands it out
 * without a system call), yet a deregister or reregister that returns before a poll starts still
 * wins over events collected earlier.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventsLeftOverTest {
    private static final int SOURCES = 32;
    private static final Duration QUIET = Duration.ofMillis(50);

    private static List<Pipe> readablePipes(Poll poll, long tokenBase) throws Exception {
        List<Pipe> pipes = new ArrayList<>();
        for (int i = 0; i < SOURCES; i++) {
            Pipe pipe = Pipe.open();
            pipes.add(pipe);
            poll.registry().register(pipe.receiver(), tokenBase + i, Interest.READABLE);
            pipe.sender().write(ByteBuffer.wrap(new byte[] {(byte) i}));
        }
        return pipes;
    }

    private static void closeAll(List<Pipe> pipes) throws Exception {
        for (Pipe pipe : pipes) {
            pipe.close();
        }
    }

    @Test
    void everyReadySourceIsReportedOnceAcrossSmallPolls() throws Exception {
        int before = OpenFds.count();
        try (Poll poll = Poll.open()) {
            List<Pipe> pipes = readablePipes(poll, 0);
            try {
                Events events = Events.withCapacity(3);
                Set<Long> seen = new HashSet<>();
                long deadline = System.nanoTime() + TestSupport.PATIENCE.toNanos();
                while (seen.size() < SOURCES && System.nanoTime() < deadline) {
                    poll.poll(events, QUIET);
                    assertTrue(events.size() <= 3);
                    for (int e = 0; e < events.size(); e++) {
                        assertTrue(seen.add(events.token(e)), "token " + events.token(e) + " reported twice");
                    }
                }
                assertEquals(SOURCES, seen.size(), "every ready pipe reported: " + seen);
                assertEquals(0, poll.poll(events, QUIET), "edge-triggered: nothing more");
            } finally {
                closeAll(pipes);
            }
        }
        OpenFds.assertBackTo(before, "pipes closed");
    }

    @Test
    void noEventForATokenAfterItsDeregisterReturned() throws Exception {
        try (Poll poll = Poll.open()) {
            List<Pipe> pipes = readablePipes(poll, 0);
            try {
                Events events = Events.withCapacity(1);
                assertEquals(1, poll.poll(events, TestSupport.PATIENCE));
                long first = events.token(0);
                // The other 31 are ready (on kqueue: collected already); deregister them all.
                for (int i = 0; i < SOURCES; i++) {
                    if (i != first) {
                        poll.registry().deregister(pipes.get(i).receiver());
                    }
                }
                assertEquals(0, poll.poll(events, QUIET), () -> "an event after deregister returned: " + events);
            } finally {
                closeAll(pipes);
            }
        }
    }

    @Test
    void noEventForASourceAfterItsCloseReturned() throws Exception {
        try (Poll poll = Poll.open()) {
            List<Pipe> pipes = readablePipes(poll, 0);
            try {
                Events events = Events.withCapacity(1);
                assertEquals(1, poll.poll(events, TestSupport.PATIENCE));
                long first = events.token(0);
                for (int i = 0; i < SOURCES; i++) {
                    if (i != first) {
                        pipes.get(i).receiver().close();
                    }
                }
                assertEquals(0, poll.poll(events, QUIET), () -> "an event after close returned: " + events);
            } finally {
                closeAll(pipes);
            }
        }
    }

    @Test
    void eventsAfterAReregisterCarryTheNewToken() throws Exception {
        try (Poll poll = Poll.open()) {
            List<Pipe> pipes = readablePipes(poll, 0);
            try {
                Events events = Events.withCapacity(1);
                assertEquals(1, poll.poll(events, TestSupport.PATIENCE));
                long first = events.token(0);
                for (int i = 0; i < SOURCES; i++) {
                    if (i != first) {
                        poll.registry().reregister(pipes.get(i).receiver(), 1000 + i, Interest.READABLE);
                    }
                }
                // Reregistering re-arms: still-ready pipes report again, under their new tokens only.
                Set<Long> seen = new HashSet<>();
                long deadline = System.nanoTime() + TestSupport.PATIENCE.toNanos();
                while (seen.size() < SOURCES - 1 && System.nanoTime() < deadline) {
                    poll.poll(events, QUIET);
                    for (int e = 0; e < events.size(); e++) {
                        long token = events.token(e);
                        assertTrue(token >= 1000, "an event with a token replaced before this poll began: " + token);
                        seen.add(token);
                    }
                }
                assertEquals(SOURCES - 1, seen.size(), "every reregistered, still-ready pipe reported: " + seen);
                assertFalse(seen.contains(1000 + first));
            } finally {
                closeAll(pipes);
            }
        }
    }
}
