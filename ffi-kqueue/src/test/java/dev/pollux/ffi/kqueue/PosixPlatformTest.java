package dev.pollux.ffi.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every constant and layout figure of the BSD system-call layer, checked against the platforms'
 * headers (the figures below were read there, not derived from the code under test):
 * <ul>
 *   <li>macOS: apple-oss-distributions/xnu tag xnu-11417.101.15 (e3723e1f1766): bsd/sys/socket.h
 *       (SOCK_*, SO_*, SO_LINGER 0x80 "in ticks" and SO_LINGER_SEC 0x1080, SO_NOSIGPIPE 0x1022,
 *       SOL_SOCKET, AF_*, MSG_*, SHUT_*, {@code struct msghdr} with {@code int msg_iovlen},
 *       _SS_MAXSIZE 128), bsd/sys/errno.h (1 to 106, ENOTSUP 45, EOPNOTSUPP 102),
 *       bsd/sys/fcntl.h (O_NONBLOCK 4, O_CLOEXEC 0x01000000, F_GETFD..F_SETFL 1..4, FD_CLOEXEC 1),
 *       bsd/netinet/in.h (IPPROTO_*, IP_TOS 3, IP_MULTICAST_IF/TTL/LOOP 9/10/11, MCAST_JOIN_GROUP
 *       80, MCAST_LEAVE_GROUP 81, {@code struct group_req} inside {@code #pragma pack(4)},
 *       {@code sockaddr_in} with {@code sin_len}), bsd/netinet6/in6.h (IPV6_MULTICAST_IF/HOPS/LOOP
 *       9/10/11, IPV6_JOIN/LEAVE_GROUP 12/13, IPV6_V6ONLY 27, IPV6_TCLASS 36, {@code sockaddr_in6}
 *       with {@code sin6_len}), bsd/netinet/tcp.h (TCP_NODELAY 1, TCP_NOPUSH 4, TCP_KEEPALIVE 0x10,
 *       TCP_KEEPINTVL 0x101, TCP_KEEPCNT 0x102, TCP_NOTSENT_LOWAT 0x201), bsd/sys/un.h
 *       ({@code sun_len}, {@code sun_path[104]}); bsd/netinet6/in6_mcast.c for IPv4-mapped groups
 *       on IPv6 sockets (in6p_join_group).
 *   <li>FreeBSD: freebsd/freebsd-src sys/sys/socket.h (00b5ffde8e0f: SOCK_CLOEXEC 0x10000000,
 *       SOCK_NONBLOCK 0x20000000, SO_* with SO_NOSIGPIPE 0x0800, AF_INET6 28, MSG_NOSIGNAL 0x20000,
 *       {@code struct msghdr}, SHUT_*), sys/sys/errno.h (01ca612ace5f: 1 to 87), sys/sys/fcntl.h
 *       (0069e95e9bc6: O_NONBLOCK 4, O_CLOEXEC 0x00100000, F_*, FD_CLOEXEC), sys/netinet/in.h
 *       (0148b3e8af72: IP_* and {@code sockaddr_in} with {@code sin_len}); and, for what those
 *       stored revisions predate, rust-lang/libc 2eda1e52fe2e (src/unix/bsd/freebsdlike/mod.rs,
 *       freebsd/mod.rs, bsd/mod.rs: EDOOFUS..EINTEGRITY 88..97, MCAST_JOIN/LEAVE_GROUP 80/81,
 *       IPV6_TCLASS 61, IPV6_V6ONLY 27, IPV6_* 9..13, TCP_KEEPIDLE/INTVL/CNT 256/512/1024,
 *       TCP_NOPUSH 4, no TCP_NOTSENT_LOWAT, {@code sockaddr_in6}, {@code sockaddr_un} with
 *       {@code sun_path[104]}, {@code group_req} unpacked).
 * </ul>
 */
class PosixPlatformTest {
    @Test
    void macosSocketConstantsMatchXnuHeaders() {
        SocketConstants c = SocketConstants.MACOS;
        assertCommonBsdSockets(c);
        assertEquals(30, c.afInet6(), "AF_INET6");
        assertEquals(0, c.sockNonblock(), "no SOCK_NONBLOCK");
        assertEquals(0, c.sockCloexec(), "no SOCK_CLOEXEC");
        assertEquals(0x1080, c.soLingerSeconds(), "SO_LINGER_SEC (SO_LINGER 0x80 counts ticks)");
        assertEquals(0x1022, c.soNosigpipe(), "SO_NOSIGPIPE");
        assertEquals(0, c.msgNosignal(), "MSG_NOSIGNAL not used (SO_NOSIGPIPE instead)");
        assertEquals(36, c.ipv6Tclass(), "IPV6_TCLASS");
        assertEquals(0x10, c.tcpKeepidle(), "TCP_KEEPALIVE");
        assertEquals(0x101, c.tcpKeepintvl(), "TCP_KEEPINTVL");
        assertEquals(0x102, c.tcpKeepcnt(), "TCP_KEEPCNT");
        assertEquals(0x201, c.tcpNotsentLowat(), "TCP_NOTSENT_LOWAT");
        assertTrue(c.v4GroupsOnV6ViaMapped(), "in6p_join_group maps IPv4-mapped groups to IP_ADD_MEMBERSHIP");
    }

    @Test
    void freebsdSocketConstantsMatchFreebsdHeaders() {
        SocketConstants c = SocketConstants.FREEBSD;
        assertCommonBsdSockets(c);
        assertEquals(28, c.afInet6(), "AF_INET6");
        assertEquals(0x20000000, c.sockNonblock(), "SOCK_NONBLOCK");
        assertEquals(0x10000000, c.sockCloexec(), "SOCK_CLOEXEC");
        assertEquals(0x0080, c.soLingerSeconds(), "SO_LINGER (seconds on FreeBSD)");
        assertEquals(0x0800, c.soNosigpipe(), "SO_NOSIGPIPE");
        assertEquals(0x20000, c.msgNosignal(), "MSG_NOSIGNAL");
        assertEquals(61, c.ipv6Tclass(), "IPV6_TCLASS");
        assertEquals(256, c.tcpKeepidle(), "TCP_KEEPIDLE");
        assertEquals(512, c.tcpKeepintvl(), "TCP_KEEPINTVL");
        assertEquals(1024, c.tcpKeepcnt(), "TCP_KEEPCNT");
        assertEquals(0, c.tcpNotsentLowat(), "no TCP_NOTSENT_LOWAT");
        assertFalse(c.v4GroupsOnV6ViaMapped());
    }

    private static void assertCommonBsdSockets(SocketConstants c) {
        assertEquals(1, c.afUnix(), "AF_UNIX");
        assertEquals(2, c.afInet(), "AF_INET");
        assertEquals(1, c.sockStream(), "SOCK_STREAM");
        assertEquals(2, c.sockDgram(), "SOCK_DGRAM");
        assertEquals(0xffff, c.solSocket(), "SOL_SOCKET");
        assertEquals(0x0004, c.soReuseaddr(), "SO_REUSEADDR");
        assertEquals(0x0200, c.soReuseport(), "SO_REUSEPORT");
        assertEquals(0x0008, c.soKeepalive(), "SO_KEEPALIVE");
        assertEquals(0x0020, c.soBroadcast(), "SO_BROADCAST");
        assertEquals(0x1002, c.soRcvbuf(), "SO_RCVBUF");
        assertEquals(0x1001, c.soSndbuf(), "SO_SNDBUF");
        assertEquals(0x1007, c.soError(), "SO_ERROR");
        assertEquals(0x2, c.msgPeek(), "MSG_PEEK");
        assertEquals(0, c.shutRd(), "SHUT_RD");
        assertEquals(1, c.shutWr(), "SHUT_WR");
        assertEquals(2, c.shutRdwr(), "SHUT_RDWR");
        assertEquals(0, c.ipprotoIp(), "IPPROTO_IP");
        assertEquals(41, c.ipprotoIpv6(), "IPPROTO_IPV6");
        assertEquals(6, c.ipprotoTcp(), "IPPROTO_TCP");
        assertEquals(3, c.ipTos(), "IP_TOS");
        assertEquals(9, c.ipMulticastIf(), "IP_MULTICAST_IF");
        assertEquals(10, c.ipMulticastTtl(), "IP_MULTICAST_TTL");
        assertEquals(11, c.ipMulticastLoop(), "IP_MULTICAST_LOOP");
        assertEquals(80, c.mcastJoinGroup(), "MCAST_JOIN_GROUP");
        assertEquals(81, c.mcastLeaveGroup(), "MCAST_LEAVE_GROUP");
        assertEquals(9, c.ipv6MulticastIf(), "IPV6_MULTICAST_IF");
        assertEquals(10, c.ipv6MulticastHops(), "IPV6_MULTICAST_HOPS");
        assertEquals(11, c.ipv6MulticastLoop(), "IPV6_MULTICAST_LOOP");
        assertEquals(12, c.ipv6JoinGroup(), "IPV6_JOIN_GROUP");
        assertEquals(13, c.ipv6LeaveGroup(), "IPV6_LEAVE_GROUP");
        assertEquals(27, c.ipv6V6only(), "IPV6_V6ONLY");
        assertEquals(1, c.tcpNodelay(), "TCP_NODELAY");
        assertEquals(4, c.tcpNopush(), "TCP_NOPUSH");
    }

    @Test
    void fileConstantsMatchFcntlHeaders() {
        assertFile(FileConstants.MACOS, 0x01000000);
        assertFalse(FileConstants.MACOS.hasPipe2(), "macOS has no pipe2");
        assertFile(FileConstants.FREEBSD, 0x00100000);
        assertTrue(FileConstants.FREEBSD.hasPipe2(), "FreeBSD has pipe2 since 10.0");
    }

    private static void assertFile(FileConstants f, int oCloexec) {
        assertEquals(0x0004, f.oNonblock(), "O_NONBLOCK");
        assertEquals(oCloexec, f.oCloexec(), "O_CLOEXEC");
        assertEquals(1, f.fGetfd(), "F_GETFD");
        assertEquals(2, f.fSetfd(), "F_SETFD");
        assertEquals(3, f.fGetfl(), "F_GETFL");
        assertEquals(4, f.fSetfl(), "F_SETFL");
        assertEquals(1, f.fdCloexec(), "FD_CLOEXEC");
    }

    @Test
    void bsdErrnoNumbersAndNamesMatchErrnoHeaders() {
        for (ErrnoTable t : new ErrnoTable[] {ErrnoTable.MACOS, ErrnoTable.FREEBSD}) {
            assertEquals(1, t.value("EPERM"));
            assertEquals(4, t.eintr(), "EINTR");
            assertEquals(2, t.enoent(), "ENOENT");
            assertEquals(9, t.value("EBADF"));
            assertEquals(22, t.einval(), "EINVAL");
            assertEquals(32, t.value("EPIPE"));
            assertEquals(35, t.eagain(), "EAGAIN");
            assertEquals(36, t.einprogress(), "EINPROGRESS");
            assertEquals(37, t.value("EALREADY"));
            assertEquals(38, t.value("ENOTSOCK"));
            assertEquals(42, t.value("ENOPROTOOPT"));
            assertEquals(47, t.value("EAFNOSUPPORT"));
            assertEquals(48, t.value("EADDRINUSE"));
            assertEquals(49, t.value("EADDRNOTAVAIL"));
            assertEquals(51, t.value("ENETUNREACH"));
            assertEquals(54, t.value("ECONNRESET"));
            assertEquals(56, t.value("EISCONN"));
            assertEquals(57, t.enotconn(), "ENOTCONN");
            assertEquals(60, t.value("ETIMEDOUT"));
            assertEquals(61, t.value("ECONNREFUSED"));
            assertEquals(63, t.value("ENAMETOOLONG"));
            assertEquals(65, t.value("EHOSTUNREACH"));
            assertEquals(78, t.value("ENOSYS"));
            assertEquals(81, t.value("ENEEDAUTH"));
            assertEquals("EAGAIN", t.name(35));
            assertEquals("ECONNREFUSED", t.name(61));
            assertEquals("errno 0", t.name(0));
            assertEquals("errno 4096", t.name(4096));
        }
        assertEquals(45, ErrnoTable.MACOS.value("ENOTSUP"));
        assertEquals(102, ErrnoTable.MACOS.eopnotsupp(), "EOPNOTSUPP on macOS");
        assertEquals(84, ErrnoTable.MACOS.value("EOVERFLOW"));
        assertEquals(89, ErrnoTable.MACOS.value("ECANCELED"));
        assertEquals(100, ErrnoTable.MACOS.value("EPROTO"));
        assertEquals(106, ErrnoTable.MACOS.value("EQFULL"));
        assertEquals(106, ErrnoTable.MACOS.last(), "ELAST");

        assertEquals(45, ErrnoTable.FREEBSD.eopnotsupp(), "EOPNOTSUPP (= ENOTSUP) on FreeBSD");
        assertEquals(84, ErrnoTable.FREEBSD.value("EOVERFLOW"));
        assertEquals(85, ErrnoTable.FREEBSD.value("ECANCELED"));
        assertEquals(87, ErrnoTable.FREEBSD.value("ENOATTR"));
        assertEquals(89, ErrnoTable.FREEBSD.value("EBADMSG"));
        assertEquals(92, ErrnoTable.FREEBSD.value("EPROTO"));
        assertEquals(97, ErrnoTable.FREEBSD.value("EINTEGRITY"));
        assertEquals(97, ErrnoTable.FREEBSD.last());
    }

    @Test
    void bsdStructLayoutsMatchHeaders() {
        for (PosixLayouts l : new PosixLayouts[] {PosixLayouts.MACOS, PosixLayouts.FREEBSD}) {
            assertTrue(l.sockaddrHasLength(), "sin_len / sin6_len / sun_len");
            assertEquals(104, l.unixPathCapacity(), "sun_path[104]");
            assertEquals(2, l.unixPathOffset());
            assertEquals(128, l.storageSize(), "sizeof(struct sockaddr_storage)");
            // void *name; socklen_t namelen; (pad) struct iovec *iov; int iovlen; (pad)
            // void *control; socklen_t controllen; int flags
            assertEquals(48, l.msghdrSize(), "sizeof(struct msghdr)");
            assertEquals(16, l.msgIovOffset(), "msg_iov");
            assertEquals(24, l.msgIovlenOffset(), "msg_iovlen");
            assertEquals(4, l.msgIovlenSize(), "int msg_iovlen");
        }
        assertEquals(4, PosixLayouts.MACOS.groupReqGroupOffset(), "gr_group under #pragma pack(4)");
        assertEquals(132, PosixLayouts.MACOS.groupReqSize());
        assertEquals(8, PosixLayouts.FREEBSD.groupReqGroupOffset(), "gr_group aligned as sockaddr_storage (8)");
        assertEquals(136, PosixLayouts.FREEBSD.groupReqSize());
    }

    @Test
    void platformIsChosenByOsNameAndRefusesUncheckedArchitectures() {
        assertSame(PosixPlatform.MACOS, PosixPlatform.of("Mac OS X", "aarch64"));
        assertSame(PosixPlatform.MACOS, PosixPlatform.of("Mac OS X", "x86_64"));
        assertSame(PosixPlatform.FREEBSD, PosixPlatform.of("FreeBSD", "amd64"));
        assertSame(PosixPlatform.FREEBSD, PosixPlatform.of("FreeBSD", "aarch64"));
        assertThrows(UnsupportedOperationException.class, () -> PosixPlatform.of("Linux", "amd64"));
        assertThrows(UnsupportedOperationException.class, () -> PosixPlatform.of("FreeBSD", "i386"));
        assertThrows(UnsupportedOperationException.class, () -> PosixPlatform.of("Mac OS X", "ppc"));
    }
}
