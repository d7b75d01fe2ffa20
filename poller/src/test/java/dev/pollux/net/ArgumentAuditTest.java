package dev.pollux.net;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.OpenFds;
import dev.pollux.Poll;
import dev.pollux.Registry;
import dev.pollux.Waker;
import dev.pollux.runtime.AsyncStream;
import dev.pollux.runtime.AsyncTcpListener;
import dev.pollux.runtime.AsyncUdpSocket;
import dev.pollux.runtime.Blocking;
import dev.pollux.runtime.EventLoop;
import dev.pollux.runtime.EventLoopGroup;
import dev.pollux.runtime.Timers;
import dev.pollux.unix.Pipe;
import dev.pollux.unix.SourceFd;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a wrong argument gets, public method by public method: the exception NIO throws for the
 * same mistake (NullPointerException, IllegalArgumentException and its NIO subclasses
 * UnresolvedAddressException and UnsupportedAddressTypeException, IndexOutOfBoundsException,
 * UnsupportedOperationException), with a message that names the argument, thrown before any
 * system call (so no descriptor is made or lost: checked by counting them around the whole table).
 * Use after close has its own tables in each type's tests.
 */
class ArgumentAuditTest {
    private static final List<AutoCloseable> OPEN = new ArrayList<>();
    private static Poll poll;
    private static Events events;
    private static Pipe pipe;
    private static TcpListener listener;
    private static TcpStream stream;
    private static UdpSocket udp;
    private static UnixDatagram unixDatagram;
    private static UnixListener unixListener;
    private static EventLoop loop;
    private static Path dir;

    private static final InetSocketAddress UNRESOLVED = InetSocketAddress.createUnresolved("localhost", 9);
    private static final InetSocketAddress V4 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
    private static final InetSocketAddress V6 = new InetSocketAddress(v6Loopback(), 9);
    private static final ByteBuffer DATA = ByteBuffer.wrap(new byte[] {1});
    private static final ByteBuffer READ_ONLY = ByteBuffer.allocate(8).asReadOnlyBuffer();
    private static final ByteBuffer READ_ONLY_DIRECT = ByteBuffer.allocateDirect(8).asReadOnlyBuffer();
    private static final MemorySegment READ_ONLY_SEGMENT = MemorySegment.ofArray(new byte[8]).asReadOnly();

    private static InetAddress v6Loopback() {
        try {
            return InetAddress.getByName("::1");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static <T extends AutoCloseable> T open(T resource) {
        OPEN.add(resource);
        return resource;
    }

    @BeforeAll
    static void openAll() throws Exception {
        poll = open(Poll.open());
        events = Events.withCapacity(4);
        pipe = open(Pipe.open());
        listener = open(TcpListener.bind(NetSupport.ANY_LOCAL));
        stream = open(TcpStream.connect(listener.localAddress()));
        udp = open(UdpSocket.bind(NetSupport.ANY_LOCAL));
        dir = Files.createTempDirectory("pollux-audit");
        unixDatagram = open(UnixDatagram.bind(dir.resolve("d")));
        unixListener = open(UnixListener.bind(dir.resolve("l")));
        loop = open(EventLoop.open("audit"));
    }

    @AfterAll
    static void closeAll() throws Exception {
        for (int i = OPEN.size() - 1; i >= 0; i--) {
            OPEN.get(i).close();
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private static Arguments row(String call, Class<? extends Throwable> type, String named, Executable executable) {
        return Arguments.of(call, type, named, executable);
    }

    private static final Class<NullPointerException> NPE = NullPointerException.class;
    private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
    private static final Class<IndexOutOfBoundsException> IOOBE = IndexOutOfBoundsException.class;
    private static final Class<UnresolvedAddressException> UNRESOLVED_EX = UnresolvedAddressException.class;
    private static final Class<UnsupportedAddressTypeException> WRONG_FAMILY = UnsupportedAddressTypeException.class;
    private static final Class<UnsupportedOperationException> UOE = UnsupportedOperationException.class;

    static Stream<Arguments> table() {
        Map<SocketOption<?>, Object> nullValue = new HashMap<>();
        nullValue.put(StandardSocketOptions.SO_RCVBUF, null);
        Map<SocketOption<?>, Object> wrongType = Map.of(StandardSocketOptions.SO_RCVBUF, "big");
        ByteBuffer[] withNull = {ByteBuffer.allocate(1), null};
        ByteBuffer[] withReadOnly = {ByteBuffer.allocate(1), READ_ONLY};
        ByteBuffer[] two = {ByteBuffer.allocate(1), ByteBuffer.allocate(1)};
        return Stream.of(
                // dev.pollux
                row("Events.withCapacity(0)", IAE, "capacity", () -> Events.withCapacity(0)),
                row("Events.withCapacity(-1)", IAE, "capacity", () -> Events.withCapacity(-1)),
                row("Events.get(-1)", IOOBE, "-1", () -> events.get(-1)),
                row("Events.token(0) when empty", IOOBE, "0", () -> events.token(0)),
                row("Poll.open(null)", NPE, "backend", () -> Poll.open(null)),
                row("Poll.poll(null, ..)", NPE, "events", () -> poll.poll(null, Duration.ZERO)),
                row("Poll.poll(.., negative)", IAE, "timeout", () -> poll.poll(events, Duration.ofMillis(-1))),
                row("Registry.register(null, ..)", NPE, "source", () -> poll.registry().register(null, 1, Interest.READABLE)),
                row("Registry.register(.., null interest)", NPE, "interest",
                        () -> poll.registry().register(pipe.receiver(), 1, null)),
                row("Registry.register(.., null trigger)", NPE, "trigger",
                        () -> poll.registry().register(pipe.receiver(), 1, Interest.READABLE, null)),
                row("Registry.reregister(null, ..)", NPE, "source", () -> poll.registry().reregister(null, 1, Interest.READABLE)),
                row("Registry.deregister(null)", NPE, "source", () -> poll.registry().deregister(null)),
                row("Source.register(null registry, ..)", NPE, "registry",
                        () -> stream.register((Registry) null, 1, Interest.READABLE, dev.pollux.Trigger.EDGE)),
                row("new Waker(null, ..)", NPE, "registry", () -> new Waker(null, 1)),
                row("Interest.add(null)", NPE, "other", () -> Interest.READABLE.add(null)),
                row("Interest.remove(null)", NPE, "other", () -> Interest.READABLE.remove(null)),
                // dev.pollux.unix
                row("new SourceFd(-1)", IAE, "fd", () -> new SourceFd(-1)),
                row("Pipe.Receiver.read((ByteBuffer) null)", NPE, "dst", () -> pipe.receiver().read((ByteBuffer) null)),
                row("Pipe.Receiver.read(read-only)", IAE, "dst", () -> pipe.receiver().read(READ_ONLY)),
                row("Pipe.Receiver.read(read-only direct)", IAE, "dst", () -> pipe.receiver().read(READ_ONLY_DIRECT)),
                row("Pipe.Receiver.read(read-only segment)", IAE, "dst", () -> pipe.receiver().read(READ_ONLY_SEGMENT)),
                row("Pipe.Receiver.read((MemorySegment) null)", NPE, "dst", () -> pipe.receiver().read((MemorySegment) null)),
                row("Pipe.Receiver.read((ByteBuffer[]) null)", NPE, "dsts", () -> pipe.receiver().read((ByteBuffer[]) null)),
                row("Pipe.Receiver.read([.., null])", NPE, "dsts[1]", () -> pipe.receiver().read(withNull)),
                row("Pipe.Receiver.read([.., read-only])", IAE, "dsts[1]", () -> pipe.receiver().read(withReadOnly)),
                row("Pipe.Receiver.read(dsts, -1, 1)", IOOBE, "-1", () -> pipe.receiver().read(two, -1, 1)),
                row("Pipe.Receiver.read(dsts, 1, 2)", IOOBE, "2", () -> pipe.receiver().read(two, 1, 2)),
                row("Pipe.Sender.write((ByteBuffer) null)", NPE, "src", () -> pipe.sender().write((ByteBuffer) null)),
                row("Pipe.Sender.write((MemorySegment) null)", NPE, "src", () -> pipe.sender().write((MemorySegment) null)),
                row("Pipe.Sender.write((ByteBuffer[]) null)", NPE, "srcs", () -> pipe.sender().write((ByteBuffer[]) null)),
                row("Pipe.Sender.write([.., null])", NPE, "srcs[1]", () -> pipe.sender().write(withNull)),
                row("Pipe.Sender.write(srcs, 0, 3)", IOOBE, "3", () -> pipe.sender().write(two, 0, 3)),
                // dev.pollux.net: TCP
                row("TcpListener.bind(null)", NPE, "address", () -> TcpListener.bind(null)),
                row("TcpListener.bind(unresolved)", UNRESOLVED_EX, "address", () -> TcpListener.bind(UNRESOLVED)),
                row("TcpListener.bind(.., null options)", NPE, "options", () -> TcpListener.bind(NetSupport.ANY_LOCAL, 1, null)),
                row("TcpListener.bind(.., {SO_RCVBUF=null})", IAE, "SO_RCVBUF",
                        () -> TcpListener.bind(NetSupport.ANY_LOCAL, 1, nullValue)),
                row("TcpListener.bind(.., {SO_RCVBUF=\"big\"})", IAE, "SO_RCVBUF",
                        () -> TcpListener.bind(NetSupport.ANY_LOCAL, 1, wrongType)),
                row("TcpStream.connect(null)", NPE, "address", () -> TcpStream.connect(null)),
                row("TcpStream.connect(unresolved)", UNRESOLVED_EX, "address", () -> TcpStream.connect(UNRESOLVED)),
                row("TcpStream.connect(v4, v6 local, ..)", WRONG_FAMILY, "localAddress",
                        () -> TcpStream.connect(V4, new InetSocketAddress(v6Loopback(), 0), Map.of())),
                row("TcpStream.connect(v4, unresolved local, ..)", UNRESOLVED_EX, "localAddress",
                        () -> TcpStream.connect(V4, UNRESOLVED, Map.of())),
                row("TcpStream.connect(.., null options)", NPE, "options", () -> TcpStream.connect(V4, null, null)),
                row("TcpStream.read((ByteBuffer) null)", NPE, "dst", () -> stream.read((ByteBuffer) null)),
                row("TcpStream.read(read-only)", IAE, "dst", () -> stream.read(READ_ONLY)),
                row("TcpStream.read(read-only segment)", IAE, "dst", () -> stream.read(READ_ONLY_SEGMENT)),
                row("TcpStream.read([.., null])", NPE, "dsts[1]", () -> stream.read(withNull)),
                row("TcpStream.read(dsts, 2, 1)", IOOBE, "2", () -> stream.read(two, 2, 1)),
                row("TcpStream.write((ByteBuffer) null)", NPE, "src", () -> stream.write((ByteBuffer) null)),
                row("TcpStream.write([.., null])", NPE, "srcs[1]", () -> stream.write(withNull)),
                row("TcpStream.peek(null)", NPE, "dst", () -> stream.peek(null)),
                row("TcpStream.peek(read-only)", IAE, "dst", () -> stream.peek(READ_ONLY)),
                row("TcpStream.setOption(null, ..)", NPE, "option", () -> stream.setOption(null, 1)),
                row("TcpStream.setOption(SO_RCVBUF, null)", IAE, "SO_RCVBUF",
                        () -> stream.setOption(StandardSocketOptions.SO_RCVBUF, null)),
                row("TcpStream.setOption(SO_RCVBUF, -1)", IAE, "SO_RCVBUF",
                        () -> stream.setOption(StandardSocketOptions.SO_RCVBUF, -1)),
                row("TcpStream.setOption(IP_MULTICAST_TTL, ..)", UOE, "IP_MULTICAST_TTL",
                        () -> stream.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1)),
                row("TcpStream.setOption(TCP_INFO, ..)", UOE, "TCP_INFO",
                        () -> stream.setOption(PolluxSocketOptions.TCP_INFO, null)),
                row("TcpStream.getOption(null)", NPE, "option", () -> stream.getOption(null)),
                // dev.pollux.net: UDP
                row("UdpSocket.bind(null)", NPE, "address", () -> UdpSocket.bind(null)),
                row("UdpSocket.bind(unresolved)", UNRESOLVED_EX, "address", () -> UdpSocket.bind(UNRESOLVED)),
                row("UdpSocket.bind(.., null options)", NPE, "options", () -> UdpSocket.bind(NetSupport.ANY_LOCAL, null)),
                row("UdpSocket.send((ByteBuffer) null, ..)", NPE, "src", () -> udp.send((ByteBuffer) null, V4)),
                row("UdpSocket.send((MemorySegment) null, ..)", NPE, "src", () -> udp.send((MemorySegment) null, V4)),
                row("UdpSocket.send(.., null)", NPE, "target", () -> udp.send(DATA, null)),
                row("UdpSocket.send(.., unresolved)", UNRESOLVED_EX, "target", () -> udp.send(DATA, UNRESOLVED)),
                row("UdpSocket.send(.., IPv6 on IPv4)", WRONG_FAMILY, "target", () -> udp.send(DATA, V6)),
                row("UdpSocket.send(segment, IPv6 on IPv4)", WRONG_FAMILY, "target",
                        () -> udp.send(MemorySegment.ofArray(new byte[1]), V6)),
                row("UdpSocket.receive((ByteBuffer) null)", NPE, "dst", () -> udp.receive((ByteBuffer) null)),
                row("UdpSocket.receive((MemorySegment) null)", NPE, "dst", () -> udp.receive((MemorySegment) null)),
                row("UdpSocket.receive(read-only)", IAE, "dst", () -> udp.receive(READ_ONLY)),
                row("UdpSocket.receive(read-only segment)", IAE, "dst", () -> udp.receive(READ_ONLY_SEGMENT)),
                row("UdpSocket.peek(null)", NPE, "dst", () -> udp.peek(null)),
                row("UdpSocket.peek(read-only)", IAE, "dst", () -> udp.peek(READ_ONLY)),
                row("UdpSocket.read((ByteBuffer) null)", NPE, "dst", () -> udp.read((ByteBuffer) null)),
                row("UdpSocket.read(read-only)", IAE, "dst", () -> udp.read(READ_ONLY)),
                row("UdpSocket.read(read-only segment)", IAE, "dst", () -> udp.read(READ_ONLY_SEGMENT)),
                row("UdpSocket.write((ByteBuffer) null)", NPE, "src", () -> udp.write((ByteBuffer) null)),
                row("UdpSocket.write((MemorySegment) null)", NPE, "src", () -> udp.write((MemorySegment) null)),
                row("UdpSocket.connect(null)", NPE, "address", () -> udp.connect(null)),
                row("UdpSocket.connect(unresolved)", UNRESOLVED_EX, "address", () -> udp.connect(UNRESOLVED)),
                row("UdpSocket.connect(IPv6 on IPv4)", WRONG_FAMILY, "address", () -> udp.connect(V6)),
                row("UdpSocket.joinGroup(null, ..)", NPE, "group", () -> udp.joinGroup(null, loopbackInterface())),
                row("UdpSocket.joinGroup(.., null)", NPE, "ni", () -> udp.joinGroup(InetAddress.getByName("239.1.2.3"), null)),
                row("UdpSocket.joinGroup(unicast, ..)", IAE, "group", () -> udp.joinGroup(V4.getAddress(), loopbackInterface())),
                row("UdpSocket.joinGroup(IPv6 group on IPv4)", IAE, "group",
                        () -> udp.joinGroup(InetAddress.getByName("ff02::1"), loopbackInterface())),
                row("UdpSocket.setOption(IP_MULTICAST_TTL, 256)", IAE, "IP_MULTICAST_TTL",
                        () -> udp.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 256)),
                // dev.pollux.net: Unix
                row("UnixAddress.of(null)", NPE, "path", () -> UnixAddress.of(null)),
                row("UnixAddress.of(\"\")", IAE, "path", () -> UnixAddress.of(Path.of(""))),
                row("UnixAddress.ofAbstract((String) null)", NPE, "name", () -> UnixAddress.ofAbstract((String) null)),
                row("UnixAddress.ofAbstract((byte[]) null)", NPE, "name", () -> UnixAddress.ofAbstract((byte[]) null)),
                row("UnixDatagram.bind((UnixAddress) null)", NPE, "address", () -> UnixDatagram.bind((UnixAddress) null)),
                row("UnixDatagram.bind((Path) null)", NPE, "path", () -> UnixDatagram.bind((Path) null)),
                row("UnixDatagram.bind((UnixDomainSocketAddress) null)", NPE, "address",
                        () -> UnixDatagram.bind((UnixDomainSocketAddress) null)),
                row("UnixDatagram.bind(unnamed)", IAE, "address", () -> UnixDatagram.bind(UnixAddress.unnamed())),
                row("UnixDatagram.bind(too long)", IAE, "address", () -> UnixDatagram.bind(dir.resolve("x".repeat(200)))),
                row("UnixDatagram.send(null, ..)", NPE, "src", () -> unixDatagram.send((ByteBuffer) null, UnixAddress.of(dir))),
                row("UnixDatagram.send(.., null)", NPE, "target", () -> unixDatagram.send(DATA, null)),
                row("UnixDatagram.send(.., unnamed)", IAE, "target", () -> unixDatagram.send(DATA, UnixAddress.unnamed())),
                row("UnixDatagram.send(segment null, ..)", NPE, "src",
                        () -> unixDatagram.send((MemorySegment) null, UnixAddress.of(dir))),
                row("UnixDatagram.receive(null)", NPE, "dst", () -> unixDatagram.receive(null)),
                row("UnixDatagram.receive(read-only)", IAE, "dst", () -> unixDatagram.receive(READ_ONLY)),
                row("UnixDatagram.read(read-only)", IAE, "dst", () -> unixDatagram.read(READ_ONLY)),
                row("UnixDatagram.write((ByteBuffer) null)", NPE, "src", () -> unixDatagram.write((ByteBuffer) null)),
                row("UnixDatagram.connect((UnixAddress) null)", NPE, "address", () -> unixDatagram.connect((UnixAddress) null)),
                row("UnixDatagram.connect((Path) null)", NPE, "path", () -> unixDatagram.connect((Path) null)),
                row("UnixDatagram.connect(unnamed)", IAE, "address", () -> unixDatagram.connect(UnixAddress.unnamed())),
                row("UnixListener.bind((UnixAddress) null)", NPE, "address", () -> UnixListener.bind((UnixAddress) null)),
                row("UnixListener.bind(unnamed)", IAE, "address", () -> UnixListener.bind(UnixAddress.unnamed())),
                row("UnixStream.connect((UnixAddress) null)", NPE, "address", () -> UnixStream.connect((UnixAddress) null)),
                row("UnixStream.connect((Path) null)", NPE, "path", () -> UnixStream.connect((Path) null)),
                row("UnixStream.connect(unnamed)", IAE, "address", () -> UnixStream.connect(UnixAddress.unnamed())),
                // dev.pollux.runtime entry points
                row("EventLoop.open(null)", NPE, "name", () -> EventLoop.open(null)),
                row("EventLoop.spawn(null)", NPE, "async", () -> loop.spawn(null)),
                row("EventLoop.spawnBlocking(null)", NPE, "body", () -> loop.spawnBlocking(null)),
                row("EventLoop.blockOn(null)", NPE, "async", () -> loop.blockOn(null)),
                row("EventLoop.shutdown(null)", NPE, "grace", () -> loop.shutdown(null)),
                row("EventLoop.shutdown(negative)", IAE, "grace", () -> loop.shutdown(Duration.ofSeconds(-1))),
                row("EventLoop.awaitTermination(null)", NPE, "timeout", () -> loop.awaitTermination(null)),
                row("EventLoopGroup.open(0)", IAE, "count", () -> EventLoopGroup.open(0)),
                row("EventLoopGroup.open(-1)", IAE, "count", () -> EventLoopGroup.open(-1)),
                row("Blocking.await(null)", NPE, "async", () -> Blocking.await(null)),
                row("Blocking.await(null, ..)", NPE, "loop", () -> Blocking.await(null, Timers.sleep(Duration.ZERO))),
                row("Timers.sleep(null)", NPE, "duration", () -> Timers.sleep(null)),
                row("Timers.sleep(negative)", IAE, "duration", () -> Timers.sleep(Duration.ofMillis(-1))),
                row("Timers.timeout(null, ..)", NPE, "async", () -> Timers.timeout(null, Duration.ZERO)),
                row("Timers.timeout(.., null)", NPE, "limit", () -> Timers.timeout(Timers.sleep(Duration.ZERO), null)),
                row("Timers.interval(null)", NPE, "period", () -> Timers.interval(null)),
                row("Timers.interval(ZERO)", IAE, "period", () -> Timers.interval(Duration.ZERO)),
                row("AsyncStream.of(null, ..)", NPE, "loop", () -> AsyncStream.of(null, stream)),
                row("AsyncStream.connect(null)", NPE, "address", () -> AsyncStream.connect(null)),
                row("AsyncTcpListener.bind(null, ..)", NPE, "loop", () -> AsyncTcpListener.bind(null, NetSupport.ANY_LOCAL)),
                row("AsyncTcpListener.bind(.., null)", NPE, "address", () -> AsyncTcpListener.bind(loop, null)),
                row("AsyncUdpSocket.bind(null, ..)", NPE, "loop", () -> AsyncUdpSocket.bind(null, NetSupport.ANY_LOCAL)),
                row("AsyncUdpSocket.bind(.., null)", NPE, "address", () -> AsyncUdpSocket.bind(loop, null)));
    }

    private static NetworkInterface loopbackInterface() throws IOException {
        return NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("table")
    void wrongArgument(String call, Class<? extends Throwable> type, String named, Executable executable) {
        Throwable e = assertThrows(Throwable.class, executable, call);
        assertInstanceOf(type, e, () -> call + " threw " + e);
        String message = e.getMessage();
        assertNotNull(message, () -> call + ": " + e.getClass().getName() + " without a message");
        assertTrue(message.contains(named), () -> call + ": the message does not name " + named + ": " + message);
    }

    private static void run(Arguments row) {
        try {
            ((Executable) row.get()[3]).execute();
        } catch (Throwable expected) {
            // the table test checks the type
        }
    }

    /** The whole table costs no descriptor: every check comes before a socket is made. */
    @Test
    void noDescriptorIsMadeOrLost() {
        table().forEach(ArgumentAuditTest::run); // once first: class loading opens files
        int before = OpenFds.count();
        table().forEach(ArgumentAuditTest::run);
        assertTrue(OpenFds.count() <= before, () -> "descriptors before " + before + ", after " + OpenFds.count());
    }
}
