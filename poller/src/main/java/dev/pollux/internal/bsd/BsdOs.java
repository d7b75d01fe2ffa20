package dev.pollux.internal.bsd;

import dev.pollux.ffi.kqueue.PosixCalls;
import dev.pollux.ffi.kqueue.PosixPlatform;
import dev.pollux.ffi.kqueue.SocketConstants;
import dev.pollux.internal.Os;
import dev.pollux.internal.SocketAddressCodec;
import dev.pollux.internal.SocketOptionTable;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The BSD system-call layer (macOS, FreeBSD), over ffi-kqueue's {@link PosixCalls}: sockets
 * created non-blocking and close-on-exec (in one call on FreeBSD; with fcntl after socket, accept
 * and pipe on macOS, which lacks SOCK_NONBLOCK, accept4 and pipe2), SO_NOSIGPIPE on every socket
 * and MSG_NOSIGNAL on FreeBSD's sends, BSD errno names and {@code sockaddr} layouts. Built for
 * any {@link PosixPlatform}, so the same code runs against glibc with Linux's numbers in tests.
 * {@link #tcpInfo} is not supported (BSD's {@code struct tcp_info} and macOS's
 * {@code TCP_CONNECTION_INFO} differ from Linux's and are not mapped yet). Stateless and
 * thread-safe.
 */
public final class BsdOs implements Os {
    /** {@code sizeof(struct sockaddr)}: the AF_UNSPEC address {@link #disconnect} gives a Unix socket. */
    private static final int UNSPECIFIED_SIZE = 16;
    private static final InetAddress IPV4_WILDCARD = wildcard(new byte[4]);
    private static final InetAddress IPV6_WILDCARD = wildcard(new byte[16]);

    private final PosixPlatform platform;
    private final PosixCalls calls;
    private final SocketConstants c;
    private final BsdSocketAddressCodec addresses;
    private final BsdSocketOptions options;
    private final int eaddrnotavail;

    /** The layer for {@code platform}, linking its calls from the C library now. */
    public BsdOs(PosixPlatform platform) {
        this.platform = platform;
        this.calls = new PosixCalls(platform);
        this.c = platform.sockets();
        this.addresses = new BsdSocketAddressCodec(calls.sockaddr(), platform.name(), c.afInet(), c.afInet6(),
                c.afUnix());
        this.options = new BsdSocketOptions(platform.name(), c);
        this.eaddrnotavail = platform.errno().value("EADDRNOTAVAIL");
    }

    private static InetAddress wildcard(byte[] zeros) {
        try {
            return InetAddress.getByAddress(zeros);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // a literal address of the right length
        }
    }

    /** The platform this layer was built for. */
    public PosixPlatform platform() {
        return platform;
    }

    /** The calls underneath, for tests that check descriptor flags. */
    public PosixCalls calls() {
        return calls;
    }

    @Override
    public int eagain() {
        return platform.errno().eagain();
    }

    @Override
    public int eintr() {
        return platform.errno().eintr();
    }

    @Override
    public int enoent() {
        return platform.errno().enoent();
    }

    @Override
    public int setCloseOnExec(int fd) {
        return calls.setCloseOnExec(fd);
    }

    @Override
    public String errnoName(int errno) {
        return platform.errno().name(errno);
    }

    @Override
    public int pipe(int[] fds) {
        return calls.pipe(fds);
    }

    @Override
    public long read(int fd, MemorySegment buffer, long length) {
        return calls.read(fd, buffer, length);
    }

    @Override
    public long write(int fd, MemorySegment buffer, long length) {
        return calls.write(fd, buffer, length);
    }

    @Override
    public long readv(int fd, ByteBuffer[] buffers, int offset, int length) {
        return calls.readv(fd, buffers, offset, length);
    }

    @Override
    public long writev(int fd, ByteBuffer[] buffers, int offset, int length) {
        return calls.writev(fd, buffers, offset, length);
    }

    @Override
    public int maxIoVectors() {
        return PosixCalls.MAX_IO_VECTORS;
    }

    @Override
    public int close(int fd) {
        return calls.close(fd);
    }

    @Override
    public int isNonBlocking(int fd) {
        return calls.isNonBlocking(fd);
    }

    @Override
    public int einprogress() {
        return platform.errno().einprogress();
    }

    @Override
    public int enotconn() {
        return platform.errno().enotconn();
    }

    @Override
    public int afInet() {
        return c.afInet();
    }

    @Override
    public int afInet6() {
        return c.afInet6();
    }

    @Override
    public int afUnix() {
        return c.afUnix();
    }

    @Override
    public int sockStream() {
        return c.sockStream();
    }

    @Override
    public int sockDgram() {
        return c.sockDgram();
    }

    @Override
    public int socket(int family, int type) {
        return calls.socket(family, type);
    }

    @Override
    public int socketPair(int family, int type, int[] fds) {
        return calls.socketpair(family, type, fds);
    }

    @Override
    public int bind(int fd, MemorySegment address, int length) {
        return calls.bind(fd, address, length);
    }

    @Override
    public int listen(int fd, int backlog) {
        return calls.listen(fd, backlog);
    }

    @Override
    public int accept(int fd) {
        return calls.accept(fd);
    }

    @Override
    public int connect(int fd, MemorySegment address, int length) {
        return calls.connect(fd, address, length);
    }

    @Override
    public int disconnect(int fd, int family, MemorySegment scratch) {
        // BSD disconnects a datagram socket before trying a new connect (soconnect: "this allows
        // the user to disconnect by connecting to a null address"): the JDK connects an IP
        // socket to its family's wildcard address with port 0, which then fails with
        // EADDRNOTAVAIL; a Unix socket is given AF_UNSPEC, which its connect then refuses.
        int length;
        if (family == c.afInet() || family == c.afInet6()) {
            InetAddress wildcard = family == c.afInet() ? IPV4_WILDCARD : IPV6_WILDCARD;
            length = addresses.encodeInet(new InetSocketAddress(wildcard, 0), family, scratch);
        } else {
            // All zeros: AF_UNSPEC; the kernel sets sa_len from the length passed.
            length = UNSPECIFIED_SIZE;
            scratch.asSlice(0, length).fill((byte) 0);
        }
        int r = calls.connect(fd, scratch, length);
        return r == -eaddrnotavail ? 0 : r;
    }

    @Override
    public int localAddress(int fd, MemorySegment address) {
        return calls.localAddress(fd, address);
    }

    @Override
    public int peerAddress(int fd, MemorySegment address) {
        return calls.peerAddress(fd, address);
    }

    @Override
    public int shutdown(int fd, boolean read, boolean write) {
        return calls.shutdown(fd, read, write);
    }

    @Override
    public long send(int fd, MemorySegment buffer, long length) {
        return calls.send(fd, buffer, length);
    }

    @Override
    public long receive(int fd, MemorySegment buffer, long length, boolean peek) {
        return calls.receive(fd, buffer, length, peek);
    }

    @Override
    public long sendTo(int fd, MemorySegment buffer, long length, MemorySegment address, int addressLength) {
        return calls.sendTo(fd, buffer, length, address, addressLength);
    }

    @Override
    public long receiveFrom(int fd, MemorySegment buffer, long length, boolean peek, MemorySegment address,
            int[] addressLength) {
        return calls.receiveFrom(fd, buffer, length, peek, address, addressLength);
    }

    @Override
    public long sendVectored(int fd, ByteBuffer[] buffers, int offset, int length) {
        return calls.sendVectored(fd, buffers, offset, length);
    }

    @Override
    public long receiveVectored(int fd, ByteBuffer[] buffers, int offset, int length) {
        return calls.receiveVectored(fd, buffers, offset, length);
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedOperationException always: TCP_INFO is not mapped on BSD yet
     */
    @Override
    public int tcpInfo(int fd, long[] values) {
        throw new UnsupportedOperationException("TCP_INFO is not supported on " + platform.name());
    }

    @Override
    public int takeSocketError(int fd) {
        return calls.takeSocketError(fd);
    }

    @Override
    public int multicastMembership(int fd, byte[] group, int interfaceIndex, boolean join) {
        // The socket's family decides how an IPv4 group is joined (see PosixCalls).
        MemorySegment address = dev.pollux.internal.SocketAddresses.scratch();
        int r = calls.localAddress(fd, address);
        if (r < 0) {
            return r;
        }
        int family = r < 2 ? c.afInet() : calls.sockaddr().family(address);
        return calls.multicastMembership(fd, family, group, interfaceIndex, join);
    }

    @Override
    public int setMulticastInterface(int fd, int family, int interfaceIndex, byte[] ipv4Address) {
        if (family == c.afInet6()) {
            return calls.setIntOption(fd, c.ipprotoIpv6(), c.ipv6MulticastIf(), interfaceIndex);
        }
        return calls.setMulticastInterface4(fd, interfaceIndex, ipv4Address);
    }

    @Override
    public int multicastInterface(int fd, int family, byte[] ipv4Address) {
        if (family == c.afInet6()) {
            return (int) calls.getIntOption(fd, c.ipprotoIpv6(), c.ipv6MulticastIf());
        }
        return calls.multicastInterface4(fd, ipv4Address);
    }

    @Override
    public int setOption(int fd, int level, int name, MemorySegment value) {
        return calls.setOption(fd, level, name, value);
    }

    @Override
    public int getOption(int fd, int level, int name, MemorySegment value) {
        return calls.getOption(fd, level, name, value);
    }

    @Override
    public SocketAddressCodec addresses() {
        return addresses;
    }

    @Override
    public SocketOptionTable socketOptions() {
        return options;
    }
}
