package dev.pollux;

/**
 * The readiness a registration asks to be told about: {@link #READABLE}, {@link #WRITABLE},
 * {@link #PRIORITY}, or a combination made with {@link #add}. Never empty.
 *
 * <p>Instances are immutable, shared and interned (there is one instance per combination, so
 * {@code ==} works and combining never allocates). Thread-safe.
 */
public final class Interest {
    private static final int READ_BIT = 1;
    private static final int WRITE_BIT = 2;
    private static final int PRIORITY_BIT = 4;
    private static final Interest[] ALL = new Interest[8];

    static {
        for (int bits = 1; bits < ALL.length; bits++) {
            ALL[bits] = new Interest(bits);
        }
    }

    /** Readable readiness: data to read, a connection to accept, or the peer closed its side. */
    public static final Interest READABLE = ALL[READ_BIT];
    /** Writable readiness: room to write, or a non-blocking connect finished. */
    public static final Interest WRITABLE = ALL[WRITE_BIT];
    /** Priority readiness: out-of-band data (Linux {@code EPOLLPRI}). */
    public static final Interest PRIORITY = ALL[PRIORITY_BIT];

    private final int bits;

    private Interest(int bits) {
        this.bits = bits;
    }

    /** This interest together with {@code other}. */
    public Interest add(Interest other) {
        return ALL[bits | other.bits];
    }

    /** This interest without {@code other}, or {@code null} when nothing would be left. */
    public Interest remove(Interest other) {
        int left = bits & ~other.bits;
        return left == 0 ? null : ALL[left];
    }

    /** Whether this includes {@link #READABLE}. */
    public boolean isReadable() {
        return (bits & READ_BIT) != 0;
    }

    /** Whether this includes {@link #WRITABLE}. */
    public boolean isWritable() {
        return (bits & WRITE_BIT) != 0;
    }

    /** Whether this includes {@link #PRIORITY}. */
    public boolean isPriority() {
        return (bits & PRIORITY_BIT) != 0;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (isReadable()) {
            s.append("READABLE");
        }
        if (isWritable()) {
            s.append(s.isEmpty() ? "" : " | ").append("WRITABLE");
        }
        if (isPriority()) {
            s.append(s.isEmpty() ? "" : " | ").append("PRIORITY");
        }
        return s.toString();
    }
}
