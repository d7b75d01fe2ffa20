package dev.pollux.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * Socket-address chores shared by the socket types: validating what users pass, choosing the
 * family, and per-thread native memory to encode into (so connect, bind and sendto allocate no
 * native memory per call).
 */
public final class SocketAddresses {
    private static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(Os.current().addresses().storageSize(), 8));

    private SocketAddresses() {}

    /** The calling thread's address buffer (room for any address). */
    public static MemorySegment scratch() {
        return SCRATCH.get();
    }

    /**
     * Checks an address a user passed for an IP socket.
     *
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is unresolved
     */
    public static InetSocketAddress checkInet(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        return address;
    }

    /** The OS family for a socket that will use {@code address}. */
    public static int familyOf(InetSocketAddress address) {
        Os os = Os.current();
        return address.getAddress() instanceof Inet6Address ? os.afInet6() : os.afInet();
    }

    /** Encodes {@code address} for a socket of {@code family} into the thread's scratch; returns its length. */
    public static int encode(InetSocketAddress address, int family) {
        return Os.current().addresses().encodeInet(address, family, scratch());
    }

    /** The local address of a socket. */
    public static SocketAddress local(IoSource io, SocketAddressCodec.UnixAddressFactory unix) throws IOException {
        return name(io, true, unix);
    }

    /**
     * The peer address of a connected socket.
     *
     * @throws java.nio.channels.NotYetConnectedException if it is not connected (yet)
     */
    public static SocketAddress peer(IoSource io, SocketAddressCodec.UnixAddressFactory unix) throws IOException {
        return name(io, false, unix);
    }

    private static SocketAddress name(IoSource io, boolean local, SocketAddressCodec.UnixAddressFactory unix)
            throws IOException {
        Os os = Os.current();
        MemorySegment buffer = scratch();
        int r;
        io.begin();
        try {
            r = local ? os.localAddress(io.fd(), buffer) : os.peerAddress(io.fd(), buffer);
        } finally {
            io.end();
        }
        if (r == -os.enotconn()) {
            throw new java.nio.channels.NotYetConnectedException();
        }
        Check.check(local ? "getsockname" : "getpeername", r);
        return os.addresses().decode(buffer, r, unix);
    }
}
