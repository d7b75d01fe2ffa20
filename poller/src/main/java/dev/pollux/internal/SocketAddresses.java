package dev.pollux.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
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
     * Checks an address a user passed for an IP socket, as NIO's {@code Net.checkAddress} does,
     * with messages naming the argument.
     *
     * @param name the parameter's name, for the message
     * @throws NullPointerException if it is null
     * @throws java.nio.channels.UnresolvedAddressException if it is unresolved
     */
    public static InetSocketAddress checkInet(InetSocketAddress address, String name) {
        Objects.requireNonNull(address, name);
        if (address.isUnresolved()) {
            throw new Unresolved(name + " is unresolved: " + address);
        }
        return address;
    }

    /**
     * Checks an address a user passed for an IP socket of {@code family}: as
     * {@link #checkInet(InetSocketAddress, String)}, and an IPv6 address for an IPv4 socket is
     * NIO's {@link UnsupportedAddressTypeException}. (An IPv4 address suits an IPv6 socket: it is
     * used IPv4-mapped.)
     */
    public static InetSocketAddress checkInet(InetSocketAddress address, String name, int family) {
        checkInet(address, name);
        if (family == Os.current().afInet() && address.getAddress() instanceof Inet6Address) {
            throw new WrongFamily(name + " is an IPv6 address (" + address + ") but the socket is IPv4");
        }
        return address;
    }

    /** NIO's exception for an unresolved address, which has no message of its own, with one. */
    private static final class Unresolved extends UnresolvedAddressException {
        private static final long serialVersionUID = 1L;
        private final String message;

        Unresolved(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }

    /** NIO's exception for an address of a type the socket cannot use, with a message. */
    private static final class WrongFamily extends UnsupportedAddressTypeException {
        private static final long serialVersionUID = 1L;
        private final String message;

        WrongFamily(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
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

    /** Whether the socket has a peer (is connected); no address is decoded. */
    public static boolean hasPeer(IoSource io) throws IOException {
        Os os = Os.current();
        int r = nameCall(io, false, scratch());
        if (r == -os.enotconn()) {
            return false;
        }
        Check.check("getpeername", r);
        return true;
    }

    private static SocketAddress name(IoSource io, boolean local, SocketAddressCodec.UnixAddressFactory unix)
            throws IOException {
        Os os = Os.current();
        MemorySegment buffer = scratch();
        int r = nameCall(io, local, buffer);
        if (r == -os.enotconn()) {
            throw new java.nio.channels.NotYetConnectedException();
        }
        Check.check(local ? "getsockname" : "getpeername", r);
        return os.addresses().decode(buffer, r, unix);
    }

    /** getsockname or getpeername into {@code buffer}: the address length, or {@code -errno}. */
    private static int nameCall(IoSource io, boolean local, MemorySegment buffer) throws IOException {
        Os os = Os.current();
        io.begin();
        try {
            return local ? os.localAddress(io.fd(), buffer) : os.peerAddress(io.fd(), buffer);
        } finally {
            io.end();
        }
    }
}
