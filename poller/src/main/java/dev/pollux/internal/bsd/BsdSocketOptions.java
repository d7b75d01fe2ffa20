package dev.pollux.internal.bsd;

import static dev.pollux.internal.SocketOptionTable.Kind.BOOLEAN;
import static dev.pollux.internal.SocketOptionTable.Kind.INTEGER;

import dev.pollux.ffi.kqueue.SocketConstants;
import dev.pollux.internal.SocketOptionTable;
import java.net.SocketOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The socket options of macOS and FreeBSD, matched by name like the Linux table (so the JDK's
 * {@code StandardSocketOptions} and {@code ExtendedSocketOptions} work too). Linux-only options
 * (TCP_CORK, TCP_QUICKACK, TCP_USER_TIMEOUT, TCP_FASTOPEN, SO_BUSY_POLL, IP_FREEBIND,
 * IP_BIND_ADDRESS_NO_PORT) are absent; BSD's TCP_NOPUSH is present. {@code SO_LINGER} takes
 * seconds: on macOS that is {@code SO_LINGER_SEC}, since its {@code SO_LINGER} counts clock ticks.
 * IP_MULTICAST_TTL and IP_MULTICAST_LOOP are {@code u_char} options on BSD, which both kernels
 * also accept and report as an {@code int} when given an int-sized buffer.
 */
final class BsdSocketOptions implements SocketOptionTable {
    private final String osName;
    private final SocketConstants c;
    private final Map<String, Spec> options = new HashMap<>();

    BsdSocketOptions(String osName, SocketConstants c) {
        this.osName = osName;
        this.c = c;
        int sol = c.solSocket();
        int tcp = c.ipprotoTcp();
        int ip = c.ipprotoIp();
        put("SO_REUSEADDR", sol, c.soReuseaddr(), BOOLEAN);
        put("SO_REUSEPORT", sol, c.soReuseport(), BOOLEAN);
        put("SO_KEEPALIVE", sol, c.soKeepalive(), BOOLEAN);
        put("SO_BROADCAST", sol, c.soBroadcast(), BOOLEAN);
        put("SO_RCVBUF", sol, c.soRcvbuf(), INTEGER);
        put("SO_SNDBUF", sol, c.soSndbuf(), INTEGER);
        options.put("SO_LINGER", new Spec(sol, c.soLingerSeconds(), Kind.LINGER, false));
        put("TCP_NODELAY", tcp, c.tcpNodelay(), BOOLEAN);
        put("TCP_KEEPIDLE", tcp, c.tcpKeepidle(), INTEGER);
        put("TCP_KEEPINTERVAL", tcp, c.tcpKeepintvl(), INTEGER);
        put("TCP_KEEPCOUNT", tcp, c.tcpKeepcnt(), INTEGER);
        if (c.tcpNopush() != 0) {
            put("TCP_NOPUSH", tcp, c.tcpNopush(), BOOLEAN);
        }
        if (c.tcpNotsentLowat() != 0) {
            put("TCP_NOTSENT_LOWAT", tcp, c.tcpNotsentLowat(), INTEGER);
        }
        put("IP_TOS", ip, c.ipTos(), INTEGER);
        put("IP_MULTICAST_TTL", ip, c.ipMulticastTtl(), INTEGER);
        put("IP_MULTICAST_LOOP", ip, c.ipMulticastLoop(), BOOLEAN);
        put("IPV6_V6ONLY", c.ipprotoIpv6(), c.ipv6V6only(), BOOLEAN);
    }

    private void put(String name, int level, int optname, Kind kind) {
        options.put(name, new Spec(level, optname, kind, false));
    }

    @Override
    public Spec find(SocketOption<?> option, int family) {
        Spec spec = options.get(option.name());
        if (spec == null || family != c.afInet6()) {
            return spec;
        }
        // On an IPv6 socket the IP-level options have IPv6 twins.
        return switch (option.name()) {
            case "IP_TOS" -> new Spec(c.ipprotoIpv6(), c.ipv6Tclass(), INTEGER, false);
            case "IP_MULTICAST_TTL" -> new Spec(c.ipprotoIpv6(), c.ipv6MulticastHops(), INTEGER, false);
            case "IP_MULTICAST_LOOP" -> new Spec(c.ipprotoIpv6(), c.ipv6MulticastLoop(), BOOLEAN, false);
            default -> spec;
        };
    }

    @Override
    public String osName() {
        return osName;
    }
}
