package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.unix.Pipe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Poll#close()} from another thread while a thread waits in {@link Poll#poll} (or is just
 * starting to): the wait ends with {@link ClosedSelectorException}, the close returns once the
 * poller has left the OS's wait call, and nothing leaks. Every case runs many times under a
 * watchdog, because a lost wake shows as a hang and a reuse window only now and then.
 */
class CloseUnderPollTest {
    /** Watchdog of a whole repeated test: far above what it takes, far below a CI timeout. */
    private static final Duration WATCHDOG = Duration.ofSeconds(60);
    private static final long SOURCE = 1;
    private static final long WAKE = 2;

    /** What the poller thread saw. */
    private static final class Outcome {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean closedSeen;
    }

    /** Polls (forever, or in a loop of zero or short timeouts) until the Poll is closed. */
    private static Thread poller(Poll poll, Events events, Outcome outcome, Duration timeout) {
        return Thread.ofPlatform().daemon().name("poller").start(() -> {
            try {
                while (true) {
                    poll.poll(events, timeout);
                }
            } catch (ClosedSelectorException e) {
                outcome.closedSeen = true;
            } catch (Throwable t) {
                outcome.failure.set(t);
            }
        });
    }

    @Test
    void closeEndsAPollBlockedForever() {
        assertTimeoutPreemptively(WATCHDOG, () -> {
            int before = OpenFds.count();
            for (int i = 0; i < 100; i++) {
                Poll poll = Poll.open();
                Waker waker = new Waker(poll.registry(), WAKE);
                try (Pipe pipe = Pipe.open()) {
                    poll.registry().register(pipe.receiver(), SOURCE, Interest.READABLE);
                    Events events = Events.withCapacity(4);
                    Outcome outcome = new Outcome();
                    Thread t = poller(poll, events, outcome, null);
                    TestSupport.awaitInsidePoll(t);
                    poll.close();
                    // close() returned: the poller has left epoll_wait / kevent (the queue is gone).
                    assertFalse(insideWait(t), "close returned while the poller was still in the wait call");
                    TestSupport.join(t);
                    assertNull(outcome.failure.get(), () -> "poller failed: " + outcome.failure.get());
                    assertTrue(outcome.closedSeen, "the blocked poll ends with ClosedSelectorException");
                    assertEquals(0, events.size(), "an interrupted poll reports no event");
                    assertThrows(ClosedSelectorException.class, () -> poll.poll(events, Duration.ZERO));
                    assertThrows(ClosedSelectorException.class, waker::wake);
                    poll.close(); // idempotent
                    // The source outlives the Poll and works with a new one.
                    try (Poll next = Poll.open()) {
                        next.registry().register(pipe.receiver(), SOURCE, Interest.READABLE);
                        pipe.sender().write(ByteBuffer.wrap(new byte[] {1}));
                        assertTrue(TestSupport.pollFor(next, events, SOURCE));
                    }
                }
            }
            OpenFds.assertBackTo(before, "100 Polls closed under a blocked poll");
        });
    }

    @Test
    void closeRacingAPollThatIsStarting() {
        assertTimeoutPreemptively(WATCHDOG, () -> {
            int before = OpenFds.count();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 1000; i++) {
                Poll poll = Poll.open();
                Events events = Events.withCapacity(4);
                Outcome outcome = new Outcome();
                Thread t = poller(poll, events, outcome, null);
                // Close at a random moment near the start of the first poll: before it, while it
                // enters, or once it waits.
                long until = System.nanoTime() + random.nextLong(200_000);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                poll.close();
                TestSupport.join(t);
                assertNull(outcome.failure.get(), () -> "poller failed: " + outcome.failure.get());
                assertTrue(outcome.closedSeen, "the poll ends with ClosedSelectorException");
            }
            OpenFds.assertBackTo(before, "1000 Polls closed racing a starting poll");
        });
    }

    @Test
    void closeRacingShortPollsInALoop() {
        assertTimeoutPreemptively(WATCHDOG, () -> {
            int before = OpenFds.count();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 300; i++) {
                Poll poll = Poll.open();
                Waker waker = new Waker(poll.registry(), WAKE);
                Events events = Events.withCapacity(4);
                Outcome outcome = new Outcome();
                // Alternate between polls that do not block and polls that block briefly, with a
                // waker firing: the close lands between polls, on entry, inside and on the way out.
                Thread t = poller(poll, events, outcome, i % 2 == 0 ? Duration.ZERO : Duration.ofMillis(1));
                long until = System.nanoTime() + random.nextLong(2_000_000);
                while (System.nanoTime() < until) {
                    try {
                        waker.wake();
                    } catch (ClosedSelectorException e) {
                        break;
                    }
                }
                poll.close();
                TestSupport.join(t);
                assertNull(outcome.failure.get(), () -> "poller failed: " + outcome.failure.get());
                assertTrue(outcome.closedSeen, "the polling loop ends with ClosedSelectorException");
            }
            OpenFds.assertBackTo(before, "300 Polls closed under a polling loop");
        });
    }

    @Test
    void concurrentClosesEndThePollOnce() {
        assertTimeoutPreemptively(WATCHDOG, () -> {
            for (int i = 0; i < 50; i++) {
                Poll poll = Poll.open();
                Outcome outcome = new Outcome();
                Thread t = poller(poll, Events.withCapacity(1), outcome, null);
                TestSupport.awaitInsidePoll(t);
                AtomicReference<Throwable> closeFailure = new AtomicReference<>();
                Thread[] closers = new Thread[3];
                for (int k = 0; k < closers.length; k++) {
                    closers[k] = Thread.ofPlatform().daemon().start(() -> {
                        try {
                            poll.close();
                        } catch (IOException | RuntimeException e) {
                            closeFailure.set(e);
                        }
                    });
                }
                for (Thread closer : closers) {
                    TestSupport.join(closer);
                }
                TestSupport.join(t);
                assertNull(closeFailure.get(), () -> "close failed: " + closeFailure.get());
                assertNull(outcome.failure.get(), () -> "poller failed: " + outcome.failure.get());
                assertTrue(outcome.closedSeen);
            }
        });
    }

    /** Whether {@code t}'s stack is inside the epoll or kqueue wait call. */
    private static boolean insideWait(Thread t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getMethodName().equals("await") && (frame.getClassName().equals("dev.pollux.ffi.epoll.Epoll")
                    || frame.getClassName().equals("dev.pollux.ffi.kqueue.Kqueue"))) {
                return true;
            }
        }
        return false;
    }
}
