package dev.pollux.internal.windows;

import dev.pollux.ffi.iocp.WinError;
import dev.pollux.ffi.iocp.WinLayouts;
import dev.pollux.ffi.iocp.Winsock;
import dev.pollux.ffi.iocp.WinsockCalls;
import dev.pollux.internal.Os;
import dev.pollux.internal.SocketAddressCodec;
import dev.pollux.internal.SocketOptionTable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The Windows system-call layer: Winsock sockets through ffi-iocp's {@link WinsockCalls}, with
 * Winsock's error codes in the place of errno ({@code WSAEWOULDBLOCK} is "would block", and also
 * what a non-blocking connect returns, so it doubles as "in progress"). Sockets only: a pipe is
 * a loopback TCP connection ({@link #pipe}); socket pairs, Unix-domain datagram sockets,
 * TCP_INFO and multicast membership fail with {@link UnsupportedOperationException} naming
 * Windows. Socket numbers are SOCKETs, which
 * Windows keeps below 2^32 (Pollux holds them in an {@code int}).
 *
 * <p><b>Unverified:</b> written from the Winsock documentation and the mingw-w64 headers, never
 * run (there is no Windows JVM where Pollux is built); its address codec and option table are
 * tested on Linux.
 */
public final class WindowsOs implements Os {
    private static final String PLATFORM = "Windows";
    private static final InetAddress LOOPBACK = loopbackV4();
    /** Room for a few strangers' connections ahead of ours. */
    private static final int PIPE_BACKLOG = 8;
    private static final int PIPE_ACCEPT_ATTEMPTS = PIPE_BACKLOG + 1;
    /** sin_family, sin_port and sin_addr: the bytes of a SOCKADDR_IN that name an endpoint. */
    private static final int SOCKADDR_IN_IDENTITY = 8;
    private volatile WinsockCalls calls;

    /** Links nothing: Winsock is linked by the first socket call. */
    public WindowsOs() {}

    private static InetAddress loopbackV4() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private WinsockCalls calls() {
        WinsockCalls c = calls;
        if (c == null) {
            c = WinsockCalls.open();
            calls = c;
        }
        return c;
    }

    private static UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException(what + " is not supported on " + PLATFORM + " by Pollux");
    }

    @Override
    public int eagain() {
        return WinError.WSAEWOULDBLOCK;
    }

    @Override
    public int eintr() {
        return WinError.WSAEINTR;
    }

    @Override
    public int enoent() {
        return WinError.ERROR_NOT_FOUND;
    }

    /** Sockets are created not inheritable (WSA_FLAG_NO_HANDLE_INHERIT). */
    @Override
    public int setCloseOnExec(int fd) {
        return 0;
    }

    @Override
    public String errnoName(int errno) {
        return WinError.name(errno);
    }

    /**
     * A loopback TCP connection standing in for a pipe (Windows has no non-blocking anonymous
     * pipe a socket poller can wait on): a listener on 127.0.0.1 port 0, a blocking connect to
     * it, a blocking accept, the listener closed; the connecting socket is the write end, the
     * accepted one the read end, both non-blocking, the write end with TCP_NODELAY. Another local
     * process may connect to the listener between listen and accept: a connection whose peer is
     * not our connecting socket (address and port, from getpeername and getsockname) is closed
     * and the next one accepted, a few times at most (the JDK's Windows pipe checks a secret
     * written through the connection instead). On failure everything opened is closed.
     */
    @Override
    public int pipe(int[] fds) {
        WinsockCalls c = calls();
        int listener = socket(Winsock.AF_INET, Winsock.SOCK_STREAM);
        if (listener < 0) {
            return listener;
        }
        int sender = -1;
        int receiver = -1;
        try (Arena arena = Arena.ofConfined()) {
            // Room for the codec, which clears a whole storage-sized address before encoding.
            MemorySegment listening = arena.allocate(WinLayouts.SOCKADDR_STORAGE);
            MemorySegment local = arena.allocate(WinLayouts.SOCKADDR_IN);
            MemorySegment peer = arena.allocate(WinLayouts.SOCKADDR_IN);
            int length = addresses().encodeInet(new InetSocketAddress(LOOPBACK, 0), Winsock.AF_INET, listening);
            int r = c.bind(listener, listening, length);
            r = r < 0 ? r : c.listen(listener, PIPE_BACKLOG);
            r = r < 0 ? r : c.address(listener, listening, false);
            if (r < 0) {
                return r;
            }
            length = r;
            sender = socket(Winsock.AF_INET, Winsock.SOCK_STREAM);
            if (sender < 0) {
                return sender;
            }
            // Blocking connect and accept: the loopback handshake completes at once, and
            // Winsock has no call that waits for a single socket without a selector.
            r = c.setNonBlocking(sender, false);
            r = r < 0 ? r : c.connect(sender, listening, length);
            r = r < 0 ? r : c.setNonBlocking(sender, true);
            r = r < 0 ? r : c.address(sender, local, false);
            r = r < 0 ? r : c.setNonBlocking(listener, false);
            if (r < 0) {
                return r;
            }
            int localLength = r;
            for (int attempt = 0; attempt < PIPE_ACCEPT_ATTEMPTS && receiver < 0; attempt++) {
                long accepted = c.accept(listener); // made non-blocking by accept
                if (accepted < 0) {
                    return (int) accepted;
                }
                int peerLength = c.address(accepted, peer, true);
                if (peerLength >= SOCKADDR_IN_IDENTITY && localLength >= SOCKADDR_IN_IDENTITY
                        && MemorySegment.mismatch(local, 0, SOCKADDR_IN_IDENTITY, peer, 0, SOCKADDR_IN_IDENTITY) == -1) {
                    receiver = (int) accepted;
                } else {
                    c.close(accepted); // someone else's connection, or one we cannot check
                }
            }
            if (receiver < 0) {
                return -WinError.WSAECONNREFUSED;
            }
            MemorySegment one = arena.allocate(ValueLayout.JAVA_INT);
            one.set(ValueLayout.JAVA_INT, 0, 1);
            r = c.setOption(sender, Winsock.IPPROTO_TCP, Winsock.TCP_NODELAY, one);
            if (r < 0) {
                return r;
            }
            fds[0] = receiver;
            fds[1] = sender;
            sender = -1;
            receiver = -1;
            return 0;
        } finally {
            c.close(listener);
            if (sender >= 0) {
                c.close(sender);
            }
            if (receiver >= 0) {
                c.close(receiver);
            }
        }
    }

    // Every descriptor this layer makes is a socket (a Pipe's ends too): reads and writes on a
    // "non-socket" descriptor are recv and send.

    @Override
    public long read(int fd, MemorySegment buffer, long length) {
        return receive(fd, buffer, length, false);
    }

    @Override
    public long write(int fd, MemorySegment buffer, long length) {
        return send(fd, buffer, length);
    }

    @Override
    public long readv(int fd, ByteBuffer[] buffers, int offset, int length) {
        return receiveVectored(fd, buffers, offset, length);
    }

    @Override
    public long writev(int fd, ByteBuffer[] buffers, int offset, int length) {
        return sendVectored(fd, buffers, offset, length);
    }

    @Override
    public int maxIoVectors() {
        return 64;
    }

    @Override
    public int close(int fd) {
        return calls().close(fd);
    }

    /** Every socket is made non-blocking when created or accepted; Winsock cannot report it. */
    @Override
    public int isNonBlocking(int fd) {
        return 1;
    }

    @Override
    public int einprogress() {
        return WinError.WSAEWOULDBLOCK;
    }

    @Override
    public int enotconn() {
        return WinError.WSAENOTCONN;
    }

    @Override
    public int afInet() {
        return Winsock.AF_INET;
    }

    @Override
    public int afInet6() {
        return Winsock.AF_INET6;
    }

    @Override
    public int afUnix() {
        return Winsock.AF_UNIX;
    }

    @Override
    public int sockStream() {
        return Winsock.SOCK_STREAM;
    }

    @Override
    public int sockDgram() {
        return Winsock.SOCK_DGRAM;
    }

    @Override
    public int socket(int family, int type) {
        if (family == Winsock.AF_UNIX && type == Winsock.SOCK_DGRAM) {
            throw unsupported("a Unix-domain datagram socket");
        }
        long s = calls().socket(family, type);
        if (s < 0) {
            return (int) s;
        }
        if (family != Winsock.AF_UNIX) {
            // Windows's SO_REUSEADDR would let another socket take the port: forbid it.
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment one = arena.allocate(ValueLayout.JAVA_INT);
                one.set(ValueLayout.JAVA_INT, 0, 1);
                int r = calls().setOption(s, Winsock.SOL_SOCKET, Winsock.SO_EXCLUSIVEADDRUSE, one);
                if (r < 0) {
                    calls().close(s);
                    return r;
                }
            }
        }
        return (int) s;
    }

    @Override
    public int socketPair(int family, int type, int[] fds) {
        throw unsupported("socketpair");
    }

    @Override
    public int bind(int fd, MemorySegment address, int length) {
        return calls().bind(fd, address, length);
    }

    @Override
    public int listen(int fd, int backlog) {
        return calls().listen(fd, backlog);
    }

    @Override
    public int accept(int fd) {
        return (int) calls().accept(fd);
    }

    @Override
    public int connect(int fd, MemorySegment address, int length) {
        return calls().connect(fd, address, length);
    }

    /**
     * Dissolves a datagram socket's association, as Winsock documents it: {@code connect} to the
     * unspecified address (INADDR_ANY or in6addr_any, port 0) of the socket's family. Written
     * for the {@code Os.disconnect} method of the error-mapping branch (no {@code @Override}
     * until both meet); 0 or {@code -WSAGetLastError()}.
     */
    public int disconnect(int fd, int family, MemorySegment scratch) {
        long size = family == Winsock.AF_INET6 ? WinLayouts.SOCKADDR_IN6.byteSize() : WinLayouts.SOCKADDR_IN.byteSize();
        scratch.asSlice(0, size).fill((byte) 0);
        scratch.set(ValueLayout.JAVA_SHORT, 0, (short) family);
        return calls().connect(fd, scratch, (int) size);
    }

    @Override
    public int localAddress(int fd, MemorySegment address) {
        return calls().address(fd, address, false);
    }

    @Override
    public int peerAddress(int fd, MemorySegment address) {
        return calls().address(fd, address, true);
    }

    @Override
    public int shutdown(int fd, boolean read, boolean write) {
        int how = read && write ? Winsock.SD_BOTH : (read ? Winsock.SD_RECEIVE : Winsock.SD_SEND);
        return calls().shutdown(fd, how);
    }

    private static int clamp(long length) {
        return (int) Math.min(length, Integer.MAX_VALUE);
    }

    @Override
    public long send(int fd, MemorySegment buffer, long length) {
        return calls().send(fd, buffer, clamp(length));
    }

    @Override
    public long receive(int fd, MemorySegment buffer, long length, boolean peek) {
        return calls().recv(fd, buffer, clamp(length), peek ? Winsock.MSG_PEEK : 0);
    }

    @Override
    public long sendTo(int fd, MemorySegment buffer, long length, MemorySegment address, int addressLength) {
        return calls().sendTo(fd, buffer, clamp(length), address, addressLength);
    }

    @Override
    public long receiveFrom(int fd, MemorySegment buffer, long length, boolean peek, MemorySegment address,
            int[] addressLength) {
        return calls().receiveFrom(fd, buffer, clamp(length), peek ? Winsock.MSG_PEEK : 0, address, addressLength);
    }

    /** One send per buffer, stopping at the first short or failed one (WSASend is not bound yet). */
    @Override
    public long sendVectored(int fd, ByteBuffer[] buffers, int offset, int length) {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = buffers[i];
            int want = b.remaining();
            if (want == 0) {
                continue;
            }
            int n = calls().send(fd, MemorySegment.ofBuffer(b), want);
            if (n < 0) {
                return total > 0 ? total : n;
            }
            total += n;
            if (n < want) {
                break;
            }
        }
        return total;
    }

    /** One recv per buffer, stopping at the first short or failed one (WSARecv is not bound yet). */
    @Override
    public long receiveVectored(int fd, ByteBuffer[] buffers, int offset, int length) {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = buffers[i];
            int want = b.remaining();
            if (want == 0) {
                continue;
            }
            int n = calls().recv(fd, MemorySegment.ofBuffer(b), want, 0);
            if (n < 0) {
                return total > 0 ? total : n;
            }
            total += n;
            if (n < want) {
                break;
            }
        }
        return total;
    }

    @Override
    public int tcpInfo(int fd, long[] values) {
        throw unsupported("TCP_INFO");
    }

    @Override
    public int takeSocketError(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            int r = calls().getOption(fd, Winsock.SOL_SOCKET, Winsock.SO_ERROR, value);
            return r < 0 ? r : value.get(ValueLayout.JAVA_INT, 0);
        }
    }

    @Override
    public int multicastMembership(int fd, byte[] group, int interfaceIndex, boolean join) {
        throw unsupported("multicast membership");
    }

    @Override
    public int setMulticastInterface(int fd, int family, int interfaceIndex, byte[] ipv4Address) {
        throw unsupported("setting the multicast interface");
    }

    @Override
    public int multicastInterface(int fd, int family, byte[] ipv4Address) {
        throw unsupported("reading the multicast interface");
    }

    @Override
    public int setOption(int fd, int level, int name, MemorySegment value) {
        return calls().setOption(fd, level, name, value);
    }

    @Override
    public int getOption(int fd, int level, int name, MemorySegment value) {
        return calls().getOption(fd, level, name, value);
    }

    @Override
    public SocketAddressCodec addresses() {
        return WindowsSocketAddressCodec.INSTANCE;
    }

    @Override
    public SocketOptionTable socketOptions() {
        return WindowsSocketOptions.INSTANCE;
    }
}
