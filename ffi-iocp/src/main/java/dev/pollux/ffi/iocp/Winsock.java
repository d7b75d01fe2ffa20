package dev.pollux.ffi.iocp;

/**
 * Winsock constants (mingw-w64 {@code winsock2.h}, {@code ws2def.h}, {@code ws2ipdef.h},
 * {@code mswsock.h}), checked against the table the layout program prints under wine. Where
 * they differ from the Unix numbers is where a Windows socket layer must not reuse Linux's:
 * {@code AF_INET6} is 23, {@code SOL_SOCKET} 0xFFFF, the {@code SO_*} options are bit values,
 * {@code SO_EXCLUSIVEADDRUSE} is {@code ~SO_REUSEADDR}.
 */
public final class Winsock {
    public static final long INVALID_SOCKET = -1L;
    public static final int SOCKET_ERROR = -1;
    public static final int SIO_BASE_HANDLE = 0x48000022;
    public static final int SIO_BSP_HANDLE = 0x4800001B;
    public static final int SIO_BSP_HANDLE_SELECT = 0x4800001C;
    public static final int SIO_BSP_HANDLE_POLL = 0x4800001D;
    public static final int FIONBIO = 0x8004667E;
    public static final int FIONREAD = 0x4004667F;

    public static final int AF_UNSPEC = 0;
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 23;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;

    public static final int SOL_SOCKET = 0xFFFF;
    public static final int SO_REUSEADDR = 4;
    public static final int SO_EXCLUSIVEADDRUSE = ~SO_REUSEADDR;
    public static final int SO_KEEPALIVE = 8;
    public static final int SO_BROADCAST = 0x20;
    public static final int SO_LINGER = 0x80;
    public static final int SO_SNDBUF = 0x1001;
    public static final int SO_RCVBUF = 0x1002;
    public static final int SO_ERROR = 0x1007;
    public static final int SO_TYPE = 0x1008;
    public static final int TCP_NODELAY = 1;
    public static final int IP_TOS = 3;
    public static final int IP_TTL = 4;
    public static final int IP_MULTICAST_TTL = 10;
    public static final int IP_MULTICAST_LOOP = 11;
    public static final int IPV6_V6ONLY = 27;
    public static final int IPV6_UNICAST_HOPS = 4;

    public static final int SD_RECEIVE = 0;
    public static final int SD_SEND = 1;
    public static final int SD_BOTH = 2;
    public static final int SOMAXCONN = 0x7FFFFFFF;
    public static final int MSG_PEEK = 2;
    public static final int WSA_FLAG_OVERLAPPED = 1;
    public static final int WSA_FLAG_NO_HANDLE_INHERIT = 0x80;

    private Winsock() {}
}
