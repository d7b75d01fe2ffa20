package dev.pollux.ffi.epoll;

import dev.pollux.bindings.linux.Linux;
import dev.pollux.bindings.linux.in_addr;
import dev.pollux.bindings.linux.ip_mreqn;
import dev.pollux.bindings.linux.ipv6_mreq;
import dev.pollux.bindings.linux.msghdr;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The Linux socket calls, returning {@code -errno} on failure, and the constants they take.
 * Thread-safe; no call allocates. Addresses are {@code sockaddr} memory written and read with
 * {@link SockAddr}.
 *
 * <p>EINTR: calls that never block on a non-blocking socket retry. {@link #connect} reports
 * EINTR as {@code -EINPROGRESS}: on Linux an interrupted connect keeps going in the background,
 * exactly like a non-blocking one. Sends always pass {@code MSG_NOSIGNAL}, so a write to a
 * closed connection fails with EPIPE instead of raising SIGPIPE.
 */
public final class Sockets {
    public static final int SOCK_STREAM = Linux.SOCK_STREAM();
    public static final int SOCK_DGRAM = Linux.SOCK_DGRAM();
    public static final int SOCK_NONBLOCK = Linux.SOCK_NONBLOCK();
    public static final int SOCK_CLOEXEC = Linux.SOCK_CLOEXEC();
    public static final int SHUT_RD = Linux.SHUT_RD();
    public static final int SHUT_WR = Linux.SHUT_WR();
    public static final int SHUT_RDWR = Linux.SHUT_RDWR();
    public static final int MSG_PEEK = Linux.MSG_PEEK();
    public static final int MSG_TRUNC = Linux.MSG_TRUNC();
    public static final int MSG_NOSIGNAL = Linux.MSG_NOSIGNAL();
    public static final int MSG_FASTOPEN = Linux.MSG_FASTOPEN();
    public static final int MSG_WAITALL = Linux.MSG_WAITALL();

    public static final int SOL_SOCKET = Linux.SOL_SOCKET();
    public static final int IPPROTO_IP = Linux.IPPROTO_IP();
    public static final int IPPROTO_IPV6 = Linux.IPPROTO_IPV6();
    public static final int IPPROTO_TCP = Linux.IPPROTO_TCP();
    public static final int IPPROTO_UDP = Linux.IPPROTO_UDP();

    public static final int SO_ERROR = Linux.SO_ERROR();
    public static final int SO_REUSEADDR = Linux.SO_REUSEADDR();
    public static final int SO_REUSEPORT = Linux.SO_REUSEPORT();
    public static final int SO_KEEPALIVE = Linux.SO_KEEPALIVE();
    public static final int SO_RCVBUF = Linux.SO_RCVBUF();
    public static final int SO_SNDBUF = Linux.SO_SNDBUF();
    public static final int SO_LINGER = Linux.SO_LINGER();
    public static final int SO_BROADCAST = Linux.SO_BROADCAST();
    public static final int SO_BUSY_POLL = Linux.SO_BUSY_POLL();
    public static final int SO_TYPE = Linux.SO_TYPE();
    public static final int TCP_NODELAY = Linux.TCP_NODELAY();
    public static final int TCP_KEEPIDLE = Linux.TCP_KEEPIDLE();
    public static final int TCP_KEEPINTVL = Linux.TCP_KEEPINTVL();
    public static final int TCP_KEEPCNT = Linux.TCP_KEEPCNT();
    public static final int TCP_USER_TIMEOUT = Linux.TCP_USER_TIMEOUT();
    public static final int TCP_FASTOPEN = Linux.TCP_FASTOPEN();
    public static final int TCP_FASTOPEN_CONNECT = Linux.TCP_FASTOPEN_CONNECT();
    public static final int TCP_CORK = Linux.TCP_CORK();
    public static final int TCP_QUICKACK = Linux.TCP_QUICKACK();
    public static final int TCP_NOTSENT_LOWAT = Linux.TCP_NOTSENT_LOWAT();
    public static final int TCP_INFO = Linux.TCP_INFO();
    public static final int IP_TOS = Linux.IP_TOS();
    public static final int IP_TTL = Linux.IP_TTL();
    public static final int IP_MULTICAST_IF = Linux.IP_MULTICAST_IF();
    public static final int IP_MULTICAST_TTL = Linux.IP_MULTICAST_TTL();
    public static final int IP_MULTICAST_LOOP = Linux.IP_MULTICAST_LOOP();
    public static final int IP_ADD_MEMBERSHIP = Linux.IP_ADD_MEMBERSHIP();
    public static final int IP_DROP_MEMBERSHIP = Linux.IP_DROP_MEMBERSHIP();
    public static final int IP_FREEBIND = Linux.IP_FREEBIND();
    public static final int IP_BIND_ADDRESS_NO_PORT = Linux.IP_BIND_ADDRESS_NO_PORT();
    public static final int IPV6_V6ONLY = Linux.IPV6_V6ONLY();
    public static final int IPV6_TCLASS = Linux.IPV6_TCLASS();
    public static final int IPV6_UNICAST_HOPS = Linux.IPV6_UNICAST_HOPS();
    public static final int IPV6_MULTICAST_IF = Linux.IPV6_MULTICAST_IF();
    public static final int IPV6_MULTICAST_HOPS = Linux.IPV6_MULTICAST_HOPS();
    public static final int IPV6_MULTICAST_LOOP = Linux.IPV6_MULTICAST_LOOP();
    public static final int IPV6_JOIN_GROUP = Linux.IPV6_ADD_MEMBERSHIP();
    public static final int IPV6_LEAVE_GROUP = Linux.IPV6_DROP_MEMBERSHIP();

    private static final MethodHandle SOCKET = Downcalls.capturing(Linux.socket$address(), Linux.socket$descriptor());
    private static final MethodHandle SOCKETPAIR =
            Downcalls.capturing(Linux.socketpair$address(), Linux.socketpair$descriptor());
    private static final MethodHandle BIND = Downcalls.capturing(Linux.bind$address(), Linux.bind$descriptor());
    private static final MethodHandle LISTEN = Downcalls.capturing(Linux.listen$address(), Linux.listen$descriptor());
    private static final MethodHandle ACCEPT4 = Downcalls.capturing(Linux.accept4$address(), Linux.accept4$descriptor());
    private static final MethodHandle CONNECT = Downcalls.capturing(Linux.connect$address(), Linux.connect$descriptor());
    private static final MethodHandle GETSOCKNAME =
            Downcalls.capturing(Linux.getsockname$address(), Linux.getsockname$descriptor());
    private static final MethodHandle GETPEERNAME =
            Downcalls.capturing(Linux.getpeername$address(), Linux.getpeername$descriptor());
    private static final MethodHandle SHUTDOWN = Downcalls.capturing(Linux.shutdown$address(), Linux.shutdown$descriptor());
    private static final MethodHandle GETSOCKOPT =
            Downcalls.capturing(Linux.getsockopt$address(), Linux.getsockopt$descriptor());
    private static final MethodHandle SETSOCKOPT =
            Downcalls.capturing(Linux.setsockopt$address(), Linux.setsockopt$descriptor());
    private static final MethodHandle SEND = Downcalls.capturing(Linux.send$address(), Linux.send$descriptor());
    private static final MethodHandle SEND_HEAP =
            Downcalls.capturingWithHeapAccess(Linux.send$address(), Linux.send$descriptor());
    private static final MethodHandle RECV = Downcalls.capturing(Linux.recv$address(), Linux.recv$descriptor());
    private static final MethodHandle RECV_HEAP =
            Downcalls.capturingWithHeapAccess(Linux.recv$address(), Linux.recv$descriptor());
    private static final MethodHandle SENDTO = Downcalls.capturing(Linux.sendto$address(), Linux.sendto$descriptor());
    private static final MethodHandle SENDTO_HEAP =
            Downcalls.capturingWithHeapAccess(Linux.sendto$address(), Linux.sendto$descriptor());
    private static final MethodHandle RECVFROM =
            Downcalls.capturing(Linux.recvfrom$address(), Linux.recvfrom$descriptor());
    private static final MethodHandle RECVFROM_HEAP =
            Downcalls.capturingWithHeapAccess(Linux.recvfrom$address(), Linux.recvfrom$descriptor());
    private static final MethodHandle SENDMSG = Downcalls.capturing(Linux.sendmsg$address(), Linux.sendmsg$descriptor());
    private static final MethodHandle RECVMSG = Downcalls.capturing(Linux.recvmsg$address(), Linux.recvmsg$descriptor());

    private Sockets() {}

    /** {@code socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol)}: a descriptor, or {@code -errno}. */
    public static int socket(int domain, int type, int protocol) {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            int r = (int) SOCKET.invokeExact(frame.capture, domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
            return r >= 0 ? r : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** A connected pair, non-blocking and close-on-exec, into {@code fds}: 0, or {@code -errno}. */
    public static int socketpair(int domain, int type, int protocol, int[] fds) {
        Objects.checkFromIndexSize(0, 2, fds.length);
        Downcalls.Frame frame = Downcalls.frame();
        MemorySegment pair = frame.scratch;
        try {
            int r = (int) SOCKETPAIR.invokeExact(frame.capture, domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol, pair);
            if (r != 0) {
                return -frame.errno();
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
        fds[0] = pair.get(ValueLayout.JAVA_INT, 0);
        fds[1] = pair.get(ValueLayout.JAVA_INT, Integer.BYTES);
        return 0;
    }

    /** {@code bind(fd, address, length)}: 0, or {@code -errno}. */
    public static int bind(int fd, MemorySegment address, int length) {
        checkAddress(address, length);
        Downcalls.Frame frame = Downcalls.frame();
        try {
            int r = (int) BIND.invokeExact(frame.capture, fd, address, length);
            return r == 0 ? 0 : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code listen(fd, backlog)}: 0, or {@code -errno}. */
    public static int listen(int fd, int backlog) {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            int r = (int) LISTEN.invokeExact(frame.capture, fd, backlog);
            return r == 0 ? 0 : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * {@code accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)}: the new connection's
     * descriptor, or {@code -errno} ({@code -EAGAIN} when none is pending). Retries EINTR.
     */
    public static int accept(int fd) {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            while (true) {
                int r = (int) ACCEPT4.invokeExact(frame.capture, fd, MemorySegment.NULL, MemorySegment.NULL,
                        SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (r >= 0) {
                    return r;
                }
                int errno = frame.errno();
                if (errno != Errno.EINTR) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code connect(fd, address, length)}: 0, or {@code -errno} ({@code -EINPROGRESS} while connecting). */
    public static int connect(int fd, MemorySegment address, int length) {
        checkAddress(address, length);
        Downcalls.Frame frame = Downcalls.frame();
        try {
            int r = (int) CONNECT.invokeExact(frame.capture, fd, address, length);
            if (r == 0) {
                return 0;
            }
            int errno = frame.errno();
            return errno == Errno.EINTR ? -Errno.EINPROGRESS : -errno;
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * {@code getsockname}: writes the local address into {@code address} (at least
     * {@link SockAddr#STORAGE_SIZE} bytes) and returns its length, or {@code -errno}.
     */
    public static int localAddress(int fd, MemorySegment address) {
        return name(GETSOCKNAME, fd, address);
    }

    /** {@code getpeername}: like {@link #localAddress} for the peer; {@code -ENOTCONN} when unconnected. */
    public static int peerAddress(int fd, MemorySegment address) {
        return name(GETPEERNAME, fd, address);
    }

    private static int name(MethodHandle call, int fd, MemorySegment address) {
        checkAddress(address, (int) SockAddr.STORAGE_SIZE);
        Downcalls.Frame frame = Downcalls.frame();
        MemorySegment length = frame.scratch;
        length.set(ValueLayout.JAVA_INT, 0, (int) SockAddr.STORAGE_SIZE);
        try {
            int r = (int) call.invokeExact(frame.capture, fd, address, length);
            return r == 0 ? length.get(ValueLayout.JAVA_INT, 0) : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code shutdown(fd, how)}: 0, or {@code -errno}. */
    public static int shutdown(int fd, int how) {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            int r = (int) SHUTDOWN.invokeExact(frame.capture, fd, how);
            return r == 0 ? 0 : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * {@code getsockopt(fd, level, name, value, &length)} with {@code value.byteSize()} as the
     * buffer length: the length the kernel wrote, or {@code -errno}.
     */
    public static int getOption(int fd, int level, int name, MemorySegment value) {
        Downcalls.Frame frame = Downcalls.frame();
        MemorySegment length = frame.scratch;
        length.set(ValueLayout.JAVA_INT, 0, (int) value.byteSize());
        try {
            int r = (int) GETSOCKOPT.invokeExact(frame.capture, fd, level, name, value, length);
            return r == 0 ? length.get(ValueLayout.JAVA_INT, 0) : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code setsockopt(fd, level, name, value, value.byteSize())}: 0, or {@code -errno}. */
    public static int setOption(int fd, int level, int name, MemorySegment value) {
        Downcalls.Frame frame = Downcalls.frame();
        try {
            int r = (int) SETSOCKOPT.invokeExact(frame.capture, fd, level, name, value, (int) value.byteSize());
            return r == 0 ? 0 : -frame.errno();
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** Reads an {@code int} option: its value, or {@code -errno} as a negative long. */
    public static long getIntOption(int fd, int level, int name) {
        MemorySegment value = Downcalls.frame().scratch.asSlice(64, Integer.BYTES);
        int r = getOption(fd, level, name, value);
        return r < 0 ? r : Integer.toUnsignedLong(value.get(ValueLayout.JAVA_INT, 0));
    }

    /** Sets an {@code int} option: 0, or {@code -errno}. */
    public static int setIntOption(int fd, int level, int name, int v) {
        MemorySegment value = Downcalls.frame().scratch.asSlice(64, Integer.BYTES);
        value.set(ValueLayout.JAVA_INT, 0, v);
        return setOption(fd, level, name, value);
    }

    /** Offset in the thread's scratch where the multicast option structs are built. */
    private static final long MREQ_OFFSET = 128;
    private static final long IP_MREQN_SIZE = ip_mreqn.layout().byteSize();
    private static final long IPV6_MREQ_SIZE = ipv6_mreq.layout().byteSize();
    private static final long IN_ADDR_SIZE = in_addr.layout().byteSize();

    /**
     * Joins ({@code join}) or leaves a multicast group on the interface with index
     * {@code interfaceIndex} (0: the kernel's choice by routing). A 4-byte {@code group} uses
     * {@code IP_ADD_MEMBERSHIP} / {@code IP_DROP_MEMBERSHIP} with a {@code struct ip_mreqn}; a
     * 16-byte one {@code IPV6_ADD_MEMBERSHIP} / {@code IPV6_DROP_MEMBERSHIP} with a
     * {@code struct ipv6_mreq}. Returns 0, or {@code -errno}.
     */
    public static int multicastMembership(int fd, byte[] group, int interfaceIndex, boolean join) {
        MemorySegment scratch = Downcalls.frame().scratch;
        if (group.length == 4) {
            MemorySegment mreq = scratch.asSlice(MREQ_OFFSET, IP_MREQN_SIZE);
            mreq.fill((byte) 0);
            MemorySegment.copy(group, 0, mreq, ValueLayout.JAVA_BYTE, ip_mreqn.imr_multiaddr$offset(), 4);
            ip_mreqn.imr_ifindex(mreq, interfaceIndex);
            return setOption(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, mreq);
        }
        if (group.length == 16) {
            MemorySegment mreq = scratch.asSlice(MREQ_OFFSET, IPV6_MREQ_SIZE);
            mreq.fill((byte) 0);
            MemorySegment.copy(group, 0, mreq, ValueLayout.JAVA_BYTE, ipv6_mreq.ipv6mr_multiaddr$offset(), 16);
            ipv6_mreq.ipv6mr_interface(mreq, interfaceIndex);
            return setOption(fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, mreq);
        }
        throw new IllegalArgumentException("a group address has 4 or 16 bytes, not " + group.length);
    }

    /**
     * Sets the interface IPv4 multicast leaves by ({@code IP_MULTICAST_IF} with a
     * {@code struct ip_mreqn}): its index and, when {@code address} (4 bytes) is not null, its
     * address, which {@link #multicastInterface4} reads back. Index 0 with a null address resets
     * it to the kernel's choice. Returns 0, or {@code -errno}.
     */
    public static int setMulticastInterface4(int fd, int interfaceIndex, byte[] address) {
        MemorySegment mreq = Downcalls.frame().scratch.asSlice(MREQ_OFFSET, IP_MREQN_SIZE);
        mreq.fill((byte) 0);
        if (address != null) {
            if (address.length != 4) {
                throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + address.length);
            }
            MemorySegment.copy(address, 0, mreq, ValueLayout.JAVA_BYTE, ip_mreqn.imr_address$offset(), 4);
        }
        ip_mreqn.imr_ifindex(mreq, interfaceIndex);
        return setOption(fd, IPPROTO_IP, IP_MULTICAST_IF, mreq);
    }

    /**
     * Reads {@code IP_MULTICAST_IF}: the kernel reports the interface's address only (all zeros
     * when none was set, or when it was set by index alone), written into {@code address}
     * (4 bytes). Returns 0, or {@code -errno}.
     */
    public static int multicastInterface4(int fd, byte[] address) {
        if (address.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + address.length);
        }
        MemorySegment value = Downcalls.frame().scratch.asSlice(MREQ_OFFSET, IN_ADDR_SIZE);
        value.fill((byte) 0);
        int r = getOption(fd, IPPROTO_IP, IP_MULTICAST_IF, value);
        if (r < 0) {
            return r;
        }
        MemorySegment.copy(value, ValueLayout.JAVA_BYTE, 0, address, 0, 4);
        return 0;
    }

    /** {@code send(fd, buffer, length, flags | MSG_NOSIGNAL)}: bytes sent, or {@code -errno}. */
    public static long send(int fd, MemorySegment buffer, long length, int flags) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        Downcalls.Frame frame = Downcalls.frame();
        MethodHandle call = buffer.isNative() ? SEND : SEND_HEAP;
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, buffer, length, flags | MSG_NOSIGNAL);
                if (r >= 0) {
                    return r;
                }
                int errno = frame.errno();
                if (errno != Errno.EINTR) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code recv(fd, buffer, length, flags)}: bytes received (0 at end of stream), or {@code -errno}. */
    public static long receive(int fd, MemorySegment buffer, long length, int flags) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        Downcalls.Frame frame = Downcalls.frame();
        MethodHandle call = buffer.isNative() ? RECV : RECV_HEAP;
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, buffer, length, flags);
                if (r >= 0) {
                    return r;
                }
                int errno = frame.errno();
                if (errno != Errno.EINTR) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /** {@code sendto(fd, buffer, length, MSG_NOSIGNAL, address, addressLength)}: bytes sent, or {@code -errno}. */
    public static long sendTo(int fd, MemorySegment buffer, long length, MemorySegment address, int addressLength) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        checkAddress(address, addressLength);
        Downcalls.Frame frame = Downcalls.frame();
        MethodHandle call = buffer.isNative() ? SENDTO : SENDTO_HEAP;
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, buffer, length, MSG_NOSIGNAL, address, addressLength);
                if (r >= 0) {
                    return r;
                }
                int errno = frame.errno();
                if (errno != Errno.EINTR) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * {@code recvfrom(fd, buffer, length, flags, address, &addressLength)}: bytes received, or
     * {@code -errno}. The sender's address is written to {@code address} (at least
     * {@link SockAddr#STORAGE_SIZE} bytes) and its length to {@code addressLength[0]}.
     */
    public static long receiveFrom(int fd, MemorySegment buffer, long length, int flags,
            MemorySegment address, int[] addressLength) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        checkAddress(address, (int) SockAddr.STORAGE_SIZE);
        Downcalls.Frame frame = Downcalls.frame();
        MemorySegment lengthCell = frame.scratch;
        lengthCell.set(ValueLayout.JAVA_INT, 0, (int) SockAddr.STORAGE_SIZE);
        MethodHandle call = buffer.isNative() ? RECVFROM : RECVFROM_HEAP;
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, buffer, length, flags, address, lengthCell);
                if (r >= 0) {
                    addressLength[0] = lengthCell.get(ValueLayout.JAVA_INT, 0);
                    return r;
                }
                int errno = frame.errno();
                if (errno != Errno.EINTR) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    /**
     * Gathering send ({@code sendmsg} with {@code MSG_NOSIGNAL}) from the remaining bytes of
     * direct {@code buffers[offset .. offset+length)}, at most {@link Fd#MAX_IO_VECTORS} of them:
     * bytes sent, or {@code -errno}. Positions are not changed.
     */
    public static long sendVectored(int fd, ByteBuffer[] buffers, int offset, int length) {
        return vectored(SENDMSG, fd, buffers, offset, length, MSG_NOSIGNAL);
    }

    /** Scattering {@code recvmsg} into direct buffers: bytes received (0 at end of stream), or {@code -errno}. */
    public static long receiveVectored(int fd, ByteBuffer[] buffers, int offset, int length) {
        return vectored(RECVMSG, fd, buffers, offset, length, 0);
    }

    private static long vectored(MethodHandle call, int fd, ByteBuffer[] buffers, int offset, int length, int flags) {
        Objects.checkFromIndexSize(offset, length, buffers.length);
        Downcalls.Frame frame = Downcalls.frame();
        int count = Math.min(length, Fd.MAX_IO_VECTORS);
        MemorySegment iov = frame.scratch;
        MemorySegment message = frame.message;
        IoVec.fill(iov, buffers, offset, count);
        message.fill((byte) 0);
        msghdr.msg_iov(message, iov);
        msghdr.msg_iovlen(message, count);
        try {
            while (true) {
                long r = (long) call.invokeExact(frame.capture, fd, message, flags);
                if (r >= 0) {
                    return r;
                }
                int errno = frame.errno();
                if (errno != Errno.EINTR) {
                    return -errno;
                }
            }
        } catch (Throwable t) {
            throw Downcalls.unexpected(t);
        }
    }

    private static void checkAddress(MemorySegment address, int length) {
        if (length < 0 || length > address.byteSize()) {
            throw new IndexOutOfBoundsException("address of " + address.byteSize() + " bytes, length " + length);
        }
    }
}
