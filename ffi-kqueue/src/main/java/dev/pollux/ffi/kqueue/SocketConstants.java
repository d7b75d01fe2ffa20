package dev.pollux.ffi.kqueue;

/**
 * The socket constants of one OS's C headers that Pollux's POSIX system-call layer passes to the
 * kernel: families, types, levels, option names and message flags. Values differ between macOS and
 * FreeBSD ({@code AF_INET6} is 30 and 28, {@code IPV6_TCLASS} 36 and 61, {@code TCP_KEEPALIVE}
 * versus {@code TCP_KEEPIDLE} ...), so each platform states its own; 0 in a component marked
 * "0: none" means the OS lacks it and the layer takes another route.
 *
 * @param afUnix AF_UNIX
 * @param afInet AF_INET
 * @param afInet6 AF_INET6
 * @param sockStream SOCK_STREAM
 * @param sockDgram SOCK_DGRAM
 * @param sockNonblock SOCK_NONBLOCK for socket()'s type (0: none; then fcntl after creation, and
 *     accept() + fcntl instead of accept4())
 * @param sockCloexec SOCK_CLOEXEC for socket()'s type (0: none; see {@code sockNonblock})
 * @param solSocket SOL_SOCKET
 * @param soReuseaddr SO_REUSEADDR
 * @param soReuseport SO_REUSEPORT
 * @param soKeepalive SO_KEEPALIVE
 * @param soBroadcast SO_BROADCAST
 * @param soRcvbuf SO_RCVBUF
 * @param soSndbuf SO_SNDBUF
 * @param soLingerSeconds the SO_LINGER variant that takes seconds (macOS: SO_LINGER_SEC; its
 *     SO_LINGER counts clock ticks)
 * @param soError SO_ERROR
 * @param soNosigpipe SO_NOSIGPIPE, set on every new socket (0: none)
 * @param msgPeek MSG_PEEK
 * @param msgNosignal MSG_NOSIGNAL, passed on every send (0: not used)
 * @param shutRd SHUT_RD
 * @param shutWr SHUT_WR
 * @param shutRdwr SHUT_RDWR
 * @param ipprotoIp IPPROTO_IP
 * @param ipprotoIpv6 IPPROTO_IPV6
 * @param ipprotoTcp IPPROTO_TCP
 * @param ipTos IP_TOS
 * @param ipMulticastIf IP_MULTICAST_IF
 * @param ipMulticastTtl IP_MULTICAST_TTL
 * @param ipMulticastLoop IP_MULTICAST_LOOP
 * @param mcastJoinGroup MCAST_JOIN_GROUP (RFC 3678, takes {@code struct group_req})
 * @param mcastLeaveGroup MCAST_LEAVE_GROUP
 * @param ipv6MulticastIf IPV6_MULTICAST_IF
 * @param ipv6MulticastHops IPV6_MULTICAST_HOPS
 * @param ipv6MulticastLoop IPV6_MULTICAST_LOOP
 * @param ipv6JoinGroup IPV6_JOIN_GROUP (IPV6_ADD_MEMBERSHIP on Linux)
 * @param ipv6LeaveGroup IPV6_LEAVE_GROUP (IPV6_DROP_MEMBERSHIP on Linux)
 * @param ipv6V6only IPV6_V6ONLY
 * @param ipv6Tclass IPV6_TCLASS
 * @param tcpNodelay TCP_NODELAY
 * @param tcpKeepidle the idle time before keep-alive probes (macOS: TCP_KEEPALIVE)
 * @param tcpKeepintvl TCP_KEEPINTVL
 * @param tcpKeepcnt TCP_KEEPCNT
 * @param tcpNopush TCP_NOPUSH (0: none; Linux has TCP_CORK instead)
 * @param tcpNotsentLowat TCP_NOTSENT_LOWAT (0: none)
 * @param v4GroupsOnV6ViaMapped whether an IPv6 socket joins an IPv4 group with IPV6_JOIN_GROUP
 *     and the IPv4-mapped group address (xnu's in6_mcast.c does this; FreeBSD does not)
 */
public record SocketConstants(
        int afUnix, int afInet, int afInet6,
        int sockStream, int sockDgram, int sockNonblock, int sockCloexec,
        int solSocket, int soReuseaddr, int soReuseport, int soKeepalive, int soBroadcast,
        int soRcvbuf, int soSndbuf, int soLingerSeconds, int soError, int soNosigpipe,
        int msgPeek, int msgNosignal,
        int shutRd, int shutWr, int shutRdwr,
        int ipprotoIp, int ipprotoIpv6, int ipprotoTcp,
        int ipTos, int ipMulticastIf, int ipMulticastTtl, int ipMulticastLoop,
        int mcastJoinGroup, int mcastLeaveGroup,
        int ipv6MulticastIf, int ipv6MulticastHops, int ipv6MulticastLoop,
        int ipv6JoinGroup, int ipv6LeaveGroup, int ipv6V6only, int ipv6Tclass,
        int tcpNodelay, int tcpKeepidle, int tcpKeepintvl, int tcpKeepcnt, int tcpNopush, int tcpNotsentLowat,
        boolean v4GroupsOnV6ViaMapped) {

    /** macOS: xnu bsd/sys/socket.h, bsd/netinet/in.h, bsd/netinet6/in6.h, bsd/netinet/tcp.h. */
    public static final SocketConstants MACOS = new SocketConstants(
            1, 2, 30,
            1, 2, 0, 0,                          // no SOCK_NONBLOCK / SOCK_CLOEXEC, no accept4
            0xffff, 0x0004, 0x0200, 0x0008, 0x0020,
            0x1002, 0x1001, 0x1080, 0x1007, 0x1022, // SO_LINGER_SEC; SO_NOSIGPIPE
            0x2, 0,                              // SO_NOSIGPIPE instead of MSG_NOSIGNAL
            0, 1, 2,
            0, 41, 6,
            3, 9, 10, 11,
            80, 81,
            9, 10, 11,
            12, 13, 27, 36,
            0x01, 0x10, 0x101, 0x102, 0x04, 0x201,
            true);

    /** FreeBSD 12 and later: sys/sys/socket.h, sys/netinet/in.h, sys/netinet6/in6.h, sys/netinet/tcp.h. */
    public static final SocketConstants FREEBSD = new SocketConstants(
            1, 2, 28,
            1, 2, 0x20000000, 0x10000000,
            0xffff, 0x0004, 0x0200, 0x0008, 0x0020,
            0x1002, 0x1001, 0x0080, 0x1007, 0x0800,
            0x2, 0x20000,
            0, 1, 2,
            0, 41, 6,
            3, 9, 10, 11,
            80, 81,
            9, 10, 11,
            12, 13, 27, 61,
            1, 256, 512, 1024, 4, 0,
            false);
}
