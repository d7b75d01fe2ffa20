package dev.pollux.internal.bsd;

import dev.pollux.ffi.kqueue.PosixSockaddr;
import dev.pollux.internal.SocketAddressCodec;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/**
 * BSD {@code sockaddr} encoding through ffi-kqueue's {@link PosixSockaddr}: {@code sin_len},
 * {@code sin6_len} and {@code sun_len} set, one-byte families. There is no abstract Unix
 * namespace on BSD: such addresses are refused.
 */
final class BsdSocketAddressCodec implements SocketAddressCodec {
    private final PosixSockaddr sockaddr;
    private final String osName;
    private final int afInet;
    private final int afInet6;
    private final int afUnix;

    BsdSocketAddressCodec(PosixSockaddr sockaddr, String osName, int afInet, int afInet6, int afUnix) {
        this.sockaddr = sockaddr;
        this.osName = osName;
        this.afInet = afInet;
        this.afInet6 = afInet6;
        this.afUnix = afUnix;
    }

    @Override
    public long storageSize() {
        return sockaddr.layouts().storageSize();
    }

    @Override
    public int encodeInet(InetSocketAddress address, int family, MemorySegment dst) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        InetAddress ip = address.getAddress();
        if (family == afInet) {
            if (!(ip instanceof Inet4Address)) {
                throw new IllegalArgumentException("an IPv4 socket cannot use the IPv6 address " + address);
            }
            return sockaddr.putInet4(dst, ip.getAddress(), address.getPort());
        }
        if (ip instanceof Inet6Address v6) {
            return sockaddr.putInet6(dst, v6.getAddress(), address.getPort(), v6.getScopeId());
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(ip.getAddress(), 0, mapped, 12, 4);
        return sockaddr.putInet6(dst, mapped, address.getPort(), 0);
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedOperationException for an abstract name: they exist on Linux only
     */
    @Override
    public int encodeUnix(byte[] name, boolean abstractName, MemorySegment dst) {
        if (abstractName) {
            throw new UnsupportedOperationException("abstract Unix socket addresses exist on Linux only, not on "
                    + osName);
        }
        return sockaddr.putUnix(dst, name);
    }

    @Override
    public SocketAddress decode(MemorySegment src, int length, UnixAddressFactory unix) {
        // An unnamed Unix socket may come back with length 0 (nothing written, not even the family).
        int family = length < 2 ? afUnix : sockaddr.family(src);
        try {
            if (family == afInet) {
                return new InetSocketAddress(InetAddress.getByAddress(sockaddr.inet4Address(src)), sockaddr.port(src));
            }
            if (family == afInet6) {
                byte[] bytes = sockaddr.inet6Address(src);
                int scope = sockaddr.scopeId(src);
                InetAddress ip = Inet6Address.getByAddress(null, bytes, scope == 0 ? -1 : scope);
                return new InetSocketAddress(ip, sockaddr.port(src));
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("kernel returned a malformed address", e);
        }
        if (family == afUnix) {
            return unix.fromSunPath(sockaddr.unixPath(src, length));
        }
        throw new IllegalStateException("unknown address family " + family);
    }
}
