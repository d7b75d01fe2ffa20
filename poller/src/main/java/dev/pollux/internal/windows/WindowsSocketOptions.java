package dev.pollux.internal.windows;

import static dev.pollux.internal.SocketOptionTable.Kind.BOOLEAN;
import static dev.pollux.internal.SocketOptionTable.Kind.INTEGER;

import dev.pollux.ffi.iocp.Winsock;
import dev.pollux.internal.SocketOptionTable;
import java.net.SocketOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The socket options offered on Windows. {@code SO_REUSEADDR} is left out on purpose: on
 * Windows it lets another socket bind a port in use (what Unix calls SO_REUSEPORT, without its
 * same-user check), and the Unix meaning, rebinding a port in TIME_WAIT, is Windows's default.
 * Instead every IP socket is created with {@code SO_EXCLUSIVEADDRUSE}, as the JDK does for its
 * listeners. {@code SO_LINGER} is left out too: Winsock's {@code struct linger} holds two
 * {@code u_short}s, not the two {@code int}s the shared option code writes.
 */
final class WindowsSocketOptions implements SocketOptionTable {
    static final WindowsSocketOptions INSTANCE = new WindowsSocketOptions();

    private final Map<String, Spec> options = new HashMap<>();

    private WindowsSocketOptions() {
        int sol = Winsock.SOL_SOCKET;
        put("SO_KEEPALIVE", sol, Winsock.SO_KEEPALIVE, BOOLEAN);
        put("SO_BROADCAST", sol, Winsock.SO_BROADCAST, BOOLEAN);
        put("SO_RCVBUF", sol, Winsock.SO_RCVBUF, INTEGER);
        put("SO_SNDBUF", sol, Winsock.SO_SNDBUF, INTEGER);
        put("TCP_NODELAY", Winsock.IPPROTO_TCP, Winsock.TCP_NODELAY, BOOLEAN);
        put("IP_TOS", Winsock.IPPROTO_IP, Winsock.IP_TOS, INTEGER);
        put("IP_MULTICAST_TTL", Winsock.IPPROTO_IP, Winsock.IP_MULTICAST_TTL, INTEGER);
        put("IP_MULTICAST_LOOP", Winsock.IPPROTO_IP, Winsock.IP_MULTICAST_LOOP, BOOLEAN);
        put("IPV6_V6ONLY", Winsock.IPPROTO_IPV6, Winsock.IPV6_V6ONLY, BOOLEAN);
    }

    private void put(String name, int level, int optname, Kind kind) {
        options.put(name, new Spec(level, optname, kind, false));
    }

    @Override
    public Spec find(SocketOption<?> option, int family) {
        return options.get(option.name());
    }

    @Override
    public String osName() {
        return "Windows";
    }
}
