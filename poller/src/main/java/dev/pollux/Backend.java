package dev.pollux;

import java.util.Locale;

/**
 * The OS event queue a {@link Poll} runs on. {@link Poll#open()} picks the one for this OS, or the
 * one named by the system property {@value #PROPERTY} ({@code epoll}, {@code kqueue},
 * {@code iocp} or {@code io_uring}).
 */
public enum Backend {
    /** Linux epoll. */
    EPOLL,
    /** BSD and macOS kqueue (on Linux through libkqueue). */
    KQUEUE,
    /** Windows I/O completion ports with AFD polling (not yet run on Windows; refused elsewhere). */
    IOCP,
    /**
     * Linux io_uring (5.11 or later): readiness through multishot poll requests on a ring, with
     * registration changes submitted together with the wait. Never the default; refused with a
     * message saying why where the kernel does not allow io_uring.
     */
    IO_URING;

    /** The system property that overrides the backend {@link Poll#open()} uses. */
    public static final String PROPERTY = "pollux.backend";

    /** The lower-case name used by {@value #PROPERTY}. */
    public String propertyValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The backend {@link Poll#open()} uses: the one named by {@value #PROPERTY}, else this OS's.
     *
     * @throws IllegalArgumentException if the property names no backend
     * @throws UnsupportedOperationException if the property is unset and this OS has no backend
     */
    public static Backend selected() {
        String name = System.getProperty(PROPERTY);
        if (name != null && !name.isBlank()) {
            for (Backend b : values()) {
                if (b.propertyValue().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return b;
                }
            }
            StringBuilder names = new StringBuilder();
            for (Backend b : values()) {
                names.append(names.isEmpty() ? "" : ", ").append(b.propertyValue());
            }
            throw new IllegalArgumentException(
                    "-D" + PROPERTY + "=" + name + " names no backend: use one of " + names);
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return EPOLL;
        }
        if (os.startsWith("mac") || os.contains("bsd")) {
            return KQUEUE;
        }
        if (os.startsWith("windows")) {
            return IOCP;
        }
        throw new UnsupportedOperationException("Pollux has no backend for " + System.getProperty("os.name"));
    }
}
