package dev.pollux.internal;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Converts between Java socket addresses and this OS's {@code sockaddr} memory (which differs:
 * BSD has {@code sin_len}, Linux has abstract Unix names). Stateless and thread-safe.
 */
public interface SocketAddressCodec {
    /** Bytes of memory an encoded address may need ({@code sizeof(struct sockaddr_storage)}). */
    long storageSize();

    /**
     * Writes {@code address} for a socket of {@code family}: an IPv4 address given to an IPv6
     * socket is written as IPv4-mapped. Returns the length.
     *
     * @throws IllegalArgumentException for an unresolved address or an IPv6 address on an IPv4 socket
     */
    int encodeInet(InetSocketAddress address, int family, MemorySegment dst);

    /** Writes a Unix address (a pathname or, on Linux, an abstract name); returns the length. */
    int encodeUnix(byte[] name, boolean abstractName, MemorySegment dst);

    /**
     * Reads the address of {@code length} bytes in {@code src}: an {@link InetSocketAddress}
     * (IPv4-mapped IPv6 addresses stay IPv6, as the kernel reports them) or a
     * {@code dev.pollux.net.UnixAddress} built by {@code unix}.
     */
    SocketAddress decode(MemorySegment src, int length, UnixAddressFactory unix);

    /** Builds Pollux's Unix address type from raw {@code sun_path} bytes (the net package owns it). */
    interface UnixAddressFactory {
        SocketAddress fromSunPath(byte[] sunPath);
    }
}
