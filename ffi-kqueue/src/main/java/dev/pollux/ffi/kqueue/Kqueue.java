package dev.pollux.ffi.kqueue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code kqueue()} and {@code kevent()} of one {@link KqueuePlatform}, linked when
 * {@link #load} is called (never at class initialisation, so this module loads on every OS),
 * returning {@code -errno} on failure. Thread-safe; no call allocates.
 *
 * <p>EINTR: a {@code kevent} call that only applies changes and is interrupted has applied them
 * all (FreeBSD's kevent(2)), so it reports success; a wait that is interrupted returns
 * {@code -EINTR} so the caller can return early.
 */
public final class Kqueue {
    private static final FunctionDescriptor KQUEUE_DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT);
    private static final FunctionDescriptor KEVENT_DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final java.lang.invoke.MethodHandle CLOSE = Downcalls.LINKER.downcallHandle(
            Downcalls.LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final KqueuePlatform platform;
    private final int eintr;
    private final MethodHandle kqueue;
    private final MethodHandle kevent;

    private Kqueue(KqueuePlatform platform, SymbolLookup lookup, int eintr) {
        this.platform = platform;
        this.eintr = eintr;
        this.kqueue = Downcalls.LINKER.downcallHandle(lookup.findOrThrow("kqueue"), KQUEUE_DESC, Downcalls.CAPTURE_ERRNO);
        this.kevent = Downcalls.LINKER.downcallHandle(lookup.findOrThrow("kevent"), KEVENT_DESC, Downcalls.CAPTURE_ERRNO);
    }

    /**
     * Links {@code platform}'s kqueue.
     *
     * @param eintr this OS's EINTR value
     * @throws UnsupportedOperationException if the library is not installed
     */
    public static Kqueue load(KqueuePlatform platform, int eintr) {
        String library = platform.library();
        SymbolLookup lookup;
        if (library == null) {
            lookup = Downcalls.LINKER.defaultLookup();
        } else {
            try {
                lookup = SymbolLookup.libraryLookup(library, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new UnsupportedOperationException("the kqueue backend on Linux needs libkqueue, and " + library
                        + " could not be loaded: install it (Debian: libkqueue0 or libkqueue0t64), or point -D"
                        + KqueuePlatform.LIBRARY_PROPERTY + " at a libkqueue.so", e);
            }
        }
        return new Kqueue(platform, lookup, eintr);
    }

    public KqueuePlatform platform() {
        return platform;
    }

    public KeventLayout layout() {
        return platform.layout();
    }

    public KqueueConstants constants() {
        return platform.constants();
    }

    /** {@code kqueue()}: a new queue descriptor, or {@code -errno}. */
    public int create() {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            int r = (int) kqueue.invokeExact(frame.capture);
            return r >= 0 ? r : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * Applies {@code changeCount} changes and returns their receipts ({@code EV_RECEIPT}) in
     * {@code receipts} (room for at least {@code changeCount} entries; may be the same memory as
     * {@code changes}), without waiting: the number of receipts, or {@code -errno}.
     */
    public int apply(int kq, MemorySegment changes, int changeCount, MemorySegment receipts) {
        check(changes, changeCount);
        check(receipts, changeCount);
        Downcalls.Frame frame = Downcalls.frame();
        MemorySegment zero = frame.timespec;
        zero.set(ValueLayout.JAVA_LONG, 0, 0L);
        zero.set(ValueLayout.JAVA_LONG, 8, 0L);
        try {
            int r = (int) kevent.invokeExact(frame.capture, kq, changes, changeCount, receipts, changeCount, zero);
            if (r >= 0) {
                return r;
            }
            int errno = frame.errno();
            return errno == eintr ? changeCount : -errno;
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * Applies {@code changeCount} changes with no room for receipts: 0, or {@code -errno} of the
     * first change that failed. For single changes, where a receipt adds nothing.
     */
    public int change(int kq, MemorySegment changes, int changeCount) {
        check(changes, changeCount);
        Downcalls.Frame frame = Downcalls.frame();
        MemorySegment zero = frame.timespec;
        zero.set(ValueLayout.JAVA_LONG, 0, 0L);
        zero.set(ValueLayout.JAVA_LONG, 8, 0L);
        try {
            int r = (int) kevent.invokeExact(frame.capture, kq, changes, changeCount, MemorySegment.NULL, 0, zero);
            if (r >= 0) {
                return 0;
            }
            int errno = frame.errno();
            return errno == eintr ? 0 : -errno;
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** libkqueue's own filter and its version query (sys/event.h of libkqueue 2.6 and later). */
    private static final short EVFILT_LIBKQUEUE = -12;
    private static final int NOTE_VERSION = 0x0001;

    /**
     * libkqueue's version as {@code 0xMMmmpprr} (2.7.0 is {@code 0x02070000}), or -1 when the
     * library is older than 2.6, which added the query, or this is not libkqueue.
     */
    public long libkqueueVersion() {
        if (platform != KqueuePlatform.LIBKQUEUE) {
            return -1;
        }
        int kq = create();
        if (kq < 0) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            KeventLayout layout = platform.layout();
            MemorySegment list = arena.allocate(layout.size(), layout.alignment());
            layout.set(list, 0, 0, EVFILT_LIBKQUEUE, platform.constants().evAdd(), NOTE_VERSION, 0, 0);
            int n = apply(kq, list, 1, list);
            return n == 1 && (layout.flags(list, 0) & platform.constants().evError()) == 0 ? layout.data(list, 0) : -1;
        } finally {
            closeQuietly(kq);
        }
    }

    /**
     * Whether this kqueue answers {@code EV_RECEIPT} as kqueue(2) says, with {@code EV_ERROR} set
     * on every receipt (and the errno, or 0, in {@code data}). libkqueue before 2.4.0 leaves
     * EV_ERROR out, so errors of batched changes would go unnoticed; probed on a scratch queue.
     */
    public boolean receiptsReportErrors() {
        int kq = create();
        if (kq < 0) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            KeventLayout layout = platform.layout();
            KqueueConstants c = platform.constants();
            MemorySegment list = arena.allocate(layout.size(), layout.alignment());
            layout.set(list, 0, 1, c.evfiltUser(), (short) (c.evAdd() | c.evReceipt()), 0, 0, 0);
            int n = apply(kq, list, 1, list);
            boolean reported = n == 1 && (layout.flags(list, 0) & c.evError()) != 0 && layout.data(list, 0) == 0;
            // Deleted before the close: libkqueue backs the event with an eventfd, which it would
            // otherwise release only when it gets round to freeing the closed queue.
            layout.set(list, 0, 1, c.evfiltUser(), c.evDelete(), 0, 0, 0);
            change(kq, list, 1);
            return reported;
        } finally {
            closeQuietly(kq);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * Waits for events: the number written to {@code events} (at most {@code capacity}), or
     * {@code -errno} ({@code -EINTR} when a signal interrupted the wait).
     *
     * @param timeoutNanos negative to wait forever, 0 not to block
     */
    public int await(int kq, MemorySegment events, int capacity, long timeoutNanos) {
        check(events, capacity);
        Downcalls.Frame frame = Downcalls.frame();
        MemorySegment timeout = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            timeout = frame.timespec;
            timeout.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / NANOS_PER_SECOND);
            timeout.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % NANOS_PER_SECOND);
        }
        try {
            int r = (int) kevent.invokeExact(frame.capture, kq, MemorySegment.NULL, 0, events, capacity, timeout);
            return r >= 0 ? r : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    private void check(MemorySegment array, int count) {
        if (count < 0 || count * platform.layout().size() > array.byteSize()) {
            throw new IndexOutOfBoundsException(count + " kevents do not fit in " + array.byteSize() + " bytes");
        }
    }
}
