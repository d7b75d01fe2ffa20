package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.ffi.epoll.Errno;
import dev.pollux.ffi.epoll.EventFd;
import dev.pollux.ffi.epoll.Fd;
import dev.pollux.ffi.epoll.TimerFd;
import dev.pollux.unix.SourceFd;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Raw descriptors registered through {@link SourceFd}: their events, and the OS errors passed through. */
class SourceFdTest {
    private final java.util.List<Integer> toClose = new java.util.ArrayList<>();

    @AfterEach
    void closeFds() {
        for (int fd : toClose) {
            Fd.close(fd);
        }
    }

    private int eventFd() {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.EVENTFD_BUG);
        int fd = EventFd.create(0, EventFd.NONBLOCK | EventFd.CLOEXEC);
        assertTrue(fd >= 0, "eventfd failed: " + Errno.name(-fd));
        toClose.add(fd);
        return fd;
    }

    private int timerFd() {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.EVENTFD_BUG);
        int fd = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.NONBLOCK | TimerFd.CLOEXEC);
        assertTrue(fd >= 0, "timerfd_create failed: " + Errno.name(-fd));
        toClose.add(fd);
        return fd;
    }

    @Test
    void eventFdBecomesReadableWithItsToken() throws Exception {
        int fd = eventFd();
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(8);
            SourceFd source = new SourceFd(fd);
            assertEquals(fd, source.fd());
            poll.registry().register(source, 42, Interest.READABLE);
            assertEquals(0, poll.poll(events, Duration.ZERO), "nothing written yet");

            assertEquals(0, EventFd.add(fd, 1));
            assertEquals(1, poll.poll(events, TestSupport.PATIENCE));
            assertEquals(42, events.token(0));
            assertTrue(events.isReadable(0));
            assertFalse(events.isWritable(0));
            assertFalse(events.isError(0));

            // Drained, it is not reported again.
            assertEquals(0, EventFd.reset(fd));
            assertEquals(0, poll.poll(events, Duration.ZERO));
            poll.registry().deregister(source);
        }
    }

    @Test
    void eventFdWritableAndReadableTogether() throws Exception {
        int fd = eventFd();
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(8);
            SourceFd source = new SourceFd(fd);
            poll.registry().register(source, 3, Interest.READABLE.add(Interest.WRITABLE), Trigger.LEVEL);
            assertEquals(1, poll.poll(events, TestSupport.PATIENCE));
            assertEquals(3, events.token(0));
            assertTrue(events.isWritable(0), "an eventfd below its maximum is writable");
            assertFalse(events.isReadable(0), "counter is zero");

            assertEquals(0, EventFd.add(fd, 5));
            // epoll reports both directions in one event; kqueue one event per filter, both with
            // the source's token (as mio's kqueue selector does).
            int expected = KqueueSupport.onKqueue() ? 2 : 1;
            assertEquals(expected, poll.poll(events, TestSupport.PATIENCE));
            boolean readable = false;
            boolean writable = false;
            for (int i = 0; i < expected; i++) {
                assertEquals(3, events.token(i));
                readable |= events.isReadable(i);
                writable |= events.isWritable(i);
            }
            assertTrue(writable);
            assertTrue(readable);
        }
    }

    @Test
    void reregisterChangesTheToken() throws Exception {
        int fd = eventFd();
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(8);
            SourceFd source = new SourceFd(fd);
            poll.registry().register(source, 1, Interest.READABLE);
            poll.registry().reregister(source, 2, Interest.READABLE);
            assertEquals(0, EventFd.add(fd, 1));
            assertEquals(1, poll.poll(events, TestSupport.PATIENCE));
            assertEquals(2, events.token(0));
        }
    }

    @Test
    void noEventAfterDeregister() throws Exception {
        int fd = eventFd();
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(8);
            SourceFd source = new SourceFd(fd);
            poll.registry().register(source, 1, Interest.READABLE);
            poll.registry().deregister(source);
            assertEquals(0, EventFd.add(fd, 1));
            assertEquals(0, poll.poll(events, Duration.ofMillis(50)));
        }
    }

    @Test
    void timerFdFiresAfterBeingArmed() throws Exception {
        int fd = timerFd();
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(new SourceFd(fd), 77, Interest.READABLE);
            assertEquals(0, poll.poll(events, Duration.ofMillis(20)), "a disarmed timer does not fire");

            assertEquals(0, TimerFd.set(fd, 0, Duration.ofMillis(10).toNanos(), 0));
            assertTrue(TestSupport.pollFor(poll, events, 77), "armed timer did not fire within " + TestSupport.PATIENCE);
            assertEquals(1, events.size());
            assertTrue(events.isReadable(0));
            // Reading the expiry count drains it.
            assertEquals(0, EventFd.reset(fd));
            assertEquals(-Errno.EAGAIN, EventFd.reset(fd));
        }
    }

    @Test
    void periodicTimerFdFiresRepeatedly() throws Exception {
        int fd = timerFd();
        try (Poll poll = Poll.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(new SourceFd(fd), 5, Interest.READABLE);
            long period = Duration.ofMillis(5).toNanos();
            assertEquals(0, TimerFd.set(fd, 0, period, period));
            for (int i = 0; i < 3; i++) {
                assertTrue(TestSupport.pollFor(poll, events, 5), "expiry " + i + " not reported");
                assertEquals(0, EventFd.reset(fd), "readable event, but nothing to read");
            }
        }
    }

    @Test
    void doubleRegisterIsEexistOnEpollAndAnUpdateOnKqueue() throws Exception {
        int fd = eventFd();
        try (Poll poll = Poll.open()) {
            SourceFd source = new SourceFd(fd);
            poll.registry().register(source, 1, Interest.READABLE);
            if (KqueueSupport.onKqueue()) {
                // Adding a filter that exists updates it (kqueue has no EEXIST): READ now has
                // token 2; another SourceFd for the same descriptor adds WRITE with token 3.
                poll.registry().register(source, 2, Interest.READABLE);
                poll.registry().register(new SourceFd(fd), 3, Interest.WRITABLE, Trigger.LEVEL);
                Events events = Events.withCapacity(8);
                assertEquals(1, poll.poll(events, TestSupport.PATIENCE));
                assertEquals(3, events.token(0));
                assertTrue(events.isWritable(0));
                assertEquals(0, EventFd.add(fd, 1));
                assertTrue(TestSupport.pollFor(poll, events, 2), "READ did not report the updated token");
                for (int i = 0; i < events.size(); i++) {
                    assertTrue(events.token(i) == 2 || events.token(i) == 3, events.toString());
                }
                return;
            }
            assertOsError("EEXIST", Errno.EEXIST, KqueueSupport.registrationCall(), () -> poll.registry().register(source, 2, Interest.READABLE));
            // Another SourceFd for the same descriptor is the same registration as far as the OS knows.
            assertOsError("EEXIST", Errno.EEXIST, KqueueSupport.registrationCall(),
                    () -> poll.registry().register(new SourceFd(fd), 3, Interest.WRITABLE, Trigger.LEVEL));
        }
    }

    @Test
    void reregisterAndDeregisterOfAnUnregisteredFdAreEnoent() throws Exception {
        int fd = eventFd();
        try (Poll poll = Poll.open()) {
            SourceFd source = new SourceFd(fd);
            assertOsError("ENOENT", Errno.ENOENT, KqueueSupport.changeCall(), () -> poll.registry().reregister(source, 1, Interest.READABLE));
            assertOsError("ENOENT", Errno.ENOENT, KqueueSupport.changeCall(), () -> poll.registry().deregister(source));

            // And again after a registration has come and gone.
            poll.registry().register(source, 1, Interest.READABLE);
            poll.registry().deregister(source);
            assertOsError("ENOENT", Errno.ENOENT, KqueueSupport.changeCall(), () -> poll.registry().deregister(source));
            assertOsError("ENOENT", Errno.ENOENT, KqueueSupport.changeCall(),
                    () -> poll.registry().reregister(source, 1, Interest.READABLE, Trigger.ONESHOT));
        }
    }

    @Test
    void registeredWithOnePollIsNotRegisteredWithAnother() throws Exception {
        int fd = eventFd();
        try (Poll first = Poll.open(); Poll second = Poll.open()) {
            SourceFd source = new SourceFd(fd);
            first.registry().register(source, 1, Interest.READABLE);
            assertOsError("ENOENT", Errno.ENOENT, KqueueSupport.changeCall(), () -> second.registry().deregister(source));
            // A raw descriptor may be in several epoll sets: the OS allows it, SourceFd passes it through.
            second.registry().register(source, 2, Interest.READABLE);
            assertEquals(0, EventFd.add(fd, 1));
            Events events = Events.withCapacity(4);
            assertEquals(1, first.poll(events, TestSupport.PATIENCE));
            assertEquals(1, events.token(0));
            assertEquals(1, second.poll(events, TestSupport.PATIENCE));
            assertEquals(2, events.token(0));
        }
    }

    /** EBADF; libkqueue reports a bad descriptor as EFAULT, and deleting its filters as ENOENT. */
    @Test
    void closedFdIsEbadf() throws Exception {
        String bad = KqueueSupport.badDescriptorError();
        int badCode = bad.equals("EFAULT") ? Errno.EFAULT : Errno.EBADF;
        try (Poll poll = Poll.open()) {
            // Closed after the Poll opened, so that the number is not reused by the epoll descriptor.
            // (Another thread could in theory reuse it at once; a JUnit run is quiet enough.)
            int fd = EventFd.create(0, EventFd.NONBLOCK | EventFd.CLOEXEC);
            assertTrue(fd >= 0);
            assertEquals(0, Fd.close(fd));
            assertOsError(bad, badCode, KqueueSupport.registrationCall(), () -> poll.registry().register(new SourceFd(fd), 1, Interest.READABLE));
            // A number far beyond any open descriptor.
            assertOsError(bad, badCode, KqueueSupport.registrationCall(),
                    () -> poll.registry().register(new SourceFd(Integer.MAX_VALUE), 1, Interest.READABLE));
            if (KqueueSupport.onLibkqueue()) {
                assertOsError("ENOENT", Errno.ENOENT, KqueueSupport.changeCall(), () -> poll.registry().deregister(new SourceFd(Integer.MAX_VALUE)));
            } else {
                assertOsError("EBADF", Errno.EBADF, KqueueSupport.changeCall(), () -> poll.registry().deregister(new SourceFd(Integer.MAX_VALUE)));
            }
        }
    }

    /**
     * epoll refuses regular files (EPERM); kqueue's READ filter reports them readable, and so does
     * an io_uring poll request (as poll(2) does).
     */
    @Test
    void regularFileIsEpermOnEpollAndReadableOnKqueue(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("regular.txt"), "epoll cannot watch me");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Poll poll = Poll.open()) {
            int fd = TestSupport.rawFdOf(file);
            if (KqueueSupport.onKqueue() || KqueueSupport.onIoUring()) {
                poll.registry().register(new SourceFd(fd), 1, Interest.READABLE);
                Events events = Events.withCapacity(4);
                assertEquals(1, poll.poll(events, TestSupport.PATIENCE));
                assertEquals(1, events.token(0));
                assertTrue(events.isReadable(0));
                poll.registry().deregister(new SourceFd(fd));
            } else {
                assertOsError("EPERM", Errno.EPERM, KqueueSupport.registrationCall(), () -> poll.registry().register(new SourceFd(fd), 1, Interest.READABLE));
            }
            assertTrue(channel.isOpen(), "the failed registration must not close the caller's descriptor");
        }
    }

    @Test
    void negativeFdIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SourceFd(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SourceFd(Integer.MIN_VALUE));
    }

    @Test
    void osErrorsLeaveThePollUsable() throws Exception {
        int fd = eventFd();
        try (Poll poll = Poll.open()) {
            SourceFd source = new SourceFd(fd);
            assertThrows(OsException.class, () -> poll.registry().deregister(source));
            assertThrows(OsException.class, () -> poll.registry().register(new SourceFd(Integer.MAX_VALUE), 9, Interest.READABLE));
            poll.registry().register(source, 4, Interest.READABLE);
            assertEquals(0, EventFd.add(fd, 1));
            Events events = Events.withCapacity(4);
            assertEquals(1, poll.poll(events, TestSupport.PATIENCE));
            assertEquals(4, events.token(0));
        }
    }

    private static void assertOsError(String name, int code, String systemCall, Executable call) {
        OsException e = assertThrows(OsException.class, call);
        assertEquals(name, e.codeName());
        assertEquals(code, e.code());
        assertEquals(systemCall, e.call());
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }
}
