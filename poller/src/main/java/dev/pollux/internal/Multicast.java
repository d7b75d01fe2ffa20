package dev.pollux.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketOption;
import java.util.Objects;

/**
 * Multicast chores for IP datagram sockets: group membership and the {@code IP_MULTICAST_IF}
 * option, whose value is a {@link NetworkInterface} rather than a number (so it does not fit
 * {@link SocketOptionTable}). Stateless and thread-safe.
 */
public final class Multicast {
    private Multicast() {}

    /** Whether {@code option} is {@code IP_MULTICAST_IF}, handled here rather than by the option table. */
    static boolean isInterfaceOption(SocketOption<?> option) {
        return option.type() == NetworkInterface.class && option.name().equals("IP_MULTICAST_IF");
    }

    /**
     * Joins ({@code join}) or leaves {@code group} on {@code ni}. An IPv4 group works on IPv4 and
     * (dual-stack) IPv6 sockets, an IPv6 group on IPv6 sockets only.
     *
     * @throws NullPointerException if {@code group} or {@code ni} is null
     * @throws IllegalArgumentException if {@code group} is not a multicast address, is IPv6 on an
     *     IPv4 socket, or {@code ni} has no index
     * @throws IllegalStateException when joining a group already joined on {@code ni}, or leaving
     *     one not joined there
     */
    public static void membership(IoSource io, int family, InetAddress group, NetworkInterface ni, boolean join)
            throws IOException {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(ni, "ni");
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException("group is not a multicast address: " + group);
        }
        Os os = Os.current();
        if (group instanceof Inet6Address && family != os.afInet6()) {
            throw new IllegalArgumentException("group is IPv6 (" + group + "), which an IPv4 socket cannot join");
        }
        int index = indexOf(ni);
        int r;
        io.begin();
        try {
            r = os.multicastMembership(io.fd(), group.getAddress(), index, join);
        } finally {
            io.end();
        }
        if (r < 0) {
            String name = os.errnoName(-r);
            if (join && name.equals("EADDRINUSE")) {
                throw new IllegalStateException("already joined " + group.getHostAddress() + " on " + ni.getName());
            }
            if (!join && name.equals("EADDRNOTAVAIL")) {
                throw new IllegalStateException("not a member of " + group.getHostAddress() + " on " + ni.getName());
            }
            throw Check.error(join ? "setsockopt(join group)" : "setsockopt(leave group)", -r);
        }
    }

    /** Sets {@code IP_MULTICAST_IF}: outgoing multicast leaves by {@code ni}. */
    static void setInterface(IoSource io, int family, Object value) throws IOException {
        if (value == null) {
            throw new IllegalArgumentException("IP_MULTICAST_IF: invalid value null");
        }
        if (!(value instanceof NetworkInterface ni)) {
            throw new IllegalArgumentException("IP_MULTICAST_IF takes a NetworkInterface, not "
                    + value.getClass().getSimpleName());
        }
        int index = indexOf(ni);
        byte[] ipv4 = null;
        for (InetAddress a : ni.inetAddresses().toList()) {
            if (a instanceof Inet4Address) {
                ipv4 = a.getAddress();
                break;
            }
        }
        Os os = Os.current();
        int r;
        io.begin();
        try {
            r = os.setMulticastInterface(io.fd(), family, index, ipv4);
        } finally {
            io.end();
        }
        Check.check("setsockopt(IP_MULTICAST_IF)", r);
    }

    /**
     * Reads {@code IP_MULTICAST_IF}: the interface, or null when none was set (the kernel then
     * chooses by routing). On IPv4 the kernel keeps the interface's address only, so an interface
     * without an IPv4 address reads back as null.
     */
    static NetworkInterface getInterface(IoSource io, int family) throws IOException {
        Os os = Os.current();
        byte[] ipv4 = new byte[4];
        int r;
        io.begin();
        try {
            r = os.multicastInterface(io.fd(), family, ipv4);
        } finally {
            io.end();
        }
        Check.check("getsockopt(IP_MULTICAST_IF)", r);
        if (family == os.afInet6()) {
            return r == 0 ? null : NetworkInterface.getByIndex(r);
        }
        InetAddress address = InetAddress.getByAddress(ipv4);
        return address.isAnyLocalAddress() ? null : NetworkInterface.getByInetAddress(address);
    }

    private static int indexOf(NetworkInterface ni) {
        int index = ni.getIndex();
        if (index < 1) {
            throw new IllegalArgumentException("network interface " + ni.getName() + " has no index");
        }
        return index;
    }
}
