package dev.pollux.ffi.kqueue;

import java.util.Locale;

/**
 * The kqueue implementations Pollux knows: their {@code struct kevent} layout, their constants,
 * and the library that provides {@code kqueue()} and {@code kevent()}.
 */
public enum KqueuePlatform {
    /** macOS on x86_64 or arm64: 32-byte kevent, EVFILT_USER = -10, in libc. */
    MACOS(KeventLayout.KEVENT_32, KqueueConstants.MACOS, null),
    /** FreeBSD 12 and later: 64-byte kevent, EVFILT_USER = -11, in libc. */
    FREEBSD(KeventLayout.KEVENT_64, KqueueConstants.FREEBSD, null),
    /** libkqueue, a userspace kqueue over epoll on Linux: FreeBSD numbering, 32-byte kevent. */
    LIBKQUEUE(LibkqueueBindings.layout(), LibkqueueBindings.constants(), "libkqueue.so.0");

    /** System property naming the libkqueue shared object to load instead of {@code libkqueue.so.0}. */
    public static final String LIBRARY_PROPERTY = "pollux.libkqueue";

    private final KeventLayout layout;
    private final KqueueConstants constants;
    private final String library;

    KqueuePlatform(KeventLayout layout, KqueueConstants constants, String library) {
        this.layout = layout;
        this.constants = constants;
        this.library = library;
    }

    public KeventLayout layout() {
        return layout;
    }

    public KqueueConstants constants() {
        return constants;
    }

    /** The shared object to load, or {@code null} when kqueue is in the C library. */
    public String library() {
        return library == null ? null : System.getProperty(LIBRARY_PROPERTY, library);
    }

    /**
     * The kqueue of this OS: macOS's, FreeBSD's, or libkqueue on Linux.
     *
     * @throws UnsupportedOperationException on an OS with no kqueue, or a 32-bit JVM
     */
    public static KqueuePlatform current() {
        if (!"64".equals(System.getProperty("sun.arch.data.model", "64"))) {
            throw new UnsupportedOperationException("Pollux's kqueue layouts are for 64-bit platforms");
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            return MACOS;
        }
        if (os.contains("freebsd")) {
            return FREEBSD;
        }
        if (os.startsWith("linux")) {
            return LIBKQUEUE;
        }
        throw new UnsupportedOperationException("no kqueue on " + System.getProperty("os.name"));
    }
}
