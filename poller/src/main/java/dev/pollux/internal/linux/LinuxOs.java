package dev.pollux.internal.linux;

import dev.pollux.ffi.epoll.Errno;
import dev.pollux.ffi.epoll.Fd;
import dev.pollux.ffi.epoll.SockAddr;
import dev.pollux.ffi.epoll.Sockets;
import dev.pollux.ffi.epoll.TcpInfoReader;
import dev.pollux.internal.Os;
import dev.pollux.internal.SocketAddressCodec;
import dev.pollux.internal.SocketOptionTable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/** The Linux system-call layer, over ffi-epoll's wrappers. */
public final class LinuxOs implements Os {
    /** {@code sizeof(struct sockaddr)}: an AF_UNSPEC address for {@link #disconnect}. */
    private static final int SOCKADDR_SIZE = 16;

    @Override
    public int eagain() {
        return Errno.EAGAIN;
    }

    @Override
    public int eintr() {
        return Errno.EINTR;
    }

    @Override
    public int enoent() {
        return Errno.ENOENT;
    }

    @Override
    public int setCloseOnExec(int fd) {
        int r = Fd.fcntl(fd, Fd.F_SETFD, Fd.FD_CLOEXEC);
        return r < 0 ? r : 0;
    }

    @Override
    public String errnoName(int errno) {
        return Errno.name(errno);
    }

    @Override
    public int pipe(int[] fds) {
        return Fd.pipe2(fds, Fd.O_NONBLOCK | Fd.O_CLOEXEC);
    }

    @Override
    public long read(int fd, MemorySegment buffer, long length) {
        return Fd.read(fd, buffer, length);
    }

    @Override
    public long write(int fd, MemorySegment buffer, long length) {
        return Fd.write(fd, buffer, length);
    }

    @Override
    public long readv(int fd, ByteBuffer[] buffers, int offset, int length) {
        return Fd.readv(fd, buffers, offset, length);
    }

    @Override
    public long writev(int fd, ByteBuffer[] buffers, int offset, int length) {
        return Fd.writev(fd, buffers, offset, length);
    }

    @Override
    public int maxIoVectors() {
        return Fd.MAX_IO_VECTORS;
    }

    @Override
    public int close(int fd) {
        return Fd.close(fd);
    }

    @Override
    public int isNonBlocking(int fd) {
        int flags = Fd.fcntl(fd, Fd.F_GETFL, 0);
        return flags < 0 ? flags : ((flags & Fd.O_NONBLOCK) != 0 ? 1 : 0);
    }

    @Override
    public int einprogress() {
        return Errno.EINPROGRESS;
    }

    @Override
    public int enotconn() {
        return Errno.ENOTCONN;
    }

    @Override
    public int afInet() {
        return SockAddr.AF_INET;
    }

    @Override
    public int afInet6() {
        return SockAddr.AF_INET6;
    }

    @Override
    public int afUnix() {
        return SockAddr.AF_UNIX;
    }

    @Override
    public int sockStream() {
        return Sockets.SOCK_STREAM;
    }

    @Override
    public int sockDgram() {
        return Sockets.SOCK_DGRAM;
    }

    @Override
    public int socket(int family, int type) {
        return Sockets.socket(family, type, 0);
    }

    @Override
    public int socketPair(int family, int type, int[] fds) {
        return Sockets.socketpair(family, type, 0, fds);
    }

    @Override
    public int bind(int fd, MemorySegment address, int length) {
        return Sockets.bind(fd, address, length);
    }

    @Override
    public int listen(int fd, int backlog) {
        return Sockets.listen(fd, backlog);
    }

    @Override
    public int accept(int fd) {
        return Sockets.accept(fd);
    }

    @Override
    public int connect(int fd, MemorySegment address, int length) {
        return Sockets.connect(fd, address, length);
    }

    @Override
    public int disconnect(int fd, int family, MemorySegment scratch) {
        // AF_UNSPEC dissolves the association of a datagram socket, IP or Unix (POSIX's way,
        // handled by inet_dgram_connect and unix_dgram_connect).
        MemorySegment unspecified = scratch.asSlice(0, SOCKADDR_SIZE).fill((byte) 0);
        unspecified.set(ValueLayout.JAVA_SHORT, 0, (short) SockAddr.AF_UNSPEC);
        return Sockets.connect(fd, unspecified, SOCKADDR_SIZE);
    }

    @Override
    public int localAddress(int fd, MemorySegment address) {
        return Sockets.localAddress(fd, address);
    }

    @Override
    public int peerAddress(int fd, MemorySegment address) {
        return Sockets.peerAddress(fd, address);
    }

    @Override
    public int shutdown(int fd, boolean read, boolean write) {
        int how = read && write ? Sockets.SHUT_RDWR : (read ? Sockets.SHUT_RD : Sockets.SHUT_WR);
        return Sockets.shutdown(fd, how);
    }

    @Override
    public long send(int fd, MemorySegment buffer, long length) {
        return Sockets.send(fd, buffer, length, 0);
    }

    @Override
    public long receive(int fd, MemorySegment buffer, long length, boolean peek) {
        return Sockets.receive(fd, buffer, length, peek ? Sockets.MSG_PEEK : 0);
    }

    @Override
    public long sendTo(int fd, MemorySegment buffer, long length, MemorySegment address, int addressLength) {
        return Sockets.sendTo(fd, buffer, length, address, addressLength);
    }

    @Override
    public long receiveFrom(int fd, MemorySegment buffer, long length, boolean peek, MemorySegment address,
            int[] addressLength) {
        return Sockets.receiveFrom(fd, buffer, length, peek ? Sockets.MSG_PEEK : 0, address, addressLength);
    }

    @Override
    public long sendVectored(int fd, ByteBuffer[] buffers, int offset, int length) {
        return Sockets.sendVectored(fd, buffers, offset, length);
    }

    @Override
    public long receiveVectored(int fd, ByteBuffer[] buffers, int offset, int length) {
        return Sockets.receiveVectored(fd, buffers, offset, length);
    }

    @Override
    public int tcpInfo(int fd, long[] values) {
        // TcpInfoReader.FIELDS is in the same order as TcpInfo's components.
        return TcpInfoReader.read(fd, values);
    }

    @Override
    public int takeSocketError(int fd) {
        return (int) Sockets.getIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
    }

    @Override
    public int multicastMembership(int fd, byte[] group, int interfaceIndex, boolean join) {
        return Sockets.multicastMembership(fd, group, interfaceIndex, join);
    }

    @Override
    public int setMulticastInterface(int fd, int family, int interfaceIndex, byte[] ipv4Address) {
        if (family == SockAddr.AF_INET6) {
            return Sockets.setIntOption(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_MULTICAST_IF, interfaceIndex);
        }
        return Sockets.setMulticastInterface4(fd, interfaceIndex, ipv4Address);
    }

    @Override
    public int multicastInterface(int fd, int family, byte[] ipv4Address) {
        if (family == SockAddr.AF_INET6) {
            return (int) Sockets.getIntOption(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_MULTICAST_IF);
        }
        return Sockets.multicastInterface4(fd, ipv4Address);
    }

    @Override
    public int setOption(int fd, int level, int name, MemorySegment value) {
        return Sockets.setOption(fd, level, name, value);
    }

    @Override
    public int getOption(int fd, int level, int name, MemorySegment value) {
        return Sockets.getOption(fd, level, name, value);
    }

    @Override
    public SocketAddressCodec addresses() {
        return LinuxSocketAddressCodec.INSTANCE;
    }

    @Override
    public SocketOptionTable socketOptions() {
        return LinuxSocketOptions.INSTANCE;
    }
}
