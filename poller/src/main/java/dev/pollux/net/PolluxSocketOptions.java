package dev.pollux.net;

import java.net.SocketOption;

/**
 * Socket options beyond {@link java.net.StandardSocketOptions}: the ones people reach for Netty's
 * native transport to get. Set them with {@code setOption} on any Pollux socket; an option this
 * OS lacks fails with {@link UnsupportedOperationException} naming it (for example
 * {@link #TCP_NOPUSH} on Linux, {@link #TCP_CORK} on BSD).
 *
 * <p>{@code jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE}, {@code TCP_KEEPINTERVAL},
 * {@code TCP_KEEPCOUNT} and {@code TCP_QUICKACK} are accepted too, as the same options.
 */
public final class PolluxSocketOptions {
    private PolluxSocketOptions() {}

    private record Option<T>(String name, Class<T> type) implements SocketOption<T> {
        @Override
        public String toString() {
            return name;
        }
    }

    /** IPv6 sockets only: refuse IPv4 traffic (true) or accept it as IPv4-mapped (false). */
    public static final SocketOption<Boolean> IPV6_V6ONLY = new Option<>("IPV6_V6ONLY", Boolean.class);
    /** Seconds of idleness before the first keep-alive probe. */
    public static final SocketOption<Integer> TCP_KEEPIDLE = new Option<>("TCP_KEEPIDLE", Integer.class);
    /** Seconds between keep-alive probes. */
    public static final SocketOption<Integer> TCP_KEEPINTERVAL = new Option<>("TCP_KEEPINTERVAL", Integer.class);
    /** Unanswered keep-alive probes before the connection is dropped. */
    public static final SocketOption<Integer> TCP_KEEPCOUNT = new Option<>("TCP_KEEPCOUNT", Integer.class);
    /** Milliseconds transmitted data may stay unacknowledged before the connection is dropped (Linux). */
    public static final SocketOption<Integer> TCP_USER_TIMEOUT = new Option<>("TCP_USER_TIMEOUT", Integer.class);
    /** Listener: the queue length of pending TCP Fast Open requests; 0 disables (Linux). */
    public static final SocketOption<Integer> TCP_FASTOPEN = new Option<>("TCP_FASTOPEN", Integer.class);
    /** Client, before connecting: send data in the SYN when a Fast Open cookie is known (Linux). */
    public static final SocketOption<Boolean> TCP_FASTOPEN_CONNECT = new Option<>("TCP_FASTOPEN_CONNECT", Boolean.class);
    /** Hold back partial frames until uncorked (Linux). */
    public static final SocketOption<Boolean> TCP_CORK = new Option<>("TCP_CORK", Boolean.class);
    /** BSD's equivalent of {@link #TCP_CORK} (macOS, FreeBSD). */
    public static final SocketOption<Boolean> TCP_NOPUSH = new Option<>("TCP_NOPUSH", Boolean.class);
    /** Send ACKs immediately rather than delayed (Linux; the kernel may reset it). */
    public static final SocketOption<Boolean> TCP_QUICKACK = new Option<>("TCP_QUICKACK", Boolean.class);
    /** Bytes of unsent data above which the socket stops reporting writable (Linux, macOS). */
    public static final SocketOption<Integer> TCP_NOTSENT_LOWAT = new Option<>("TCP_NOTSENT_LOWAT", Integer.class);
    /** Microseconds to busy-poll the device queue on blocking receives (Linux). */
    public static final SocketOption<Integer> SO_BUSY_POLL = new Option<>("SO_BUSY_POLL", Integer.class);
    /**
     * Read-only, TCP sockets: the kernel's statistics for the connection (round-trip time,
     * congestion window, retransmissions...). Linux only: on macOS and FreeBSD, whose
     * {@code struct tcp_info} (FreeBSD) and {@code TCP_CONNECTION_INFO} (macOS) differ from Linux's,
     * {@code getOption} throws {@link UnsupportedOperationException}.
     */
    public static final SocketOption<TcpInfo> TCP_INFO = new Option<>("TCP_INFO", TcpInfo.class);
    /** Allow binding to an address that is not (yet) configured (Linux). */
    public static final SocketOption<Boolean> IP_FREEBIND = new Option<>("IP_FREEBIND", Boolean.class);
    /** Defer choosing the source port to connect time, after bind to address:0 (Linux). */
    public static final SocketOption<Boolean> IP_BIND_ADDRESS_NO_PORT =
            new Option<>("IP_BIND_ADDRESS_NO_PORT", Boolean.class);
}
