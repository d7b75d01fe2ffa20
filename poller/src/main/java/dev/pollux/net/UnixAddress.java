package dev.pollux.net;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The address of a Unix domain socket: a filesystem {@linkplain #pathname() pathname}, a Linux
 * {@linkplain #abstractName() abstract name} (no file; gone when the socket closes), or
 * {@linkplain #isUnnamed() unnamed} (an unbound socket, or one end of a socket pair). mio's
 * {@code unix::SocketAddr}. Immutable and thread-safe.
 */
public final class UnixAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;
    private static final UnixAddress UNNAMED = new UnixAddress(new byte[0], false);

    private final byte[] name;
    private final boolean abstractName;

    private UnixAddress(byte[] name, boolean abstractName) {
        this.name = name;
        this.abstractName = abstractName;
    }

    /** A filesystem pathname address. */
    public static UnixAddress of(Path path) {
        byte[] bytes = Objects.requireNonNull(path, "path").toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty path");
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("path contains a NUL byte: " + path);
            }
        }
        return new UnixAddress(bytes, false);
    }

    /**
     * A Linux abstract-namespace address (the name without the leading NUL byte). macOS and
     * FreeBSD have no abstract namespace: binding or connecting to one there throws
     * {@link UnsupportedOperationException}.
     */
    public static UnixAddress ofAbstract(byte[] name) {
        return new UnixAddress(Objects.requireNonNull(name, "name").clone(), true);
    }

    /** A Linux abstract-namespace address named by the UTF-8 bytes of {@code name}. */
    public static UnixAddress ofAbstract(String name) {
        return ofAbstract(name.getBytes(StandardCharsets.UTF_8));
    }

    /** The address of an unbound socket. */
    public static UnixAddress unnamed() {
        return UNNAMED;
    }

    /** Builds an address from the raw {@code sun_path} bytes the kernel reported. */
    static UnixAddress fromSunPath(byte[] sunPath) {
        if (sunPath.length == 0) {
            return UNNAMED;
        }
        if (sunPath[0] == 0) {
            return new UnixAddress(Arrays.copyOfRange(sunPath, 1, sunPath.length), true);
        }
        return new UnixAddress(sunPath, false);
    }

    /** The pathname, or {@code null} when this is abstract or unnamed. */
    public Path pathname() {
        return abstractName || name.length == 0 ? null : Path.of(new String(name, StandardCharsets.UTF_8));
    }

    /** The abstract name (without the leading NUL), or {@code null} when this is not abstract. */
    public byte[] abstractName() {
        return abstractName ? name.clone() : null;
    }

    /** Whether this is an unnamed address. */
    public boolean isUnnamed() {
        return !abstractName && name.length == 0;
    }

    /** Whether this is an abstract-namespace address. */
    public boolean isAbstract() {
        return abstractName;
    }

    /** The name bytes as the socket layer encodes them (pathname bytes, or the abstract name). */
    byte[] nameBytes() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixAddress u && u.abstractName == abstractName && Arrays.equals(u.name, name);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(name) * 31 + (abstractName ? 1 : 0);
    }

    @Override
    public String toString() {
        if (isUnnamed()) {
            return "(unnamed)";
        }
        String text = new String(name, StandardCharsets.UTF_8);
        return abstractName ? "@" + text : text;
    }
}
