package dev.pollux.internal;

/** Portable readiness bits that every backend's {@link EventFormat} decodes its events into. */
public final class Readiness {
    public static final int READABLE = 1;
    public static final int WRITABLE = 1 << 1;
    public static final int ERROR = 1 << 2;
    public static final int READ_CLOSED = 1 << 3;
    public static final int WRITE_CLOSED = 1 << 4;
    public static final int PRIORITY = 1 << 5;

    private Readiness() {}
}
