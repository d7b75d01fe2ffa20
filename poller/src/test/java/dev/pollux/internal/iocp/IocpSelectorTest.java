package dev.pollux.internal.iocp;

import static dev.pollux.ffi.iocp.Afd.AFD_POLL_ABORT;
import static dev.pollux.ffi.iocp.Afd.AFD_POLL_ACCEPT;
import static dev.pollux.ffi.iocp.Afd.AFD_POLL_CONNECT_FAIL;
import static dev.pollux.ffi.iocp.Afd.AFD_POLL_DISCONNECT;
import static dev.pollux.ffi.iocp.Afd.AFD_POLL_LOCAL_CLOSE;
import static dev.pollux.ffi.iocp.Afd.AFD_POLL_RECEIVE;
import static dev.pollux.ffi.iocp.Afd.AFD_POLL_SEND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.Interest;
import dev.pollux.OsException;
import dev.pollux.Trigger;
import dev.pollux.internal.Readiness;
import dev.pollux.internal.SelectorWaker;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IocpSelector's state machine driven by {@link SimulatedAfd}: what runs on Linux of the Windows
 * backend. Each test also checks that the selector never misused the simulated kernel (a second
 * request on a busy IO_STATUS_BLOCK, a request resubmitted before its completion, calls on
 * closed handles). Several follow mio's Windows behaviour and its tests: an event is reported
 * once until an I/O call returns would-block (edge emulation), interest changes through
 * cancel-and-resubmit, no event after deregistration, the waker's packet.
 */
class IocpSelectorTest {
    private static final int CAPACITY = 64;
    private SimulatedAfd afd;
    private IocpSelector selector;
    private Arena arena;
    private MemorySegment events;

    @BeforeEach
    void open() throws IOException {
        afd = new SimulatedAfd();
        selector = IocpSelector.open(afd);
        arena = Arena.ofShared();
        events = arena.allocate(IocpEventFormat.SIZE * CAPACITY, 8);
        for (int fd = 1; fd <= 40; fd++) {
            afd.addSocket(fd);
        }
    }

    @AfterEach
    void close() throws IOException {
        if (!selector.isClosed()) {
            selector.close();
        }
        arena.close();
        assertEquals(0, afd.openAfdHandles(), "AFD handles left open");
        assertEquals(0, afd.openPorts(), "port left open");
        assertEquals(0, selector.slotsInUse(), "poll slots leaked");
        assertTrue(afd.violations.isEmpty(), "kernel misuse: " + afd.violations);
    }

    /** Polls once without blocking: token to readiness. */
    private Map<Long, Integer> poll() throws IOException {
        return poll(0);
    }

    private Map<Long, Integer> poll(long timeoutNanos) throws IOException {
        int n = selector.select(events, CAPACITY, timeoutNanos);
        Map<Long, Integer> m = new HashMap<>();
        for (int i = 0; i < n; i++) {
            long token = IocpEventFormat.INSTANCE.token(events, i);
            int r = IocpEventFormat.INSTANCE.readiness(events, i);
            Integer old = m.put(token, r);
            assertEquals(null, old, "two events for token " + token + " in one poll");
        }
        return m;
    }

    private void register(int fd, long token, Interest interest) throws IOException {
        selector.register(fd, token, interest, Trigger.EDGE);
    }

    @Test
    void readableIsReportedOnceUntilWouldBlockRearms() throws IOException {
        register(1, 11, Interest.READABLE);
        assertEquals(Map.of(), poll());
        assertEquals(AFD_POLL_RECEIVE | AFD_POLL_DISCONNECT | AFD_POLL_ACCEPT | AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL
                | AFD_POLL_LOCAL_CLOSE, afd.pendingEvents(1), "the request watches what READABLE needs");

        afd.setReady(1, AFD_POLL_RECEIVE);
        assertEquals(Map.of(11L, Readiness.READABLE), poll());
        // Still readable, but reported already: nothing until an I/O call says would-block.
        assertEquals(Map.of(), poll());
        assertEquals(Map.of(), poll());

        // The user reads everything; recv returns WSAEWOULDBLOCK; IoSource tells the selector.
        afd.clearReady(1, AFD_POLL_RECEIVE);
        selector.wouldBlock(1, 11, Interest.READABLE);
        assertEquals(Map.of(), poll());
        afd.setReady(1, AFD_POLL_RECEIVE);
        assertEquals(Map.of(11L, Readiness.READABLE), poll());
    }

    @Test
    void wouldBlockWhileStillReadyReportsAgain() throws IOException {
        register(1, 11, Interest.READABLE);
        afd.setReady(1, AFD_POLL_RECEIVE);
        assertEquals(Map.of(11L, Readiness.READABLE), poll());
        // Would-block raced with new data: the re-armed request completes at once.
        selector.wouldBlock(1, 11, Interest.READABLE);
        assertEquals(Map.of(11L, Readiness.READABLE), poll());
    }

    @Test
    void readinessMapsLikeMio() throws IOException {
        register(1, 1, Interest.READABLE.add(Interest.WRITABLE));
        register(2, 2, Interest.READABLE.add(Interest.WRITABLE));
        register(3, 3, Interest.READABLE);
        register(4, 4, Interest.READABLE);
        register(5, 5, Interest.WRITABLE);
        poll();
        afd.setReady(1, AFD_POLL_ABORT);
        afd.setReady(2, AFD_POLL_CONNECT_FAIL);
        afd.setReady(3, AFD_POLL_DISCONNECT);
        afd.setReady(4, AFD_POLL_ACCEPT);
        afd.setReady(5, AFD_POLL_SEND | AFD_POLL_RECEIVE);
        int closed = Readiness.READ_CLOSED | Readiness.WRITE_CLOSED;
        assertEquals(Map.of(
                1L, Readiness.READABLE | Readiness.WRITABLE | closed,
                2L, Readiness.READABLE | Readiness.WRITABLE | Readiness.ERROR | closed,
                3L, Readiness.READABLE | Readiness.READ_CLOSED,
                4L, Readiness.READABLE,
                5L, Readiness.WRITABLE), poll());
    }

    @Test
    void addingAnInterestCancelsAndResubmits() throws IOException {
        register(1, 11, Interest.READABLE);
        poll();
        assertEquals(0, afd.pendingEvents(1) & AFD_POLL_SEND);
        selector.reregister(1, 11, Interest.READABLE.add(Interest.WRITABLE), Trigger.EDGE);
        assertEquals(0, afd.cancels, "queued: nothing is cancelled before the next poll");
        assertEquals(Map.of(), poll()); // cancels; the cancelled completion is not an event
        assertEquals(1, afd.cancels);
        assertEquals(Map.of(), poll()); // dequeues the STATUS_CANCELLED completion, resubmits
        assertTrue((afd.pendingEvents(1) & AFD_POLL_SEND) != 0, "resubmitted with SEND");
        afd.setReady(1, AFD_POLL_SEND);
        assertEquals(Map.of(11L, Readiness.WRITABLE), poll());
    }

    @Test
    void removingAnInterestKeepsTheRequestAndFiltersItsCompletion() throws IOException {
        register(1, 11, Interest.READABLE.add(Interest.WRITABLE));
        poll();
        selector.reregister(1, 12, Interest.WRITABLE, Trigger.EDGE);
        poll();
        assertEquals(0, afd.cancels, "the pending request already covers WRITABLE");
        afd.setReady(1, AFD_POLL_RECEIVE);
        assertEquals(Map.of(), poll(), "RECEIVE is no longer wanted");
        assertEquals(Map.of(), poll());
        assertEquals(0, afd.pendingEvents(1) & AFD_POLL_RECEIVE, "resubmitted without RECEIVE");
        afd.setReady(1, AFD_POLL_SEND);
        assertEquals(Map.of(12L, Readiness.WRITABLE), poll(), "the new token");
    }

    @Test
    void deregisterCancelsAndFreesAtTheCancelledCompletion() throws IOException {
        register(1, 11, Interest.READABLE);
        poll();
        assertEquals(1, afd.pendingRequests());
        selector.deregister(1);
        assertEquals(1, afd.cancels);
        assertEquals(1, selector.slotsInUse(), "the kernel may still write the request's memory");
        assertEquals(1, afd.openAfdHandles());
        afd.setReady(1, AFD_POLL_RECEIVE);
        assertEquals(Map.of(), poll(), "no event after deregistration");
        assertEquals(0, selector.slotsInUse());
        assertEquals(0, afd.openAfdHandles(), "the group's last member is gone: its handle closes");
        // Registering again works, with a fresh state.
        register(1, 13, Interest.READABLE);
        assertEquals(Map.of(13L, Readiness.READABLE), poll());
    }

    @Test
    void deregisterBeforeSubmissionFreesAtOnce() throws IOException {
        register(1, 11, Interest.READABLE);
        selector.deregister(1);
        assertEquals(0, selector.slotsInUse());
        afd.setReady(1, AFD_POLL_RECEIVE);
        assertEquals(Map.of(), poll());
        assertEquals(0, afd.polls, "nothing was submitted for the deregistered socket");
    }

    @Test
    void deregisterAfterTheRequestCompletedButBeforeItWasDequeued() throws IOException {
        register(1, 11, Interest.READABLE);
        poll();
        afd.hold();
        afd.setReady(1, AFD_POLL_RECEIVE); // completed in the kernel, not yet dequeued
        selector.deregister(1);
        assertEquals(0, afd.cancels, "its IO_STATUS_BLOCK is no longer STATUS_PENDING: nothing to cancel");
        assertEquals(1, selector.slotsInUse());
        afd.release();
        assertEquals(Map.of(), poll(), "the completion of a deregistered socket is no event");
        assertEquals(0, selector.slotsInUse());
    }

    @Test
    void cancelRacingWithCompletionReportsTheEventAndResubmits() throws IOException {
        register(1, 11, Interest.READABLE);
        poll();
        afd.hold();
        afd.setReady(1, AFD_POLL_RECEIVE);
        selector.reregister(1, 11, Interest.READABLE.add(Interest.WRITABLE), Trigger.EDGE);
        assertEquals(Map.of(), poll());
        assertEquals(0, afd.cancels, "already completed: NtCancelIoFileEx is not called");
        afd.release();
        assertEquals(Map.of(11L, Readiness.READABLE), poll());
        poll();
        assertTrue((afd.pendingEvents(1) & AFD_POLL_SEND) != 0);
    }

    @Test
    void reorderedCompletionsReachTheirOwnSockets() throws IOException {
        for (int fd = 1; fd <= 5; fd++) {
            register(fd, 100 + fd, fd % 2 == 0 ? Interest.WRITABLE : Interest.READABLE);
        }
        poll();
        afd.hold();
        for (int fd = 1; fd <= 5; fd++) {
            afd.setReady(fd, fd % 2 == 0 ? AFD_POLL_SEND : AFD_POLL_RECEIVE);
        }
        selector.deregister(3); // its completion is held: it arrives for a deregistered socket
        afd.release(4, 2, 0, 3, 1);
        assertEquals(Map.of(101L, Readiness.READABLE, 102L, Readiness.WRITABLE, 104L, Readiness.WRITABLE,
                105L, Readiness.READABLE), poll());
    }

    @Test
    void cancelledCompletionsInterleavedWithEvents() throws IOException {
        for (int fd = 1; fd <= 10; fd++) {
            register(fd, fd, Interest.READABLE);
        }
        poll();
        for (int fd = 1; fd <= 10; fd += 2) {
            selector.reregister(fd, fd, Interest.READABLE.add(Interest.WRITABLE), Trigger.EDGE);
        }
        poll(); // cancels the odd ones; their STATUS_CANCELLED completions are queued
        for (int fd = 2; fd <= 10; fd += 2) {
            afd.setReady(fd, AFD_POLL_RECEIVE);
        }
        assertEquals(Map.of(2L, Readiness.READABLE, 4L, Readiness.READABLE, 6L, Readiness.READABLE,
                8L, Readiness.READABLE, 10L, Readiness.READABLE), poll());
        for (int fd = 1; fd <= 10; fd += 2) {
            afd.setReady(fd, AFD_POLL_SEND);
        }
        assertEquals(Map.of(1L, Readiness.WRITABLE, 3L, Readiness.WRITABLE, 5L, Readiness.WRITABLE,
                7L, Readiness.WRITABLE, 9L, Readiness.WRITABLE), poll());
    }

    @Test
    void aForeignCompletionIsIgnored() throws IOException {
        register(1, 11, Interest.READABLE);
        poll();
        afd.inject(new SimulatedAfd.Completion(0, 0xDEAD0L, 0));
        afd.setReady(1, AFD_POLL_RECEIVE);
        assertEquals(Map.of(11L, Readiness.READABLE), poll());
    }

    @Test
    void pollGroupsHoldThirtyTwoSocketsEach() throws IOException {
        for (int fd = 1; fd <= 33; fd++) {
            register(fd, fd, Interest.READABLE);
        }
        assertEquals(2, selector.afdHandles());
        assertEquals(2, afd.afdOpened);
        poll();
        for (int fd = 1; fd <= 33; fd++) {
            selector.deregister(fd);
        }
        assertEquals(2, selector.afdHandles(), "kept until the cancelled requests complete");
        poll();
        assertEquals(0, selector.afdHandles());
        assertEquals(0, selector.slotsInUse());
        register(1, 1, Interest.READABLE);
        assertEquals(1, selector.afdHandles());
    }

    @Test
    void aSocketClosedWhileRegisteredIsForgotten() throws IOException {
        register(1, 11, Interest.READABLE);
        register(2, 12, Interest.READABLE);
        poll();
        afd.closeSocket(1);
        assertEquals(Map.of(), poll(), "AFD_POLL_LOCAL_CLOSE is no event");
        assertEquals(1, selector.slotsInUse());
        assertThrows(OsException.class, () -> selector.deregister(1), "already forgotten");
        // A closed socket found at submission (STATUS_INVALID_HANDLE) is forgotten as well.
        selector.reregister(2, 12, Interest.WRITABLE, Trigger.EDGE);
        afd.setReady(2, AFD_POLL_SEND);
        poll();
        afd.clearReady(2, AFD_POLL_SEND);
        afd.closeSocket(2);
        assertEquals(Map.of(), poll());
        assertEquals(0, selector.slotsInUse());
    }

    @Test
    void registerWhileAnotherThreadPollsSubmitsAtOnce() throws Exception {
        CompletableFuture<Map<Long, Integer>> polled = pollInBackground();
        afd.setReady(7, AFD_POLL_RECEIVE);
        register(7, 77, Interest.READABLE);
        assertEquals(Map.of(77L, Readiness.READABLE), polled.get(10, TimeUnit.SECONDS));
    }

    @Test
    void registerWhilePollingFailsOnlyForItsOwnSocketAndLeavesNothingBehind() throws Exception {
        CompletableFuture<Map<Long, Integer>> polled = pollInBackground();
        afd.failNextPollsOf(1, 2);
        OsException e = assertThrows(OsException.class, () -> register(1, 11, Interest.READABLE));
        assertEquals("IOCTL_AFD_POLL", e.call());
        assertEquals(0, selector.slotsInUse(), "the failed registration is rolled back");
        assertEquals(0, selector.afdHandles());
        // Socket 1's request would fail again; registering socket 2 must not submit it.
        afd.setReady(2, AFD_POLL_RECEIVE);
        register(2, 12, Interest.READABLE);
        assertEquals(Map.of(12L, Readiness.READABLE), polled.get(10, TimeUnit.SECONDS));
        afd.failNextPollsOf(1, 0);
        register(1, 11, Interest.READABLE); // not left registered by the failed attempt
        afd.setReady(1, AFD_POLL_RECEIVE);
        assertEquals(Map.of(11L, Readiness.READABLE), poll());
    }

    @Test
    void deregisterDuringPollCancelsAndTheWaitGoesOn() throws Exception {
        register(1, 11, Interest.READABLE);
        poll();
        SelectorWaker waker = selector.openWaker(99);
        CompletableFuture<Map<Long, Integer>> polled = pollInBackground();
        selector.deregister(1);
        // The cancelled completion wakes the polling thread, which frees the state and, having no
        // event, waits again until the waker's packet.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (selector.slotsInUse() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, selector.slotsInUse());
        assertTrue(!polled.isDone(), "an infinite wait returned with no event");
        waker.wake();
        assertEquals(Map.of(99L, Readiness.READABLE), polled.get(10, TimeUnit.SECONDS));
    }

    @Test
    void wakerPostsItsToken() throws Exception {
        SelectorWaker waker = selector.openWaker(Long.MAX_VALUE);
        assertEquals(Map.of(), poll());
        waker.wake();
        assertEquals(Map.of(Long.MAX_VALUE, Readiness.READABLE), poll());
        assertEquals(Map.of(), poll());
        CompletableFuture<Map<Long, Integer>> polled = pollInBackground();
        waker.wake();
        assertEquals(Map.of(Long.MAX_VALUE, Readiness.READABLE), polled.get(10, TimeUnit.SECONDS));
    }

    @Test
    void interruptEndsAnInfiniteWaitWithNoEvent() throws Exception {
        CompletableFuture<Map<Long, Integer>> polled = pollInBackground();
        selector.implInterrupt();
        assertEquals(Map.of(), polled.get(10, TimeUnit.SECONDS));
    }

    @Test
    void whatWindowsCannotDoFailsNamingThePlatform() {
        UnsupportedOperationException level = assertThrows(UnsupportedOperationException.class,
                () -> selector.register(1, 1, Interest.READABLE, Trigger.LEVEL));
        assertTrue(level.getMessage().contains("level") && level.getMessage().contains("Windows"), level.getMessage());
        UnsupportedOperationException oneshot = assertThrows(UnsupportedOperationException.class,
                () -> selector.register(1, 1, Interest.READABLE, Trigger.ONESHOT));
        assertTrue(oneshot.getMessage().contains("oneshot") && oneshot.getMessage().contains("Windows"));
        UnsupportedOperationException priority = assertThrows(UnsupportedOperationException.class,
                () -> selector.register(1, 1, Interest.PRIORITY, Trigger.EDGE));
        assertTrue(priority.getMessage().contains("PRIORITY") && priority.getMessage().contains("Windows"));
        UnsupportedOperationException notSocket = assertThrows(UnsupportedOperationException.class,
                () -> selector.register(1000, 1, Interest.READABLE, Trigger.EDGE));
        assertTrue(notSocket.getMessage().contains("not a socket"), notSocket.getMessage());
        assertEquals(0, selector.slotsInUse());
    }

    @Test
    void misuseGetsTheWindowsErrorNames() throws IOException {
        register(1, 11, Interest.READABLE);
        OsException twice = assertThrows(OsException.class, () -> register(1, 12, Interest.READABLE));
        assertEquals("ERROR_ALREADY_EXISTS", twice.codeName());
        OsException missing = assertThrows(OsException.class, () -> selector.deregister(2));
        assertEquals("ERROR_NOT_FOUND", missing.codeName());
        OsException missingRe = assertThrows(OsException.class,
                () -> selector.reregister(2, 1, Interest.READABLE, Trigger.EDGE));
        assertEquals("ERROR_NOT_FOUND", missingRe.codeName());
    }

    @Test
    void aFailedSubmissionIsThrownAndRetried() throws IOException {
        register(1, 11, Interest.READABLE);
        afd.failNextPolls(1);
        OsException e = assertThrows(OsException.class, this::poll);
        assertEquals("IOCTL_AFD_POLL", e.call());
        assertEquals("STATUS_INVALID_PARAMETER", e.codeName());
        afd.setReady(1, AFD_POLL_RECEIVE);
        assertEquals(Map.of(11L, Readiness.READABLE), poll(), "still queued: the next poll submits it");
    }

    @Test
    void aFailedCloseHandleLosesNoCompletionDequeuedWithIt() throws IOException {
        for (int fd = 1; fd <= 33; fd++) {
            register(fd, fd, Interest.READABLE);
        }
        poll();
        afd.hold();
        afd.closeSocket(33); // alone in the second AFD group: freeing it closes that handle
        afd.setReady(1, AFD_POLL_RECEIVE);
        afd.release(0, 1);
        afd.failNextCloses(1);
        OsException e = assertThrows(OsException.class, this::poll);
        assertEquals("CloseHandle", e.call());
        assertEquals(32, selector.slotsInUse(), "the closed socket's slot is freed");
        assertEquals(1, selector.afdHandles());
        // Socket 1's completion was processed too: its request is watched again after would-block.
        selector.wouldBlock(1, 1, Interest.READABLE);
        assertEquals(Map.of(1L, Readiness.READABLE), poll());
    }

    @Test
    void aFailedCloseHandleStillClosesTheRestOnClose() throws IOException {
        for (int fd = 1; fd <= 33; fd++) {
            register(fd, fd, Interest.READABLE);
        }
        poll();
        afd.failNextCloses(1);
        OsException e = assertThrows(OsException.class, selector::close);
        assertEquals("CloseHandle", e.call());
        assertEquals(0, afd.openAfdHandles());
        assertEquals(0, afd.openPorts(), "the port is closed after a failed AFD handle close");
    }

    @Test
    void closeCancelsEverythingAndWaitsForTheCompletions() throws IOException {
        for (int fd = 1; fd <= 10; fd++) {
            register(fd, fd, Interest.READABLE);
        }
        poll();
        assertEquals(10, afd.pendingRequests());
        selector.close();
        assertEquals(0, afd.pendingRequests());
        assertEquals(10, afd.cancels);
        // @AfterEach checks: no handle open, no slot held, no misuse.
    }

    @Test
    void oneEventPerSocketAndPollEvenWhenMoreCompletionsArrive() throws IOException {
        register(1, 11, Interest.READABLE.add(Interest.WRITABLE));
        poll();
        afd.setReady(1, AFD_POLL_RECEIVE);
        // The request completed with RECEIVE; the resubmitted one (SEND only wanted now) completes at
        // once when the socket also becomes writable.
        afd.setReady(1, AFD_POLL_SEND);
        assertEquals(Map.of(11L, Readiness.READABLE), poll());
        assertEquals(Map.of(11L, Readiness.WRITABLE), poll());
        assertEquals(Map.of(), poll());
    }

    @Test
    void localCloseBitIsAlwaysWatched() throws IOException {
        register(1, 11, Interest.WRITABLE);
        poll();
        assertTrue((afd.pendingEvents(1) & AFD_POLL_LOCAL_CLOSE) != 0);
        assertEquals(0, afd.pendingEvents(1) & AFD_POLL_RECEIVE);
    }

    /** Starts an infinite poll on another thread and returns once it waits in the driver. */
    private CompletableFuture<Map<Long, Integer>> pollInBackground() throws InterruptedException {
        int before = afd.dequeues;
        CompletableFuture<Map<Long, Integer>> polled = CompletableFuture.supplyAsync(() -> {
            try {
                return poll(-1);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (afd.dequeues == before && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        Thread.sleep(20); // let it block in the simulated wait
        return polled;
    }
}
