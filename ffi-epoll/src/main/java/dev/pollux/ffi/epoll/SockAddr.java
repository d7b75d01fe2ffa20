package dev.pollux.ffi.epoll;

import dev.pollux.bindings.linux.Linux;
import dev.pollux.bindings.linux.sockaddr_in;
import dev.pollux.bindings.linux.sockaddr_in6;
import dev.pollux.bindings.linux.sockaddr_storage;
import dev.pollux.bindings.linux.sockaddr_un;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes and reads Linux socket addresses ({@code sockaddr_in}, {@code sockaddr_in6},
 * {@code sockaddr_un}) in caller-provided memory of at least {@link #STORAGE_SIZE} bytes, using
 * the generated layouts (Linux has no {@code sin_len}). Ports and IPv4/IPv6 addresses are in
 * network byte order in memory and plain Java values here. Stateless and thread-safe.
 */
public final class SockAddr {
    public static final int AF_UNSPEC = Linux.AF_UNSPEC();
    public static final int AF_INET = Linux.AF_INET();
    public static final int AF_INET6 = Linux.AF_INET6();
    public static final int AF_UNIX = Linux.AF_UNIX();

    /** Size of {@code struct sockaddr_storage}: room for any address. */
    public static final long STORAGE_SIZE = sockaddr_storage.layout().byteSize();
    /** Alignment of {@code struct sockaddr_storage}. */
    public static final long STORAGE_ALIGNMENT = sockaddr_storage.layout().byteAlignment();
    /** Bytes available for a Unix socket path ({@code sizeof sun_path}). */
    public static final int UNIX_PATH_CAPACITY = (int) sockaddr_un.sun_path$layout().byteSize();
    /** Offset of {@code sun_path}: a Unix address of length {@code n} has {@code n - offset} path bytes. */
    public static final int UNIX_PATH_OFFSET = (int) sockaddr_un.sun_path$offset();

    private static final ValueLayout.OfShort NETWORK_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int IN_SIZE = (int) sockaddr_in.layout().byteSize();
    private static final int IN6_SIZE = (int) sockaddr_in6.layout().byteSize();
    private static final long FAMILY = sockaddr_in.sin_family$offset();
    private static final long IN_PORT = sockaddr_in.sin_port$offset();
    private static final long IN_ADDR = sockaddr_in.sin_addr$offset();
    private static final long IN6_PORT = sockaddr_in6.sin6_port$offset();
    private static final long IN6_FLOWINFO = sockaddr_in6.sin6_flowinfo$offset();
    private static final long IN6_ADDR = sockaddr_in6.sin6_addr$offset();
    private static final long IN6_SCOPE_ID = sockaddr_in6.sin6_scope_id$offset();

    private SockAddr() {}

    /** The address family stored in {@code address}. */
    public static int family(MemorySegment address) {
        return Short.toUnsignedInt(address.get(ValueLayout.JAVA_SHORT_UNALIGNED, FAMILY));
    }

    /** Writes a {@code sockaddr_in}; returns its length. */
    public static int putInet4(MemorySegment dst, byte[] address, int port) {
        check(address, 4);
        dst.asSlice(0, IN_SIZE).fill((byte) 0);
        dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, FAMILY, (short) AF_INET);
        dst.set(NETWORK_SHORT, IN_PORT, (short) port);
        MemorySegment.copy(address, 0, dst, ValueLayout.JAVA_BYTE, IN_ADDR, 4);
        return IN_SIZE;
    }

    /** Writes a {@code sockaddr_in6}; returns its length. */
    public static int putInet6(MemorySegment dst, byte[] address, int port, int scopeId) {
        check(address, 16);
        dst.asSlice(0, IN6_SIZE).fill((byte) 0);
        dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, FAMILY, (short) AF_INET6);
        dst.set(NETWORK_SHORT, IN6_PORT, (short) port);
        dst.set(ValueLayout.JAVA_INT_UNALIGNED, IN6_FLOWINFO, 0);
        MemorySegment.copy(address, 0, dst, ValueLayout.JAVA_BYTE, IN6_ADDR, 16);
        dst.set(ValueLayout.JAVA_INT_UNALIGNED, IN6_SCOPE_ID, scopeId);
        return IN6_SIZE;
    }

    /**
     * Writes a {@code sockaddr_un}; returns its length. A pathname gets a terminating NUL; an
     * abstract name (Linux) is written after a leading NUL byte and is not terminated.
     *
     * @throws IllegalArgumentException if the name does not fit in {@code sun_path}
     */
    public static int putUnix(MemorySegment dst, byte[] name, boolean abstractName) {
        int needed = name.length + 1;
        if (needed > UNIX_PATH_CAPACITY) {
            throw new IllegalArgumentException("Unix socket address too long: " + name.length
                    + " bytes, at most " + (UNIX_PATH_CAPACITY - 1));
        }
        dst.asSlice(0, UNIX_PATH_OFFSET + UNIX_PATH_CAPACITY).fill((byte) 0);
        dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, FAMILY, (short) AF_UNIX);
        MemorySegment.copy(name, 0, dst, ValueLayout.JAVA_BYTE, UNIX_PATH_OFFSET + (abstractName ? 1 : 0), name.length);
        // Pathname: family + path + NUL. Abstract: family + NUL + name (the length delimits it).
        return UNIX_PATH_OFFSET + needed;
    }

    /** The port of an AF_INET or AF_INET6 address. */
    public static int port(MemorySegment src) {
        long offset = family(src) == AF_INET6 ? IN6_PORT : IN_PORT;
        return Short.toUnsignedInt(src.get(NETWORK_SHORT, offset));
    }

    /** The 4 address bytes of an AF_INET address. */
    public static byte[] inet4Address(MemorySegment src) {
        byte[] a = new byte[4];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, IN_ADDR, a, 0, 4);
        return a;
    }

    /** The 16 address bytes of an AF_INET6 address. */
    public static byte[] inet6Address(MemorySegment src) {
        byte[] a = new byte[16];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, IN6_ADDR, a, 0, 16);
        return a;
    }

    /** The scope id of an AF_INET6 address. */
    public static int scopeId(MemorySegment src) {
        return src.get(ValueLayout.JAVA_INT_UNALIGNED, IN6_SCOPE_ID);
    }

    /**
     * The raw {@code sun_path} bytes of an AF_UNIX address of {@code length} bytes: empty for an
     * unnamed socket, starting with NUL for an abstract name, else a pathname (a trailing NUL,
     * if any, is removed).
     */
    public static byte[] unixPath(MemorySegment src, int length) {
        int n = Math.max(0, Math.min(length - UNIX_PATH_OFFSET, UNIX_PATH_CAPACITY));
        byte[] path = new byte[n];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, UNIX_PATH_OFFSET, path, 0, n);
        if (n > 0 && path[0] != 0) {
            int end = 0;
            while (end < n && path[end] != 0) {
                end++;
            }
            if (end < n) {
                return java.util.Arrays.copyOf(path, end);
            }
        }
        return path;
    }

    private static void check(byte[] address, int length) {
        if (address.length != length) {
            throw new IllegalArgumentException("expected a " + length + "-byte address, got " + address.length);
        }
    }
}
