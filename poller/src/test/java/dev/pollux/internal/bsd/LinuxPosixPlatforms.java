package dev.pollux.internal.bsd;

import dev.pollux.ffi.epoll.Errno;
import dev.pollux.ffi.epoll.Fd;
import dev.pollux.ffi.epoll.SockAddr;
import dev.pollux.ffi.epoll.Sockets;
import dev.pollux.ffi.kqueue.ErrnoTable;
import dev.pollux.ffi.kqueue.FileConstants;
import dev.pollux.ffi.kqueue.PosixLayouts;
import dev.pollux.ffi.kqueue.PosixPlatform;
import dev.pollux.ffi.kqueue.SocketConstants;

/**
 * {@link PosixPlatform}s with Linux's numbers, so that the BSD layer's code runs against glibc on
 * this machine. The numbers come from ffi-epoll, i.e. from the bindings jextract generated from
 * glibc's headers; only MCAST_JOIN_GROUP/MCAST_LEAVE_GROUP (42/45, glibc bits/in.h) and the
 * glibc {@code struct msghdr}/{@code struct group_req} layouts (56 bytes with a {@code size_t}
 * msg_iovlen at 24; 136 bytes with gr_group at 8) are written here, and a wrong one would fail
 * the calls that use it.
 */
final class LinuxPosixPlatforms {
    private LinuxPosixPlatforms() {}

    /** macOS's routes on Linux: socket/accept/pipe followed by fcntl, no accept4, no pipe2. */
    static PosixPlatform portable() {
        return platform("Linux (portable route)", 0, 0, false, 0);
    }

    /** FreeBSD's routes on Linux: SOCK_NONBLOCK | SOCK_CLOEXEC, accept4 and pipe2. */
    static PosixPlatform atomic() {
        return platform("Linux (atomic route)", Sockets.SOCK_NONBLOCK, Sockets.SOCK_CLOEXEC, true, 0);
    }

    /**
     * The portable route with SO_KEEPALIVE in SO_NOSIGPIPE's place (Linux has no SO_NOSIGPIPE):
     * shows that the option the layer sets on every new socket reaches every one of them.
     */
    static PosixPlatform portableWithKeepaliveAsNosigpipe() {
        return platform("Linux (portable route, SO_KEEPALIVE for SO_NOSIGPIPE)", 0, 0, false, Sockets.SO_KEEPALIVE);
    }

    private static PosixPlatform platform(String name, int sockNonblock, int sockCloexec, boolean pipe2,
            int nosigpipe) {
        SocketConstants sockets = new SocketConstants(
                SockAddr.AF_UNIX, SockAddr.AF_INET, SockAddr.AF_INET6,
                Sockets.SOCK_STREAM, Sockets.SOCK_DGRAM, sockNonblock, sockCloexec,
                Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, Sockets.SO_REUSEPORT, Sockets.SO_KEEPALIVE,
                Sockets.SO_BROADCAST, Sockets.SO_RCVBUF, Sockets.SO_SNDBUF, Sockets.SO_LINGER, Sockets.SO_ERROR,
                nosigpipe,
                Sockets.MSG_PEEK, Sockets.MSG_NOSIGNAL,
                Sockets.SHUT_RD, Sockets.SHUT_WR, Sockets.SHUT_RDWR,
                Sockets.IPPROTO_IP, Sockets.IPPROTO_IPV6, Sockets.IPPROTO_TCP,
                Sockets.IP_TOS, Sockets.IP_MULTICAST_IF, Sockets.IP_MULTICAST_TTL, Sockets.IP_MULTICAST_LOOP,
                42, 45,
                Sockets.IPV6_MULTICAST_IF, Sockets.IPV6_MULTICAST_HOPS, Sockets.IPV6_MULTICAST_LOOP,
                Sockets.IPV6_JOIN_GROUP, Sockets.IPV6_LEAVE_GROUP, Sockets.IPV6_V6ONLY, Sockets.IPV6_TCLASS,
                Sockets.TCP_NODELAY, Sockets.TCP_KEEPIDLE, Sockets.TCP_KEEPINTVL, Sockets.TCP_KEEPCNT, 0,
                Sockets.TCP_NOTSENT_LOWAT,
                false);
        FileConstants files = new FileConstants(Fd.O_NONBLOCK, Fd.O_CLOEXEC, Fd.F_GETFD, Fd.F_SETFD, Fd.F_GETFL,
                Fd.F_SETFL, Fd.FD_CLOEXEC, pipe2);
        String[] names = new String[256];
        for (int i = 1; i < names.length; i++) {
            String n = Errno.name(i);
            names[i] = n.startsWith("errno ") ? null : n;
        }
        PosixLayouts layouts = new PosixLayouts(false, SockAddr.UNIX_PATH_CAPACITY, (int) SockAddr.STORAGE_SIZE,
                56, 16, 24, 8, 136, 8);
        return new PosixPlatform(name, sockets, files, new ErrnoTable(names), layouts);
    }
}
