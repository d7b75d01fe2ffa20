package dev.pollux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pollux.ffi.kqueue.Kqueue;
import dev.pollux.ffi.kqueue.KqueuePlatform;
import dev.pollux.internal.Os;
import dev.pollux.net.UnixStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What tests need to know when the suite runs on the kqueue backend ({@code -Dpollux.backend=kqueue}),
 * and the only skips the suite allows: for the bugs of libkqueue releases before 2.4 (Debian's
 * 2.3.1 in CI), fixed upstream in 2.4.0.
 */
public final class KqueueSupport {
    /** libkqueue 2.4.0, the first release the skips do not apply to. */
    private static final long FIXED_IN = 0x02040000L;

    /**
     * libkqueue before 2.4 cannot register an eventfd or a timerfd: it classifies descriptors by
     * fstat's file type, which these have none of, and every failed knote comes back as EFAULT.
     */
    public static final String EVENTFD_BUG = "eventfd and timerfd descriptors cannot be registered (EFAULT: fstat shows"
            + " no file type; fixed in 2.4.0, libkqueue issue #97)";

    /**
     * libkqueue 2.3.1 crashes the process (SIGSEGV, a call through a null pointer inside a
     * waiting {@code kevent}) when other threads change registrations while one thread waits.
     * 2.7.0 passes the test; 2.4.0's changelog lists fixes to knote freeing and locking. Where it
     * does not crash, registrations made by other threads during the wait can be lost: in
     * ConcurrencyTest's many-registrars test, one run in twenty on 2.3.1, the last pipes one thread
     * registered (the highest descriptors) never reported the data written to them.
     */
    public static final String CONCURRENT_CHANGES_CRASH = "changing registrations from other threads while one"
            + " thread waits in kevent crashes the JVM (SIGSEGV in libkqueue's kevent) or loses some of those"
            + " registrations (the crash is not seen with 2.7.0; 2.4.0 fixed knote-freeing and locking races)";

    /**
     * libkqueue before 2.4 adds each filter to epoll on its own, so READ and WRITE for one
     * descriptor collide (epoll's EEXIST, reported as EFAULT).
     */
    public static final String READ_WRITE_BUG = "READ and WRITE for one descriptor fail with EFAULT (each filter is added"
            + " to epoll separately; fixed in 2.4.0, libkqueue issues #29 and #59)";

    private KqueueSupport() {}

    /** Whether tests run on the kqueue backend. */
    public static boolean onKqueue() {
        return Backend.selected() == Backend.KQUEUE;
    }

    /** Whether tests run on the kqueue backend over libkqueue (Linux), not a BSD kernel's kqueue. */
    public static boolean onLibkqueue() {
        return onKqueue() && KqueuePlatform.current() == KqueuePlatform.LIBKQUEUE;
    }

    /** Whether tests run on the io_uring backend ({@code -Dpollux.backend=io_uring}). */
    public static boolean onIoUring() {
        return Backend.selected() == Backend.IO_URING;
    }

    /**
     * The call a failed registration of a raw descriptor reports: the system call on epoll and
     * kqueue, the poll request on io_uring (whose errors come from IORING_OP_POLL_ADD completions).
     */
    public static String registrationCall() {
        return onKqueue() ? "kevent" : onIoUring() ? "IORING_OP_POLL_ADD" : "epoll_ctl";
    }

    /**
     * The call a failed reregistration or deregistration reports: as {@link #registrationCall()},
     * except on io_uring, where changes and removals are IORING_OP_POLL_REMOVE requests.
     */
    public static String changeCall() {
        return onIoUring() ? "IORING_OP_POLL_REMOVE" : registrationCall();
    }

    /**
     * The error registering a closed or never-opened descriptor gives: EBADF, except on libkqueue
     * (2.3.1 to 2.7 at least), which reports it as EFAULT.
     */
    public static String badDescriptorError() {
        return onLibkqueue() ? "EFAULT" : "EBADF";
    }

    /**
     * Descriptors one open Poll holds, as {@link OpenFds#count()} counts them: an epoll
     * descriptor and the eventfd a close from another thread interrupts a poll with, or a kqueue
     * descriptor (on libkqueue the write end of a pipe; the read end, the epoll instance and the
     * eventfds behind it, the interrupt's among them, are libkqueue's and not counted), or the
     * io_uring ring's descriptor and the eventfd that other threads kick a waiting poll with.
     */
    public static int descriptorsPerPoll() {
        return onKqueue() ? 1 : 2;
    }

    /**
     * Descriptors one Waker holds, as {@link OpenFds#count()} counts them: an eventfd on epoll;
     * none on kqueue (an {@code EVFILT_USER} event; libkqueue's eventfd behind it is not counted)
     * nor on io_uring (a flag, and the Poll's kick eventfd).
     */
    public static int descriptorsPerWaker() {
        return onKqueue() || onIoUring() ? 0 : 1;
    }

    /**
     * The loaded libkqueue's version ({@code 0xMMmmpprr}), or -1 when it is older than 2.6 (which
     * added the version query) or this is not libkqueue.
     */
    public static long libkqueueVersion() {
        return Kqueue.load(KqueuePlatform.current(), Os.current().eintr()).libkqueueVersion();
    }

    /**
     * Skips the calling test on libkqueue older than 2.4, whose known bugs it would hit. The
     * version query exists from 2.6; for an older library the bug itself is probed (registering
     * READ and WRITE for one descriptor in one call fails with EFAULT before 2.4).
     *
     * @param bug what the test hits, for the skip message
     */
    public static void assumeLibkqueueWithoutPre24Bugs(String bug) {
        if (!onKqueue() || KqueuePlatform.current() != KqueuePlatform.LIBKQUEUE) {
            return;
        }
        long version = libkqueueVersion();
        boolean old = version >= 0 ? version < FIXED_IN : hasReadWriteEfaultBug();
        assumeTrue(!old, "libkqueue older than 2.4 (" + describe(version) + "): " + bug);
    }

    private static String describe(long version) {
        return version < 0 ? "no version query, so before 2.6; READ+WRITE on one fd fails with EFAULT"
                : String.format("%d.%d.%d", version >>> 24, (version >>> 16) & 0xff, (version >>> 8) & 0xff);
    }

    private static boolean hasReadWriteEfaultBug() {
        try (Poll poll = Poll.open(Backend.KQUEUE); UnixStream.Pair pair = UnixStream.pair()) {
            poll.registry().register(pair.first(), 1, Interest.READABLE.add(Interest.WRITABLE));
            return false;
        } catch (OsException e) {
            return "EFAULT".equals(e.codeName());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
