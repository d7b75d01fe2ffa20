package dev.pollux.net;

import dev.pollux.Interest;
import dev.pollux.internal.Arguments;
import dev.pollux.internal.Check;
import dev.pollux.internal.IoSource;
import dev.pollux.internal.Multicast;
import dev.pollux.internal.Os;
import dev.pollux.internal.SocketAddresses;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.NotYetConnectedException;
import java.util.Map;
import java.util.Objects;

/**
 * A non-blocking UDP socket: mio's {@code UdpSocket}, with NIO's {@code DatagramChannel}
 * conventions. Register it for {@link Interest#READABLE}; on each event call {@link #receive}
 * (or {@link #read} when connected) until it returns {@code null} (or 0): with edge-triggered
 * registration a new event comes only for datagrams that arrive after that.
 *
 * <p>Datagrams: {@link #send(ByteBuffer, InetSocketAddress)} sends the buffer's remaining bytes
 * as one datagram and returns their number, or 0 when it would block (nothing was sent);
 * {@link #receive(ByteBuffer)} returns the sender, or {@code null} when nothing has arrived. A
 * datagram larger than the room left in the buffer is truncated: the rest is discarded, as NIO
 * does. Empty datagrams are sent and received (a send then also returns 0, as in NIO). Heap and
 * direct buffers and {@link MemorySegment}s work without an intermediate copy.
 *
 * <p>Connected use: after {@link #connect}, only datagrams from the peer are received,
 * {@link #write} sends to it and {@link #read} receives (both return 0 when they would block and
 * never -1: UDP has no end of stream); {@link #disconnect()} ends it. When the peer's port is closed, the kernel reports the
 * ICMP error on a later call, which then throws {@link java.net.PortUnreachableException}
 * (or call {@link #takeError()}; over libkqueue, a poll that reports it as an error event has
 * consumed it). Writing on an unconnected socket throws
 * {@link NotYetConnectedException}; reading on one receives from anyone, as mio does.
 *
 * <p>Multicast: {@link #joinGroup} / {@link #leaveGroup}, and the options
 * {@link java.net.StandardSocketOptions#IP_MULTICAST_IF}, {@code IP_MULTICAST_TTL} and
 * {@code IP_MULTICAST_LOOP}; broadcast needs {@link java.net.StandardSocketOptions#SO_BROADCAST}.
 * An IPv6 address gives an IPv6 socket (dual-stack unless {@link PolluxSocketOptions#IPV6_V6ONLY}
 * is set before binding, see {@link #bind(InetSocketAddress, Map)}); an IPv4 socket refuses IPv6
 * addresses with NIO's {@link java.nio.channels.UnsupportedAddressTypeException}.
 *
 * <p>Ownership: the socket owns its descriptor; {@link #close()} deregisters and closes it.
 * Thread-safe; concurrent sends (or receives) each move whole datagrams. Use after close throws
 * {@link java.nio.channels.ClosedChannelException}; null or unresolved addresses throw
 * {@link NullPointerException} or NIO's {@link java.nio.channels.UnresolvedAddressException}
 * (an {@link IllegalArgumentException}), with messages naming the argument.
 */
public final class UdpSocket extends NetSource implements ByteChannel {
    /** The sender's address length, written by {@code recvfrom}; per thread so receive does not allocate. */
    private static final ThreadLocal<int[]> ADDRESS_LENGTH = ThreadLocal.withInitial(() -> new int[1]);

    /** A datagram received into a {@link MemorySegment}: its length in the segment and its sender. */
    public record Received(long length, InetSocketAddress sender) {}

    /** Orders {@link #connect} and {@link #disconnect}, whose steps must not interleave. */
    private final Object connectLock = new Object();

    private UdpSocket(IoSource io, int family) {
        super(io, family);
    }

    /** Binds a new socket to {@code address} (port 0 picks a free port). */
    public static UdpSocket bind(InetSocketAddress address) throws IOException {
        return bind(address, Map.of());
    }

    /**
     * Binds a new socket to {@code address}, setting {@code options} first: the way to set options
     * that must precede {@code bind}, such as {@link java.net.StandardSocketOptions#SO_REUSEADDR}
     * (to share a multicast port), {@link java.net.StandardSocketOptions#SO_REUSEPORT} or
     * {@link PolluxSocketOptions#IPV6_V6ONLY}.
     *
     * @throws java.nio.channels.UnresolvedAddressException if {@code address} is unresolved
     * @throws IllegalArgumentException if an option value is wrong
     * @throws java.net.BindException if the address is in use or not available
     */
    public static UdpSocket bind(InetSocketAddress address, Map<SocketOption<?>, ?> options) throws IOException {
        SocketAddresses.checkInet(address, "address");
        Objects.requireNonNull(options, "options");
        Os os = Os.current();
        int family = SocketAddresses.familyOf(address);
        IoSource io = IoSource.ofIpDatagramSocket(Check.checkSocket("socket", os.socket(family, os.sockDgram())));
        UdpSocket socket = new UdpSocket(io, family);
        try {
            for (Map.Entry<SocketOption<?>, ?> option : options.entrySet()) {
                TcpListener.setUnchecked(socket, option.getKey(), option.getValue());
            }
            int length = SocketAddresses.encode(address, family);
            Check.checkSocket("bind", os.bind(io.fd(), SocketAddresses.scratch(), length));
            return socket;
        } catch (IOException | RuntimeException e) {
            io.close();
            throw e;
        }
    }

    /**
     * Sends {@code src}'s remaining bytes as one datagram to {@code target}: the bytes sent (all
     * of them; the position advances), or 0 when it would block (nothing sent). Works on a
     * connected socket too (Linux sends to {@code target}).
     *
     * @throws java.nio.channels.UnresolvedAddressException if {@code target} is unresolved
     * @throws java.nio.channels.UnsupportedAddressTypeException if {@code target} is IPv6 and the
     *     socket IPv4
     * @throws java.io.IOException such as {@code OsException} EMSGSIZE for a datagram too large
     */
    public int send(ByteBuffer src, InetSocketAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        int remaining = src.remaining();
        long r = sendTo(MemorySegment.ofBuffer(src), remaining, target);
        if (r == IoSource.WOULD_BLOCK) {
            return 0;
        }
        src.position(src.position() + (int) r);
        return (int) r;
    }

    /** Sends all of {@code src} as one datagram to {@code target}: bytes sent, 0 when it would block. */
    public long send(MemorySegment src, InetSocketAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        long r = sendTo(src, src.byteSize(), target);
        return r == IoSource.WOULD_BLOCK ? 0 : r;
    }

    private long sendTo(MemorySegment src, long length, InetSocketAddress target) throws IOException {
        SocketAddresses.checkInet(target, "target", family);
        Os os = Os.current();
        MemorySegment address = SocketAddresses.scratch();
        int addressLength = SocketAddresses.encode(target, family);
        long r;
        io.begin();
        try {
            r = os.sendTo(io.fd(), src, length, address, addressLength);
        } finally {
            io.end();
        }
        return io.complete("sendto", r, Interest.WRITABLE);
    }

    /**
     * Receives one datagram into {@code dst}: its sender, or {@code null} when none has arrived
     * (would block). The position advances by the bytes stored; what did not fit is discarded.
     *
     * @throws IllegalArgumentException if {@code dst} is read-only
     */
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        return receive(dst, false);
    }

    /**
     * Receives one datagram into {@code dst}: its length (at most {@code dst.byteSize()}; the rest
     * is discarded) and sender, or {@code null} when none has arrived (would block).
     *
     * @throws IllegalArgumentException if {@code dst} is read-only
     */
    public Received receive(MemorySegment dst) throws IOException {
        Arguments.destination(dst, "dst");
        long r = receiveFrom(dst, dst.byteSize(), false);
        return r == IoSource.WOULD_BLOCK ? null : new Received(r, sender());
    }

    /**
     * Copies the next datagram into {@code dst} without consuming it: its sender, or {@code null}
     * when none has arrived. The next {@link #receive} returns the same datagram.
     *
     * @throws IllegalArgumentException if {@code dst} is read-only
     */
    public InetSocketAddress peek(ByteBuffer dst) throws IOException {
        return receive(dst, true);
    }

    private InetSocketAddress receive(ByteBuffer dst, boolean peek) throws IOException {
        Arguments.destination(dst, "dst");
        long r = receiveFrom(MemorySegment.ofBuffer(dst), dst.remaining(), peek);
        if (r == IoSource.WOULD_BLOCK) {
            return null;
        }
        dst.position(dst.position() + (int) r);
        return sender();
    }

    /** recvfrom into the thread's address scratch: bytes stored, or WOULD_BLOCK. */
    private long receiveFrom(MemorySegment dst, long length, boolean peek) throws IOException {
        Os os = Os.current();
        long r;
        io.begin();
        try {
            r = os.receiveFrom(io.fd(), dst, length, peek, SocketAddresses.scratch(), ADDRESS_LENGTH.get());
        } finally {
            io.end();
        }
        return io.complete("recvfrom", r, Interest.READABLE);
    }

    /** The sender the last {@link #receiveFrom} on this thread stored. */
    private static InetSocketAddress sender() {
        return (InetSocketAddress) Os.current().addresses()
                .decode(SocketAddresses.scratch(), ADDRESS_LENGTH.get()[0], UnixAddress::fromSunPath);
    }

    /**
     * Connects to {@code address}: afterwards only its datagrams are received and {@link #write}
     * sends to it. Returns at once (UDP has no handshake); connecting again replaces the peer.
     *
     * @throws java.nio.channels.UnresolvedAddressException if {@code address} is unresolved
     * @throws java.nio.channels.UnsupportedAddressTypeException if {@code address} is IPv6 and the
     *     socket IPv4
     */
    public void connect(InetSocketAddress address) throws IOException {
        SocketAddresses.checkInet(address, "address", family);
        Os os = Os.current();
        synchronized (connectLock) {
            int length = SocketAddresses.encode(address, family);
            int r;
            io.begin();
            try {
                r = os.connect(io.fd(), SocketAddresses.scratch(), length);
            } finally {
                io.end();
            }
            Check.checkSocket("connect", r);
        }
    }

    /**
     * Ends the association made by {@link #connect}, as NIO's {@code DatagramChannel.disconnect()}
     * does: datagrams from anyone are received again, {@link #write} and {@link #read} need a peer
     * again, and {@link #peerAddress()} throws {@link NotYetConnectedException}. Does nothing when
     * the socket is not connected. The registration, options and multicast memberships stay.
     *
     * <p>The local address stays the one the socket had before {@code connect} (an address that
     * {@code connect} chose for a socket bound to the wildcard goes back to the wildcard). On
     * Linux, disconnecting a socket whose port the kernel chose (bound to port 0) also drops
     * the port: the kernel unhashes the socket and clears it. Pollux, like the JDK, binds the
     * socket to the same port again at once; a datagram that arrives in between is lost, as
     * datagrams may be. If the port was taken in that instant (by a socket with
     * {@code SO_REUSEADDR}, or a new socket of another process given it as ephemeral), this throws
     * {@link java.net.BindException} and the socket is left disconnected without a port: its next
     * send binds it to a new one. Do not send from another thread during {@code disconnect}: such
     * a send binds the port-less socket to a new port first, and the re-bind fails with
     * {@code OsException} EINVAL. The BSDs keep the port, but macOS is known (from the JDK, which
     * re-creates the socket there) to leave a socket bound to a specific address bound to the
     * wildcard instead; Pollux does not repair that, and nothing of this has run on a BSD yet.
     *
     * @throws java.nio.channels.ClosedChannelException if the socket is closed
     */
    public void disconnect() throws IOException {
        synchronized (connectLock) {
            if (!isConnected()) {
                return; // Linux would drop a kernel-chosen port even from an unconnected socket
            }
            InetSocketAddress connectedFrom = localAddress();
            int r = SocketCalls.disconnect(io, family);
            if (r < 0 && isConnected()) {
                throw io.error("connect", -r);
            }
            InetSocketAddress now = localAddress();
            if (now.getPort() == 0) {
                int length = SocketAddresses.encode(new InetSocketAddress(now.getAddress(), connectedFrom.getPort()), family);
                io.begin();
                try {
                    r = Os.current().bind(io.fd(), SocketAddresses.scratch(), length);
                } finally {
                    io.end();
                }
                if (r < 0) {
                    throw io.error("bind", -r);
                }
            }
        }
    }

    private boolean isConnected() throws IOException {
        return SocketAddresses.hasPeer(io);
    }

    /**
     * Receives one datagram into {@code dst}: bytes stored (the rest of the datagram is
     * discarded), 0 when it would block (or for an empty datagram); never -1. On an unconnected
     * socket it receives from anyone.
     *
     * @throws java.net.PortUnreachableException if an earlier datagram to the peer was refused
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        return SocketCalls.readDatagram(io, dst);
    }

    /** Receives one datagram into {@code dst}: like {@link #read(ByteBuffer)}. */
    public long read(MemorySegment dst) throws IOException {
        return SocketCalls.readDatagram(io, dst);
    }

    /**
     * Sends {@code src}'s remaining bytes as one datagram to the peer: bytes sent, or 0 when it
     * would block.
     *
     * @throws NotYetConnectedException if the socket is not connected
     * @throws java.net.PortUnreachableException if an earlier datagram to the peer was refused
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        int remaining = src.remaining();
        long r = send(MemorySegment.ofBuffer(src), remaining);
        if (r == IoSource.WOULD_BLOCK) {
            return 0;
        }
        src.position(src.position() + (int) r);
        return (int) r;
    }

    /** Sends all of {@code src} as one datagram to the peer: like {@link #write(ByteBuffer)}. */
    public long write(MemorySegment src) throws IOException {
        Objects.requireNonNull(src, "src");
        long r = send(src, src.byteSize());
        return r == IoSource.WOULD_BLOCK ? 0 : r;
    }

    private long send(MemorySegment src, long length) throws IOException {
        Os os = Os.current();
        long r;
        io.begin();
        try {
            r = os.send(io.fd(), src, length);
        } finally {
            io.end();
        }
        if (r < 0 && os.errnoName((int) -r).equals("EDESTADDRREQ")) {
            throw new NotYetConnectedException();
        }
        return io.complete("send", r, Interest.WRITABLE);
    }

    /**
     * Joins the multicast {@code group} on interface {@code ni}: datagrams sent to the group (on
     * the port this socket is bound to) are received. An IPv4 group joins through
     * {@code ip_mreqn} with the interface's index, an IPv6 group through {@code ipv6_mreq}.
     *
     * @throws NullPointerException if {@code group} or {@code ni} is null
     * @throws IllegalArgumentException if {@code group} is not a multicast address, or an IPv6
     *     group on an IPv4 socket
     * @throws IllegalStateException if the group is already joined on {@code ni}
     */
    public void joinGroup(InetAddress group, NetworkInterface ni) throws IOException {
        Multicast.membership(io, family, group, ni, true);
    }

    /**
     * Leaves a group joined with {@link #joinGroup}.
     *
     * @throws IllegalStateException if the group is not joined on {@code ni}
     */
    public void leaveGroup(InetAddress group, NetworkInterface ni) throws IOException {
        Multicast.membership(io, family, group, ni, false);
    }

    /**
     * Reads and clears the socket's pending error ({@code SO_ERROR}): {@code null} when there is
     * none; otherwise the exception (not thrown), such as a
     * {@link java.net.PortUnreachableException} for a datagram the peer's host refused. On the
     * kqueue backend over libkqueue, which reads (and so clears) {@code SO_ERROR} itself to
     * report an error event, the Poll keeps the error from that event while the socket stays
     * registered.
     */
    public IOException takeError() throws IOException {
        return SocketCalls.takeError(io, "getsockopt(SO_ERROR)");
    }

    /**
     * The connected peer's address.
     *
     * @throws NotYetConnectedException if the socket is not connected
     */
    public InetSocketAddress peerAddress() throws IOException {
        return (InetSocketAddress) SocketAddresses.peer(io, UnixAddress::fromSunPath);
    }

    /** The local address (with the actual port when bound to port 0). */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) SocketAddresses.local(io, UnixAddress::fromSunPath);
    }

    @Override
    public String toString() {
        return "UdpSocket[" + io + "]";
    }
}
