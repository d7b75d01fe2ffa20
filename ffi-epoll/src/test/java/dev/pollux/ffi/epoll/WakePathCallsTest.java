package dev.pollux.ffi.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * The two calls of the waker's round trip skip errno capture on success and learn errno by
 * repeating a failed call ({@link EventFd#increment}, {@link Epoll#await}): failures must still
 * come back as the right {@code -errno}, and successes must do exactly what the plain call does.
 */
class WakePathCallsTest {
    private static long counter(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(Long.BYTES);
            assertEquals(Long.BYTES, Fd.read(fd, value, Long.BYTES));
            return value.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    private static int eventFd() {
        int fd = EventFd.create(0, EventFd.CLOEXEC | EventFd.NONBLOCK);
        assertEquals(true, fd >= 0, () -> "eventfd: " + Errno.name(-fd));
        return fd;
    }

    @Test
    void incrementAddsOne() {
        int fd = eventFd();
        try {
            assertEquals(0, EventFd.increment(fd));
            assertEquals(0, EventFd.increment(fd));
            assertEquals(2, counter(fd));
        } finally {
            Fd.close(fd);
        }
    }

    @Test
    void incrementAtTheMaximumFailsWithEagainAndChangesNothing() {
        int fd = eventFd();
        try {
            long max = 0xffff_ffff_ffff_fffeL; // the largest value an eventfd holds
            assertEquals(0, EventFd.add(fd, max));
            assertEquals(-Errno.EAGAIN, EventFd.increment(fd));
            assertEquals(max, counter(fd));
            assertEquals(0, EventFd.increment(fd), "room again after the reset");
        } finally {
            Fd.close(fd);
        }
    }

    @Test
    void incrementOnAClosedDescriptorNamesEbadf() {
        int fd = eventFd();
        Fd.close(fd);
        assertEquals(-Errno.EBADF, EventFd.increment(fd));
    }

    @Test
    void awaitReturnsWhatIsReady() {
        int ep = Epoll.create(Epoll.CLOEXEC);
        int fd = eventFd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(Epoll.EVENT_SIZE * 4, Epoll.EVENT_ALIGNMENT);
            assertEquals(0, Epoll.ctl(ep, Epoll.CTL_ADD, fd, Epoll.EPOLLIN | Epoll.EPOLLET, 42));
            assertEquals(0, Epoll.await(ep, events, 4, 0));
            assertEquals(0, EventFd.increment(fd));
            assertEquals(1, Epoll.await(ep, events, 4, -1));
            assertEquals(42, Epoll.data(events, 0));
            assertEquals(Epoll.EPOLLIN, Epoll.events(events, 0) & Epoll.EPOLLIN);
        } finally {
            Fd.close(fd);
            Fd.close(ep);
        }
    }

    @Test
    void awaitFailuresNameTheirErrnoEvenWhenItWouldBlock() {
        int ep = Epoll.create(Epoll.CLOEXEC);
        int fd = eventFd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(Epoll.EVENT_SIZE * 4, Epoll.EVENT_ALIGNMENT);
            assertEquals(-Errno.EINVAL, Epoll.await(ep, events, 0, -1), "no room for events");
            assertEquals(-Errno.EINVAL, Epoll.await(fd, events, 4, -1), "not an epoll descriptor");
            Fd.close(ep);
            assertEquals(-Errno.EBADF, Epoll.await(ep, events, 4, -1), "closed descriptor");
        } finally {
            Fd.close(fd);
        }
    }
}
