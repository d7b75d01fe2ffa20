package dev.pollux.ffi.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The raw ring: setup and mapping, SQE preparation, completions, the wait with a timeout. */
class IoUringTest {
    private final IoUring ring = new IoUring();
    private int efd = -1;

    @BeforeEach
    void setUp() {
        int r = ring.setup(8, 16, 0);
        assertEquals(0, r, () -> ring.failedCall() + ": " + Errno.name(-r));
        efd = EventFd.create(0, EventFd.CLOEXEC | EventFd.NONBLOCK);
        assertTrue(efd >= 0);
    }

    @AfterEach
    void tearDown() {
        Fd.close(efd);
        assertEquals(0, ring.close());
        assertEquals(-1, ring.fd());
        assertEquals(0, ring.close(), "close is idempotent");
    }

    @Test
    void sizesArePowersOfTwoAndFeaturesAreReported() {
        assertEquals(8, ring.sqEntries());
        assertEquals(16, ring.cqEntries());
        assertTrue((ring.features() & IoUring.FEAT_SINGLE_MMAP) != 0, "every kernel since 5.4 maps both rings at once");
    }

    @Test
    void nopCompletesWithItsUserData() {
        assertTrue(ring.prepNop(0x1234_5678_9abcL));
        assertEquals(1, ring.sqPending());
        assertEquals(1, ring.submit(1));
        assertEquals(0, ring.sqPending());
        assertEquals(1, ring.cqReady());
        int head = ring.cqHead();
        assertEquals(0x1234_5678_9abcL, ring.cqeUserData(head));
        assertEquals(0, ring.cqeResult(head));
        ring.advanceCq(head + 1);
        assertEquals(0, ring.cqReady());
    }

    @Test
    void fullSubmissionQueueRefusesMore() {
        for (int i = 0; i < ring.sqEntries(); i++) {
            assertTrue(ring.prepNop(i));
        }
        assertFalse(ring.sqHasRoom());
        assertFalse(ring.prepNop(99), "no slot: nothing written");
        assertEquals(ring.sqEntries(), ring.submit(ring.sqPending()));
        assertTrue(ring.sqHasRoom());
        ring.advanceCq(ring.cqTail());
    }

    @Test
    void waitTimesOutWithEtime() {
        long start = System.nanoTime();
        assertEquals(-Errno.ETIME, ring.submitAndWait(0, 20_000_000L));
        assertTrue(System.nanoTime() - start >= 15_000_000L, "returned before the timeout");
    }

    @Test
    void multishotPollCompletesOnEveryWakeAndStaysArmed() {
        assertTrue(ring.prepPollAdd(efd, Epoll.EPOLLIN, IoUring.POLL_ADD_MULTI, 7));
        assertEquals(1, ring.submit(1));
        assertEquals(0, ring.cqReady(), "not readable yet");
        for (int wake = 0; wake < 2; wake++) {
            assertEquals(0, EventFd.add(efd, 1));
            assertTrue(ring.submitAndWait(0, 5_000_000_000L) >= 0 || ring.cqReady() > 0);
            int head = ring.cqHead();
            assertEquals(1, ring.cqReady());
            assertEquals(7, ring.cqeUserData(head));
            assertTrue((ring.cqeResult(head) & Epoll.EPOLLIN) != 0);
            assertTrue((ring.cqeFlags(head) & IoUring.CQE_F_MORE) != 0, "multishot stays armed");
            ring.advanceCq(head + 1);
        }
        assertTrue(ring.prepPollRemove(7, 8, 0));
        assertEquals(1, ring.submit(1));
        ring.submitAndWait(0, 1_000_000_000L);
        boolean removed = false;
        boolean cancelled = false;
        for (int i = ring.cqHead(); i != ring.cqTail(); i++) {
            removed |= ring.cqeUserData(i) == 8 && ring.cqeResult(i) == 0;
            cancelled |= ring.cqeUserData(i) == 7 && ring.cqeResult(i) == -Errno.ECANCELED;
        }
        assertTrue(removed && cancelled, "the removal and the cancelled poll both complete");
    }

    @Test
    void pollOnAClosedDescriptorFailsWithEbadfInItsCompletion() {
        int fd = EventFd.create(0, EventFd.CLOEXEC);
        Fd.close(fd);
        assertTrue(ring.prepPollAdd(fd, Epoll.EPOLLIN, 0, 3));
        assertEquals(1, ring.submit(1));
        int head = ring.cqHead();
        assertEquals(1, ring.cqReady(), "the failure is posted before io_uring_enter returns");
        assertEquals(3, ring.cqeUserData(head));
        assertEquals(-Errno.EBADF, ring.cqeResult(head));
    }

    /**
     * The setup a single polling thread wants (Linux 6.1): the ring takes submissions only once
     * enabled, then only from the thread that enabled it, and a poll request's completion work
     * waits on the ring until that thread asks for events.
     */
    @Test
    void aDeferredRingTakesSubmissionsOnlyFromTheThreadThatEnabledIt() throws Exception {
        IoUring deferred = new IoUring();
        int flags = IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN | IoUring.SETUP_R_DISABLED;
        int r = deferred.setup(8, 16, flags);
        if (!kernelAtLeast(6, 1)) {
            assertEquals(-Errno.EINVAL, r, "DEFER_TASKRUN exists from Linux 6.1");
            return;
        }
        assertEquals(0, r, () -> deferred.failedCall() + ": " + Errno.name(-r));
        try {
            assertTrue(deferred.prepPollAdd(efd, Epoll.EPOLLIN, IoUring.POLL_ADD_MULTI, 7));
            assertTrue(deferred.submit(1) < 0, "a disabled ring refuses submissions (EBADFD)");
            assertEquals(1, deferred.sqPending(), "and leaves them in the ring");
            assertEquals(0, deferred.enableRings());
            int[] elsewhere = {0};
            Thread other = Thread.ofPlatform().start(() -> elsewhere[0] = deferred.submit(1));
            other.join();
            assertEquals(-Errno.EEXIST, elsewhere[0], "only the enabling thread submits");
            assertEquals(1, deferred.submit(1));
            assertEquals(0, EventFd.add(efd, 1));
            assertEquals(0, deferred.cqReady(), "the wake-up's completion work waits for this thread");
            assertEquals(0, deferred.getEvents());
            assertEquals(1, deferred.cqReady(), "asking for events ran it");
            assertEquals(7, deferred.cqeUserData(deferred.cqHead()));
        } finally {
            assertEquals(0, deferred.close());
        }
    }

    private static boolean kernelAtLeast(int major, int minor) {
        String[] version = System.getProperty("os.version").split("[.-]");
        int runningMajor = Integer.parseInt(version[0]);
        int runningMinor = Integer.parseInt(version[1]);
        return runningMajor > major || (runningMajor == major && runningMinor >= minor);
    }
}
