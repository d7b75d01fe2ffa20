package dev.pollux.internal.linux;

import static dev.pollux.internal.SocketOptionTable.Kind.BOOLEAN;
import static dev.pollux.internal.SocketOptionTable.Kind.INTEGER;

import dev.pollux.ffi.epoll.SockAddr;
import dev.pollux.ffi.epoll.Sockets;
import dev.pollux.internal.SocketOptionTable;
import java.net.SocketOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The socket options Linux supports. Options are matched by name and value type, so the JDK's
 * {@code StandardSocketOptions} and {@code jdk.net.ExtendedSocketOptions} work as well as
 * Pollux's own {@code PolluxSocketOptions}.
 */
final class LinuxSocketOptions implements SocketOptionTable {
    static final LinuxSocketOptions INSTANCE = new LinuxSocketOptions();

    private final Map<String, Spec> options = new HashMap<>();

    private LinuxSocketOptions() {
        int sol = Sockets.SOL_SOCKET;
        int tcp = Sockets.IPPROTO_TCP;
        int ip = Sockets.IPPROTO_IP;
        put("SO_REUSEADDR", sol, Sockets.SO_REUSEADDR, BOOLEAN);
        put("SO_REUSEPORT", sol, Sockets.SO_REUSEPORT, BOOLEAN);
        put("SO_KEEPALIVE", sol, Sockets.SO_KEEPALIVE, BOOLEAN);
        put("SO_BROADCAST", sol, Sockets.SO_BROADCAST, BOOLEAN);
        put("SO_RCVBUF", sol, Sockets.SO_RCVBUF, INTEGER);
        put("SO_SNDBUF", sol, Sockets.SO_SNDBUF, INTEGER);
        put("SO_BUSY_POLL", sol, Sockets.SO_BUSY_POLL, INTEGER);
        options.put("SO_LINGER", new Spec(sol, Sockets.SO_LINGER, Kind.LINGER, false));
        put("TCP_NODELAY", tcp, Sockets.TCP_NODELAY, BOOLEAN);
        put("TCP_KEEPIDLE", tcp, Sockets.TCP_KEEPIDLE, INTEGER);
        put("TCP_KEEPINTERVAL", tcp, Sockets.TCP_KEEPINTVL, INTEGER);
        put("TCP_KEEPCOUNT", tcp, Sockets.TCP_KEEPCNT, INTEGER);
        put("TCP_USER_TIMEOUT", tcp, Sockets.TCP_USER_TIMEOUT, INTEGER);
        put("TCP_FASTOPEN", tcp, Sockets.TCP_FASTOPEN, INTEGER);
        put("TCP_FASTOPEN_CONNECT", tcp, Sockets.TCP_FASTOPEN_CONNECT, BOOLEAN);
        put("TCP_CORK", tcp, Sockets.TCP_CORK, BOOLEAN);
        put("TCP_QUICKACK", tcp, Sockets.TCP_QUICKACK, BOOLEAN);
        put("TCP_NOTSENT_LOWAT", tcp, Sockets.TCP_NOTSENT_LOWAT, INTEGER);
        put("IP_TOS", ip, Sockets.IP_TOS, INTEGER);
        put("IP_MULTICAST_TTL", ip, Sockets.IP_MULTICAST_TTL, INTEGER);
        put("IP_MULTICAST_LOOP", ip, Sockets.IP_MULTICAST_LOOP, BOOLEAN);
        put("IP_FREEBIND", ip, Sockets.IP_FREEBIND, BOOLEAN);
        put("IP_BIND_ADDRESS_NO_PORT", ip, Sockets.IP_BIND_ADDRESS_NO_PORT, BOOLEAN);
        put("IPV6_V6ONLY", Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY, BOOLEAN);
    }

    private void put(String name, int level, int optname, Kind kind) {
        options.put(name, new Spec(level, optname, kind, false));
    }

    @Override
    public Spec find(SocketOption<?> option, int family) {
        Spec spec = options.get(option.name());
        if (spec == null || family != SockAddr.AF_INET6) {
            return spec;
        }
        // On an IPv6 socket the IP-level options have IPv6 twins.
        return switch (option.name()) {
            case "IP_TOS" -> new Spec(Sockets.IPPROTO_IPV6, Sockets.IPV6_TCLASS, INTEGER, false);
            case "IP_MULTICAST_TTL" -> new Spec(Sockets.IPPROTO_IPV6, Sockets.IPV6_MULTICAST_HOPS, INTEGER, false);
            case "IP_MULTICAST_LOOP" -> new Spec(Sockets.IPPROTO_IPV6, Sockets.IPV6_MULTICAST_LOOP, BOOLEAN, false);
            default -> spec;
        };
    }

    @Override
    public String osName() {
        return "Linux";
    }
}
