package dev.pollux.ffi.kqueue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes and reads {@code sockaddr_in}, {@code sockaddr_in6} and {@code sockaddr_un} in the
 * layout of one OS ({@link PosixLayouts}): on BSD with the length byte ({@code sin_len} 16,
 * {@code sin6_len} 28, {@code sun_len}) at offset 0 and the family byte at offset 1. Ports and
 * addresses are in network byte order in memory, the IPv6 scope id and flow info in host order.
 * Memory must hold at least {@link PosixLayouts#storageSize()} bytes. Stateless and thread-safe.
 */
public final class PosixSockaddr {
    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int IN_SIZE = 16;
    /** {@code sizeof(struct sockaddr_in6)}. */
    public static final int IN6_SIZE = 28;

    private static final ValueLayout.OfShort NETWORK_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long PORT = 2;
    private static final long IN_ADDR = 4;
    private static final long IN6_FLOWINFO = 4;
    private static final long IN6_ADDR = 8;
    private static final long IN6_SCOPE_ID = 24;

    private final PosixLayouts layouts;
    private final int afInet;
    private final int afInet6;
    private final int afUnix;

    public PosixSockaddr(PosixLayouts layouts, SocketConstants constants) {
        this.layouts = layouts;
        this.afInet = constants.afInet();
        this.afInet6 = constants.afInet6();
        this.afUnix = constants.afUnix();
    }

    public PosixLayouts layouts() {
        return layouts;
    }

    /** The address family stored in {@code address}. */
    public int family(MemorySegment address) {
        return layouts.sockaddrHasLength()
                ? Byte.toUnsignedInt(address.get(ValueLayout.JAVA_BYTE, 1))
                : Short.toUnsignedInt(address.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
    }

    private void header(MemorySegment dst, int length, int family) {
        if (layouts.sockaddrHasLength()) {
            dst.set(ValueLayout.JAVA_BYTE, 0, (byte) length);
            dst.set(ValueLayout.JAVA_BYTE, 1, (byte) family);
        } else {
            dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) family);
        }
    }

    /** Writes a {@code sockaddr_in}; returns its length (16). */
    public int putInet4(MemorySegment dst, byte[] address, int port) {
        check(address, 4);
        dst.asSlice(0, IN_SIZE).fill((byte) 0);
        header(dst, IN_SIZE, afInet);
        dst.set(NETWORK_SHORT, PORT, (short) port);
        MemorySegment.copy(address, 0, dst, ValueLayout.JAVA_BYTE, IN_ADDR, 4);
        return IN_SIZE;
    }

    /** Writes a {@code sockaddr_in6} (flow info 0); returns its length (28). */
    public int putInet6(MemorySegment dst, byte[] address, int port, int scopeId) {
        check(address, 16);
        dst.asSlice(0, IN6_SIZE).fill((byte) 0);
        header(dst, IN6_SIZE, afInet6);
        dst.set(NETWORK_SHORT, PORT, (short) port);
        MemorySegment.copy(address, 0, dst, ValueLayout.JAVA_BYTE, IN6_ADDR, 16);
        dst.set(ValueLayout.JAVA_INT_UNALIGNED, IN6_SCOPE_ID, scopeId);
        return IN6_SIZE;
    }

    /**
     * Writes a pathname {@code sockaddr_un} with a terminating NUL; returns its length (path
     * offset + name + NUL), which is also what goes into {@code sun_len} (the BSD kernels overwrite
     * it with the length passed to the call anyway).
     *
     * @throws IllegalArgumentException if the name does not fit in {@code sun_path}
     */
    public int putUnix(MemorySegment dst, byte[] name) {
        int capacity = layouts.unixPathCapacity();
        if (name.length + 1 > capacity) {
            throw new IllegalArgumentException("Unix socket address too long: " + name.length + " bytes, at most "
                    + (capacity - 1));
        }
        int offset = layouts.unixPathOffset();
        dst.asSlice(0, offset + capacity).fill((byte) 0);
        int length = offset + name.length + 1;
        header(dst, length, afUnix);
        MemorySegment.copy(name, 0, dst, ValueLayout.JAVA_BYTE, offset, name.length);
        return length;
    }

    /** The port of an AF_INET or AF_INET6 address (the same offset in both). */
    public int port(MemorySegment src) {
        return Short.toUnsignedInt(src.get(NETWORK_SHORT, PORT));
    }

    /** The 4 address bytes of an AF_INET address. */
    public byte[] inet4Address(MemorySegment src) {
        byte[] a = new byte[4];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, IN_ADDR, a, 0, 4);
        return a;
    }

    /** The 16 address bytes of an AF_INET6 address. */
    public byte[] inet6Address(MemorySegment src) {
        byte[] a = new byte[16];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, IN6_ADDR, a, 0, 16);
        return a;
    }

    /** The flow info of an AF_INET6 address. */
    public int flowInfo(MemorySegment src) {
        return src.get(ValueLayout.JAVA_INT_UNALIGNED, IN6_FLOWINFO);
    }

    /** The scope id of an AF_INET6 address. */
    public int scopeId(MemorySegment src) {
        return src.get(ValueLayout.JAVA_INT_UNALIGNED, IN6_SCOPE_ID);
    }

    /**
     * The pathname of an AF_UNIX address of {@code length} bytes, up to its first NUL: empty for an
     * unnamed socket (BSD reports those with a length of 16 and a zeroed path, Linux with the
     * path offset alone). There is no abstract namespace here.
     */
    public byte[] unixPath(MemorySegment src, int length) {
        int offset = layouts.unixPathOffset();
        int n = Math.max(0, Math.min(length - offset, layouts.unixPathCapacity()));
        byte[] path = new byte[n];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, path, 0, n);
        int end = 0;
        while (end < n && path[end] != 0) {
            end++;
        }
        return end == n ? path : Arrays.copyOf(path, end);
    }

    private static void check(byte[] address, int length) {
        if (address.length != length) {
            throw new IllegalArgumentException("expected a " + length + "-byte address, got " + address.length);
        }
    }
}
