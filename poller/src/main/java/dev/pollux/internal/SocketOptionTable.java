package dev.pollux.internal;

import java.net.SocketOption;

/** Which socket options this OS supports and how they map to {@code setsockopt} arguments. */
public interface SocketOptionTable {
    /** How an option's value is passed. */
    enum Kind {
        /** An {@code int} 0 or 1, as a {@link Boolean}. */
        BOOLEAN,
        /** An {@code int}, as an {@link Integer}. */
        INTEGER,
        /** {@code struct linger}, as an {@link Integer} of seconds, negative for off. */
        LINGER
    }

    /** A supported option: its level, name and value kind. */
    record Spec(int level, int name, Kind kind, boolean readOnly) {}


    /**
     * How to pass {@code option} on a socket of {@code family}, or {@code null} when this OS does
     * not have it.
     */
    Spec find(SocketOption<?> option, int family);

    /** The OS's name, for "not supported on X" messages. */
    String osName();
}
