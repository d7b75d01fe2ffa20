package dev.pollux.internal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The OS system-call layer, chosen independently of the event-queue backend (kqueue over
 * libkqueue on Linux uses the Linux calls). Methods follow the kernel's convention: a
 * non-negative result, or {@code -errno}. Implementations are stateless and thread-safe.
 */
public interface Os {
    /** The layer for the OS this JVM runs on. */
    static Os current() {
        return OsHolder.CURRENT;
    }

    /** errno for "would block". */
    int eagain();

    /** errno for "interrupted by a signal". */
    int eintr();

    /** errno for "no such entry". */
    int enoent();

    /** Sets FD_CLOEXEC on {@code fd}: 0 or {@code -errno}. */
    int setCloseOnExec(int fd);

    /** Symbolic name of an errno value, such as {@code "EBADF"}. */
    String errnoName(int errno);

    /** A non-blocking, close-on-exec pipe: fills {@code fds} with read end, write end. */
    int pipe(int[] fds);

    long read(int fd, MemorySegment buffer, long length);

    long write(int fd, MemorySegment buffer, long length);

    /** Scattering read into direct buffers (at most {@link #maxIoVectors()} of them). */
    long readv(int fd, ByteBuffer[] buffers, int offset, int length);

    /** Gathering write from direct buffers (at most {@link #maxIoVectors()} of them). */
    long writev(int fd, ByteBuffer[] buffers, int offset, int length);

    /** How many buffers one readv/writev call takes. */
    int maxIoVectors();

    int close(int fd);

    /** Whether {@code fd} has O_NONBLOCK set: 1, 0, or {@code -errno}. */
    int isNonBlocking(int fd);

    // Sockets. Families and types are this OS's constants; every socket is created non-blocking
    // and close-on-exec, and no send raises SIGPIPE.

    /** errno for "connect in progress". */
    int einprogress();

    /** errno for "not connected". */
    int enotconn();

    int afInet();

    int afInet6();

    int afUnix();

    int sockStream();

    int sockDgram();

    int socket(int family, int type);

    int socketPair(int family, int type, int[] fds);

    int bind(int fd, MemorySegment address, int length);

    int listen(int fd, int backlog);

    /** A pending connection's descriptor (non-blocking, close-on-exec), or {@code -errno}. */
    int accept(int fd);

    int connect(int fd, MemorySegment address, int length);

    /**
     * Dissolves a datagram socket's association: {@code connect} to an unspecified address,
     * written for a socket of {@code family} into {@code scratch} (room for any address). 0 or
     * {@code -errno}; on the BSDs the call may fail after it has disconnected, so a caller tells
     * the outcome by asking for the peer afterwards.
     */
    int disconnect(int fd, int family, MemorySegment scratch);

    /** Writes the local address into {@code address}; returns its length or {@code -errno}. */
    int localAddress(int fd, MemorySegment address);

    /** Writes the peer address into {@code address}; returns its length or {@code -errno}. */
    int peerAddress(int fd, MemorySegment address);

    int shutdown(int fd, boolean read, boolean write);

    long send(int fd, MemorySegment buffer, long length);

    long receive(int fd, MemorySegment buffer, long length, boolean peek);

    long sendTo(int fd, MemorySegment buffer, long length, MemorySegment address, int addressLength);

    /** Receives a datagram; the sender goes to {@code address}, its length to {@code addressLength[0]}. */
    long receiveFrom(int fd, MemorySegment buffer, long length, boolean peek, MemorySegment address, int[] addressLength);

    long sendVectored(int fd, ByteBuffer[] buffers, int offset, int length);

    long receiveVectored(int fd, ByteBuffer[] buffers, int offset, int length);

    /**
     * Reads {@code TCP_INFO} into {@code values}, in the component order of
     * {@code dev.pollux.net.TcpInfo}: 0 or {@code -errno}.
     *
     * @throws UnsupportedOperationException where the OS has no TCP_INFO this layer can read
     */
    int tcpInfo(int fd, long[] values);

    /** Reads and clears {@code SO_ERROR}: the pending error (0 for none), or {@code -errno}. */
    int takeSocketError(int fd);

    /**
     * Joins ({@code join}) or leaves multicast {@code group} (4 bytes: IPv4, 16: IPv6) on the
     * interface with {@code interfaceIndex} (0: the kernel's choice): 0 or {@code -errno}.
     */
    int multicastMembership(int fd, byte[] group, int interfaceIndex, boolean join);

    /**
     * Sets the interface outgoing multicast leaves by, on a socket of {@code family}: by index,
     * and on IPv4 also by {@code ipv4Address} (4 bytes, or null) so that it reads back; index 0
     * with a null address resets it. 0 or {@code -errno}.
     */
    int setMulticastInterface(int fd, int family, int interfaceIndex, byte[] ipv4Address);

    /**
     * The interface outgoing multicast leaves by: on an IPv6 socket its index (0: none set); on an
     * IPv4 socket its address is written to {@code ipv4Address} (zeros: none known) and 0 returned.
     * Or {@code -errno}.
     */
    int multicastInterface(int fd, int family, byte[] ipv4Address);

    /** {@code setsockopt} with {@code value.byteSize()} bytes: 0 or {@code -errno}. */
    int setOption(int fd, int level, int name, MemorySegment value);

    /** {@code getsockopt} into {@code value}: the length written, or {@code -errno}. */
    int getOption(int fd, int level, int name, MemorySegment value);

    /** Encodes and decodes this OS's socket addresses. */
    SocketAddressCodec addresses();

    /** The socket options this OS supports. */
    SocketOptionTable socketOptions();
}

/** Creates the {@link Os} for this JVM once, on first use. */
final class OsHolder {
    static final Os CURRENT = create();

    private OsHolder() {}

    private static Os create() {
        String os = System.getProperty("os.name", "");
        if (os.startsWith("Linux")) {
            NativeAccess.check(dev.pollux.ffi.epoll.Errno.class);
            return new dev.pollux.internal.linux.LinuxOs();
        }
        if (os.startsWith("Mac OS X") || os.startsWith("FreeBSD")) {
            NativeAccess.check(dev.pollux.ffi.kqueue.PosixPlatform.class);
            return new dev.pollux.internal.bsd.BsdOs(dev.pollux.ffi.kqueue.PosixPlatform.current());
        }
        if (os.startsWith("Windows")) {
            NativeAccess.check(dev.pollux.ffi.iocp.Iocp.class);
            return new dev.pollux.internal.windows.WindowsOs();
        }
        throw new UnsupportedOperationException("Pollux has no system-call layer for " + os + " yet");
    }
}
