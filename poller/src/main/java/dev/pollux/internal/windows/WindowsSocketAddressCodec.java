package dev.pollux.internal.windows;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.pollux.ffi.iocp.WinLayouts;
import dev.pollux.ffi.iocp.Winsock;
import dev.pollux.internal.SocketAddressCodec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Winsock {@code SOCKADDR_IN} / {@code SOCKADDR_IN6} / {@code sockaddr_un} encoding, with the
 * offsets of ffi-iocp's {@link WinLayouts} (checked against mingw-w64). The layouts are those of
 * Linux; the family numbers are not ({@code AF_INET6} is 23), and there are no abstract Unix
 * names. Stateless.
 */
final class WindowsSocketAddressCodec implements SocketAddressCodec {
    static final WindowsSocketAddressCodec INSTANCE = new WindowsSocketAddressCodec();
    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt FLOWINFO = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    /** sockaddr_un: ADDRESS_FAMILY then char sun_path[108]. */
    static final int UNIX_PATH_OFFSET = 2;
    static final int UNIX_PATH_MAX = 108;

    private WindowsSocketAddressCodec() {}

    @Override
    public long storageSize() {
        return WinLayouts.SOCKADDR_STORAGE.byteSize();
    }

    @Override
    public int encodeInet(InetSocketAddress address, int family, MemorySegment dst) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        InetAddress ip = address.getAddress();
        dst.asSlice(0, storageSize()).fill((byte) 0);
        if (family == Winsock.AF_INET) {
            if (!(ip instanceof Inet4Address)) {
                throw new IllegalArgumentException("an IPv4 socket cannot use the IPv6 address " + address);
            }
            dst.set(JAVA_SHORT, 0, (short) Winsock.AF_INET);
            dst.set(PORT, 2, (short) address.getPort());
            MemorySegment.copy(ip.getAddress(), 0, dst, JAVA_BYTE, 4, 4);
            return (int) WinLayouts.SOCKADDR_IN.byteSize();
        }
        byte[] bytes;
        int scope = 0;
        if (ip instanceof Inet6Address v6) {
            bytes = v6.getAddress();
            scope = v6.getScopeId();
        } else {
            bytes = new byte[16];
            bytes[10] = (byte) 0xff;
            bytes[11] = (byte) 0xff;
            System.arraycopy(ip.getAddress(), 0, bytes, 12, 4);
        }
        dst.set(JAVA_SHORT, 0, (short) Winsock.AF_INET6);
        dst.set(PORT, 2, (short) address.getPort());
        dst.set(FLOWINFO, 4, 0);
        MemorySegment.copy(bytes, 0, dst, JAVA_BYTE, 8, 16);
        dst.set(JAVA_INT, 24, scope);
        return (int) WinLayouts.SOCKADDR_IN6.byteSize();
    }

    @Override
    public int encodeUnix(byte[] name, boolean abstractName, MemorySegment dst) {
        if (abstractName) {
            throw new UnsupportedOperationException("abstract Unix socket names are Linux-only; this is Windows");
        }
        if (name.length >= UNIX_PATH_MAX) {
            throw new IllegalArgumentException("Unix socket path longer than " + (UNIX_PATH_MAX - 1) + " bytes");
        }
        dst.asSlice(0, UNIX_PATH_OFFSET + UNIX_PATH_MAX).fill((byte) 0);
        dst.set(JAVA_SHORT, 0, (short) Winsock.AF_UNIX);
        MemorySegment.copy(name, 0, dst, JAVA_BYTE, UNIX_PATH_OFFSET, name.length);
        return UNIX_PATH_OFFSET + name.length + 1;
    }

    @Override
    public SocketAddress decode(MemorySegment src, int length, UnixAddressFactory unix) {
        int family = Short.toUnsignedInt(src.get(JAVA_SHORT, 0));
        int port = Short.toUnsignedInt(src.get(PORT, 2));
        try {
            if (family == Winsock.AF_INET) {
                byte[] a = new byte[4];
                MemorySegment.copy(src, JAVA_BYTE, 4, a, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(a), port);
            }
            if (family == Winsock.AF_INET6) {
                byte[] a = new byte[16];
                MemorySegment.copy(src, JAVA_BYTE, 8, a, 0, 16);
                int scope = src.get(JAVA_INT, 24);
                return new InetSocketAddress(Inet6Address.getByAddress(null, a, scope == 0 ? -1 : scope), port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("Winsock returned a malformed address", e);
        }
        if (family == Winsock.AF_UNIX || length <= UNIX_PATH_OFFSET) {
            int n = Math.max(0, length - UNIX_PATH_OFFSET);
            byte[] path = new byte[n];
            MemorySegment.copy(src, JAVA_BYTE, UNIX_PATH_OFFSET, path, 0, n);
            int end = 0;
            while (end < path.length && path[end] != 0) {
                end++;
            }
            return unix.fromSunPath(java.util.Arrays.copyOf(path, end));
        }
        throw new IllegalStateException("unknown address family " + family);
    }
}
