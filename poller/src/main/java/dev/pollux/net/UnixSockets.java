package dev.pollux.net;

import dev.pollux.internal.Check;
import dev.pollux.internal.IoSource;
import dev.pollux.internal.Os;
import dev.pollux.internal.SocketAddresses;
import dev.pollux.OsException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link UnixListener}, {@link UnixStream} and {@link UnixDatagram} share: turning the
 * address types users pass into a {@link UnixAddress}, encoding it into the thread's scratch
 * {@code sockaddr}, creating {@code AF_UNIX} sockets and socket pairs, and reading addresses
 * back. Stateless and thread-safe.
 */
final class UnixSockets {
    private UnixSockets() {}

    /** {@code path} as an address; a {@link NullPointerException} for null. */
    static UnixAddress address(Path path) {
        return UnixAddress.of(Objects.requireNonNull(path, "path"));
    }

    /** {@code address} as a Pollux address; a {@link NullPointerException} for null. */
    static UnixAddress address(UnixDomainSocketAddress address) {
        return UnixAddress.of(Objects.requireNonNull(address, "address").getPath());
    }

    /**
     * Checks an address that names a socket to bind, connect or send to.
     *
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is unnamed
     */
    static UnixAddress named(UnixAddress address) {
        return named(address, "address");
    }

    /** As {@link #named(UnixAddress)}, for the parameter called {@code name}. */
    static UnixAddress named(UnixAddress address, String name) {
        Objects.requireNonNull(address, name);
        if (address.isUnnamed()) {
            throw new IllegalArgumentException(name + " is unnamed: an unnamed address cannot be bound, connected or sent to");
        }
        return address;
    }

    /**
     * Encodes {@code address} into the calling thread's scratch {@code sockaddr}; returns its length.
     *
     * @throws IllegalArgumentException if the name does not fit in {@code sun_path}
     */
    static int encode(UnixAddress address) {
        return Os.current().addresses().encodeUnix(address.nameBytes(), address.isAbstract(), SocketAddresses.scratch());
    }

    /** A new non-blocking, close-on-exec {@code AF_UNIX} socket of {@code type}, owned by the result. */
    static IoSource socket(int type) throws IOException {
        Os os = Os.current();
        return IoSource.ofSocket(Check.checkSocket("socket", os.socket(os.afUnix(), type)));
    }

    /** A connected pair of non-blocking, close-on-exec {@code AF_UNIX} sockets of {@code type}. */
    static IoSource[] pair(int type) throws IOException {
        Os os = Os.current();
        int[] fds = new int[2];
        Check.checkSocket("socketpair", os.socketPair(os.afUnix(), type, fds));
        return new IoSource[] {IoSource.ofSocket(fds[0]), IoSource.ofSocket(fds[1])};
    }

    /**
     * Binds {@code io} to {@code address} (already checked with {@link #named}).
     *
     * @throws java.net.BindException if the name is in use (a pathname that exists, whatever
     *     it is, or an abstract name another socket holds)
     */
    static void bind(IoSource io, UnixAddress address) throws IOException {
        int length = encode(address);
        int r;
        io.begin();
        try {
            r = Os.current().bind(io.fd(), SocketAddresses.scratch(), length);
        } finally {
            io.end();
        }
        Check.checkSocket("bind", r);
    }

    /**
     * The exception for {@code errno} from {@code call} (connect, sendto) aimed at {@code target}:
     * as {@link Check#socketError}, and a refusal (ECONNREFUSED: nobody is bound at the name) is
     * a {@link ConnectException} that names the address.
     */
    static IOException error(String call, int errno, UnixAddress target) {
        IOException e = Check.socketError(call, errno);
        if (e instanceof ConnectException && e.getCause() instanceof OsException os) {
            return refused(os, target);
        }
        return e;
    }

    /** The refusal {@code os} (ECONNREFUSED) as a ConnectException naming the unbound {@code target}. */
    static ConnectException refused(OsException os, UnixAddress target) {
        return Check.withCause(new ConnectException(os.getMessage() + ": no socket is bound at " + target), os);
    }

    /** The local address of a Unix socket. */
    static UnixAddress local(IoSource io) throws IOException {
        return cast(SocketAddresses.local(io, UnixAddress::fromSunPath));
    }

    /**
     * The peer address of a connected Unix socket.
     *
     * @throws java.nio.channels.NotYetConnectedException if it is not connected
     */
    static UnixAddress peer(IoSource io) throws IOException {
        return cast(SocketAddresses.peer(io, UnixAddress::fromSunPath));
    }

    static UnixAddress cast(SocketAddress address) {
        if (address instanceof UnixAddress unix) {
            return unix;
        }
        throw new IllegalStateException("a Unix socket reported a non-Unix address: " + address);
    }
}
