package dev.pollux.internal.linux;

import dev.pollux.ffi.epoll.SockAddr;
import dev.pollux.internal.SocketAddressCodec;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/** Linux {@code sockaddr} encoding through ffi-epoll's {@link SockAddr}. */
final class LinuxSocketAddressCodec implements SocketAddressCodec {
    static final LinuxSocketAddressCodec INSTANCE = new LinuxSocketAddressCodec();

    private LinuxSocketAddressCodec() {}

    @Override
    public long storageSize() {
        return SockAddr.STORAGE_SIZE;
    }

    @Override
    public int encodeInet(InetSocketAddress address, int family, MemorySegment dst) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        InetAddress ip = address.getAddress();
        if (family == SockAddr.AF_INET) {
            if (!(ip instanceof Inet4Address)) {
                throw new IllegalArgumentException("an IPv4 socket cannot use the IPv6 address " + address);
            }
            return SockAddr.putInet4(dst, ip.getAddress(), address.getPort());
        }
        if (ip instanceof Inet6Address v6) {
            return SockAddr.putInet6(dst, v6.getAddress(), address.getPort(), v6.getScopeId());
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(ip.getAddress(), 0, mapped, 12, 4);
        return SockAddr.putInet6(dst, mapped, address.getPort(), 0);
    }

    @Override
    public int encodeUnix(byte[] name, boolean abstractName, MemorySegment dst) {
        return SockAddr.putUnix(dst, name, abstractName);
    }

    @Override
    public SocketAddress decode(MemorySegment src, int length, UnixAddressFactory unix) {
        int family = SockAddr.family(src);
        try {
            if (family == SockAddr.AF_INET) {
                return new InetSocketAddress(InetAddress.getByAddress(SockAddr.inet4Address(src)), SockAddr.port(src));
            }
            if (family == SockAddr.AF_INET6) {
                // getByAddress would turn an IPv4-mapped address into an Inet4Address; keep the
                // kernel's view: a v6 socket talks to ::ffff:a.b.c.d.
                byte[] bytes = SockAddr.inet6Address(src);
                int scope = SockAddr.scopeId(src);
                // Scope 0 means "none"; -1 keeps it unset so the address prints without "%0".
                InetAddress ip = Inet6Address.getByAddress(null, bytes, scope == 0 ? -1 : scope);
                return new InetSocketAddress(ip, SockAddr.port(src));
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("kernel returned a malformed address", e);
        }
        if (family == SockAddr.AF_UNIX || length <= SockAddr.UNIX_PATH_OFFSET) {
            return unix.fromSunPath(SockAddr.unixPath(src, length));
        }
        throw new IllegalStateException("unknown address family " + family);
    }
}
