package dev.pollux.internal.bsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.ffi.epoll.Errno;
import dev.pollux.ffi.kqueue.PosixCalls;
import dev.pollux.ffi.kqueue.PosixPlatform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The BSD system-call layer ({@link BsdOs} over ffi-kqueue's {@code PosixCalls}) run on Linux
 * through real sockets and pipes, with Linux's numbers and layouts ({@link LinuxPosixPlatforms}).
 * What runs here is the layer's own code: the macOS route (socket, accept and pipe followed by
 * fcntl, since macOS has no SOCK_NONBLOCK, accept4 or pipe2), the FreeBSD route (the atomic calls),
 * the option set on every new socket (SO_NOSIGPIPE's slot), vectored I/O through a
 * {@code struct msghdr} written from a layout record, errno names from a table, and multicast by
 * {@code struct group_req}. What cannot run here is anything with BSD's own numbers: those are
 * checked against the headers in ffi-kqueue's tests.
 */
class BsdOsOnLinuxTest {
    private final List<Integer> open = new ArrayList<>();
    private final Arena arena = Arena.ofConfined();

    static Stream<PosixPlatform> bothRoutes() {
        return Stream.of(LinuxPosixPlatforms.portable(), LinuxPosixPlatforms.atomic());
    }

    @AfterEach
    void closeAll() {
        BsdOs os = new BsdOs(LinuxPosixPlatforms.portable());
        for (int fd : open) {
            os.close(fd);
        }
        arena.close();
    }

    private int track(int fd) {
        assertTrue(fd >= 0, () -> "expected a descriptor, got " + fd);
        open.add(fd);
        return fd;
    }

    private static void assertNonBlockingAndCloseOnExec(BsdOs os, int fd, String what) {
        assertEquals(1, os.isNonBlocking(fd), what + ": O_NONBLOCK");
        assertEquals(1, os.calls().isCloseOnExec(fd), what + ": FD_CLOEXEC");
    }

    private static int acceptSoon(BsdOs os, int listener) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            int fd = os.accept(listener);
            if (fd != -os.eagain()) {
                return fd;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("no connection to accept");
    }

    private static long receiveSoon(BsdOs os, int fd, MemorySegment buffer, long length) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            long r = os.receive(fd, buffer, length, false);
            if (r != -os.eagain()) {
                return r;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("nothing to receive");
    }

    private static SocketAddress decode(BsdOs os, MemorySegment address, int length) {
        return os.addresses().decode(address, length, path -> new UnixPath(new String(path, StandardCharsets.UTF_8)));
    }

    /** The test's stand-in for the net package's Unix address type. */
    static final class UnixPath extends SocketAddress {
        private static final long serialVersionUID = 1L;
        private final String path;

        UnixPath(String path) {
            this.path = path;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UnixPath u && u.path.equals(path);
        }

        @Override
        public int hashCode() {
            return path.hashCode();
        }

        @Override
        public String toString() {
            return "UnixPath[" + path + "]";
        }
    }

    @ParameterizedTest
    @MethodSource("bothRoutes")
    void tcpSocketsAreNonBlockingAndCloseOnExecAndEchoThroughSendRecvAndMsghdr(PosixPlatform platform)
            throws Exception {
        BsdOs os = new BsdOs(platform);
        int listener = track(os.socket(os.afInet(), os.sockStream()));
        assertNonBlockingAndCloseOnExec(os, listener, "listener");
        MemorySegment address = arena.allocate(os.addresses().storageSize(), 8);
        int length = os.addresses().encodeInet(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                os.afInet(), address);
        assertEquals(0, os.bind(listener, address, length));
        assertEquals(0, os.listen(listener, 16));
        int localLength = os.localAddress(listener, address);
        InetSocketAddress bound = (InetSocketAddress) decode(os, address, localLength);
        assertTrue(bound.getPort() > 0);

        int client = track(os.socket(os.afInet(), os.sockStream()));
        assertNonBlockingAndCloseOnExec(os, client, "client");
        length = os.addresses().encodeInet(bound, os.afInet(), address);
        int r = os.connect(client, address, length);
        assertTrue(r == 0 || r == -os.einprogress(), () -> "connect: " + os.errnoName(-r));

        int server = track(acceptSoon(os, listener));
        // Linux's accept does not pass O_NONBLOCK on, so this shows the layer set it.
        assertNonBlockingAndCloseOnExec(os, server, "accepted");
        assertEquals(0, os.takeSocketError(client));
        InetSocketAddress peer = (InetSocketAddress) decode(os, address, os.peerAddress(server, address));
        InetSocketAddress clientLocal = (InetSocketAddress) decode(os, address, os.localAddress(client, address));
        assertEquals(clientLocal, peer);

        MemorySegment buffer = arena.allocate(64);
        buffer.setString(0, "ping");
        assertEquals(4, os.send(client, buffer, 4));
        MemorySegment in = arena.allocate(64);
        assertEquals(4, receiveSoon(os, server, in, 64));
        assertEquals("ping", in.getString(0));
        assertEquals(-os.eagain(), os.receive(server, in, 64, false), "drained");
        assertEquals("EAGAIN", os.errnoName(os.eagain()));

        ByteBuffer head = ByteBuffer.allocateDirect(3).put("abc".getBytes(StandardCharsets.US_ASCII)).flip();
        ByteBuffer tail = ByteBuffer.allocateDirect(4).put("defg".getBytes(StandardCharsets.US_ASCII)).flip();
        assertEquals(7, os.sendVectored(server, new ByteBuffer[] {head, tail}, 0, 2));
        byte[] peeked = new byte[7];
        MemorySegment peek = arena.allocate(7);
        for (int i = 0; i < 500 && os.receive(client, peek, 7, true) != 7; i++) {
            Thread.sleep(2);
        }
        peek.asByteBuffer().get(peeked);
        assertArrayEquals("abcdefg".getBytes(StandardCharsets.US_ASCII), peeked, "MSG_PEEK");
        ByteBuffer a = ByteBuffer.allocateDirect(2);
        ByteBuffer b = ByteBuffer.allocateDirect(5);
        assertEquals(7, os.receiveVectored(client, new ByteBuffer[] {a, b}, 0, 2), "recvmsg after peek");
        assertEquals("ab", StandardCharsets.US_ASCII.decode(a).toString());
        assertEquals("cdefg", StandardCharsets.US_ASCII.decode(b).toString());

        assertEquals(0, os.shutdown(client, false, true));
        assertEquals(0, receiveSoon(os, server, in, 64), "end of stream after shutdown(SHUT_WR)");
    }

    @Test
    void connectToAClosedPortReportsEconnrefusedByName() throws Exception {
        BsdOs os = new BsdOs(LinuxPosixPlatforms.portable());
        int probe = track(os.socket(os.afInet(), os.sockStream()));
        MemorySegment address = arena.allocate(os.addresses().storageSize(), 8);
        int length = os.addresses().encodeInet(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                os.afInet(), address);
        assertEquals(0, os.bind(probe, address, length));
        InetSocketAddress unused = (InetSocketAddress) decode(os, address, os.localAddress(probe, address));
        os.close(probe);
        open.remove((Integer) probe);

        int client = track(os.socket(os.afInet(), os.sockStream()));
        length = os.addresses().encodeInet(unused, os.afInet(), address);
        int r = os.connect(client, address, length);
        int error;
        if (r == -os.einprogress()) {
            int e = 0;
            for (int i = 0; i < 500 && (e = os.takeSocketError(client)) == 0; i++) {
                Thread.sleep(2);
            }
            error = e;
        } else {
            error = -r;
        }
        assertEquals(Errno.ECONNREFUSED, error);
        assertEquals("ECONNREFUSED", os.errnoName(error));
    }

    @ParameterizedTest
    @MethodSource("bothRoutes")
    void pipeEndsAreNonBlockingAndCloseOnExecAndCarryVectoredWrites(PosixPlatform platform) {
        BsdOs os = new BsdOs(platform);
        int[] fds = new int[2];
        assertEquals(0, os.pipe(fds));
        track(fds[0]);
        track(fds[1]);
        assertNonBlockingAndCloseOnExec(os, fds[0], "read end");
        assertNonBlockingAndCloseOnExec(os, fds[1], "write end");
        MemorySegment in = arena.allocate(16);
        assertEquals(-os.eagain(), os.read(fds[0], in, 16), "empty non-blocking pipe");
        ByteBuffer x = ByteBuffer.allocateDirect(2).put(new byte[] {1, 2}).flip();
        ByteBuffer y = ByteBuffer.allocateDirect(1).put(new byte[] {3}).flip();
        assertEquals(3, os.writev(fds[1], new ByteBuffer[] {x, y}, 0, 2));
        ByteBuffer p = ByteBuffer.allocateDirect(1);
        ByteBuffer q = ByteBuffer.allocateDirect(2);
        assertEquals(3, os.readv(fds[0], new ByteBuffer[] {p, q}, 0, 2));
        assertEquals(1, p.get(0));
        assertEquals(3, q.get(1));
        byte[] heap = {9, 8, 7};
        assertEquals(3, os.write(fds[1], MemorySegment.ofArray(heap), 3), "heap segment, critical downcall");
        byte[] back = new byte[3];
        assertEquals(3, os.read(fds[0], MemorySegment.ofArray(back), 3));
        assertArrayEquals(heap, back);
    }

    @Test
    void theOptionInSoNosigpipesSlotIsSetOnEveryCreatedPairedAndAcceptedSocket() throws Exception {
        BsdOs os = new BsdOs(LinuxPosixPlatforms.portableWithKeepaliveAsNosigpipe());
        PosixCalls calls = os.calls();
        int solSocket = os.platform().sockets().solSocket();
        int option = os.platform().sockets().soNosigpipe();
        int listener = track(os.socket(os.afInet(), os.sockStream()));
        assertEquals(1, calls.getIntOption(listener, solSocket, option), "socket()");
        int[] pair = new int[2];
        assertEquals(0, os.socketPair(os.afUnix(), os.sockStream(), pair));
        track(pair[0]);
        track(pair[1]);
        assertEquals(1, calls.getIntOption(pair[0], solSocket, option), "socketpair() first end");
        assertEquals(1, calls.getIntOption(pair[1], solSocket, option), "socketpair() second end");
        assertNonBlockingAndCloseOnExec(os, pair[0], "socketpair");

        MemorySegment address = arena.allocate(os.addresses().storageSize(), 8);
        int length = os.addresses().encodeInet(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                os.afInet(), address);
        assertEquals(0, os.bind(listener, address, length));
        assertEquals(0, os.listen(listener, 4));
        length = os.localAddress(listener, address);
        int client = track(os.socket(os.afInet(), os.sockStream()));
        os.connect(client, address, length);
        int server = track(acceptSoon(os, listener));
        assertEquals(1, calls.getIntOption(server, solSocket, option), "accept()");

        BsdOs plain = new BsdOs(LinuxPosixPlatforms.portable());
        int other = track(plain.socket(plain.afInet(), plain.sockStream()));
        assertEquals(0, calls.getIntOption(other, solSocket, option), "not set where the platform has none");
    }

    /**
     * The layer's disconnect of a Unix datagram socket writes an all-zero (AF_UNSPEC) address,
     * which Linux takes as a disconnect too: the peer is gone afterwards. (The IP route, a
     * connect to the wildcard with port 0, means something else on Linux and cannot run here.)
     */
    @Test
    void disconnectOfAUnixDatagramSocketEndsItsAssociation() {
        BsdOs os = new BsdOs(LinuxPosixPlatforms.portable());
        int[] pair = new int[2];
        assertEquals(0, os.socketPair(os.afUnix(), os.sockDgram(), pair));
        track(pair[0]);
        track(pair[1]);
        MemorySegment scratch = arena.allocate(128);
        assertTrue(os.peerAddress(pair[0], scratch) >= 0, "a socket pair starts connected");
        assertEquals(0, os.disconnect(pair[0], os.afUnix(), scratch));
        assertEquals(-os.enotconn(), os.peerAddress(pair[0], scratch));
    }

    @Test
    void sendToAClosedPeerFailsWithEpipe() {
        BsdOs os = new BsdOs(LinuxPosixPlatforms.portable());
        int[] pair = new int[2];
        assertEquals(0, os.socketPair(os.afUnix(), os.sockStream(), pair));
        track(pair[0]);
        os.close(pair[1]);
        MemorySegment buffer = arena.allocate(8);
        assertEquals(-Errno.EPIPE, os.send(pair[0], buffer, 8));
        assertEquals("EPIPE", os.errnoName(Errno.EPIPE));
    }

    @ParameterizedTest
    @MethodSource("bothRoutes")
    void udpSendToAndReceiveFromDecodeTheSender(PosixPlatform platform) throws Exception {
        BsdOs os = new BsdOs(platform);
        MemorySegment address = arena.allocate(os.addresses().storageSize(), 8);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        int receiver = track(os.socket(os.afInet(), os.sockDgram()));
        assertNonBlockingAndCloseOnExec(os, receiver, "udp");
        assertEquals(0, os.bind(receiver, address, os.addresses().encodeInet(any, os.afInet(), address)));
        InetSocketAddress to = (InetSocketAddress) decode(os, address, os.localAddress(receiver, address));
        int sender = track(os.socket(os.afInet(), os.sockDgram()));
        assertEquals(0, os.bind(sender, address, os.addresses().encodeInet(any, os.afInet(), address)));
        InetSocketAddress from = (InetSocketAddress) decode(os, address, os.localAddress(sender, address));

        MemorySegment out = arena.allocate(5);
        out.setString(0, "dgra");
        int toLength = os.addresses().encodeInet(to, os.afInet(), address);
        assertEquals(5, os.sendTo(sender, out, 5, address, toLength));
        MemorySegment in = arena.allocate(16);
        MemorySegment sourceAddress = arena.allocate(os.addresses().storageSize(), 8);
        int[] sourceLength = new int[1];
        long n = -1;
        for (int i = 0; i < 500; i++) {
            n = os.receiveFrom(receiver, in, 16, false, sourceAddress, sourceLength);
            if (n != -os.eagain()) {
                break;
            }
            Thread.sleep(2);
        }
        assertEquals(5, n);
        assertEquals("dgra", in.getString(0));
        assertEquals(from, decode(os, sourceAddress, sourceLength[0]));
    }

    @Test
    void unixStreamBoundToAPathReportsThatPath() throws Exception {
        BsdOs os = new BsdOs(LinuxPosixPlatforms.portable());
        Path dir = Files.createTempDirectory("pollux-bsd");
        Path path = dir.resolve("s");
        try {
            int fd = track(os.socket(os.afUnix(), os.sockStream()));
            MemorySegment address = arena.allocate(os.addresses().storageSize(), 8);
            int length = os.addresses().encodeUnix(path.toString().getBytes(StandardCharsets.UTF_8), false, address);
            assertEquals(0, os.bind(fd, address, length));
            assertEquals(new UnixPath(path.toString()), decode(os, address, os.localAddress(fd, address)));
            int unnamed = track(os.socket(os.afUnix(), os.sockStream()));
            assertEquals(new UnixPath(""), decode(os, address, os.localAddress(unnamed, address)));
        } finally {
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }

    @Test
    void ipv4MulticastMembershipGoesThroughGroupReq() throws Exception {
        BsdOs os = new BsdOs(LinuxPosixPlatforms.portable());
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        int fd = track(os.socket(os.afInet(), os.sockDgram()));
        byte[] group = {(byte) 239, (byte) 255, 42, 99};
        assertEquals(0, os.multicastMembership(fd, group, lo.getIndex(), true), "MCAST_JOIN_GROUP");
        assertEquals("EADDRINUSE", os.errnoName(-os.multicastMembership(fd, group, lo.getIndex(), true)),
                "joined twice");
        assertEquals(0, os.multicastMembership(fd, group, lo.getIndex(), false), "MCAST_LEAVE_GROUP");
        assertEquals("EADDRNOTAVAIL", os.errnoName(-os.multicastMembership(fd, group, lo.getIndex(), false)),
                "left twice");

        byte[] loopback = {127, 0, 0, 1};
        assertEquals(0, os.setMulticastInterface(fd, os.afInet(), lo.getIndex(), loopback), "ip_mreqn");
        byte[] read = new byte[4];
        assertEquals(0, os.multicastInterface(fd, os.afInet(), read));
        assertArrayEquals(loopback, read);
    }

    @Test
    void ipv4GroupOnAnIpv6SocketIsRefusedWhereThePlatformCannotMapIt() {
        BsdOs os = new BsdOs(LinuxPosixPlatforms.portable());
        int fd = track(os.socket(os.afInet6(), os.sockDgram()));
        int r = os.multicastMembership(fd, new byte[] {(byte) 239, 1, 1, 1}, 0, true);
        assertEquals("EOPNOTSUPP", os.errnoName(-r));
    }
}
