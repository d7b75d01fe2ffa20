package dev.pollux.ffi.kqueue;

/**
 * Where one OS's socket structs differ, for the POSIX system-call layer (64-bit only). The rest is
 * the same on macOS, FreeBSD and Linux and fixed in the code: {@code struct iovec} (base at 0,
 * length at 8, 16 bytes), the ports and addresses of {@code sockaddr_in} (port 2, address 4, 16
 * bytes) and {@code sockaddr_in6} (port 2, flowinfo 4, address 8, scope id 24, 28 bytes),
 * {@code struct ip_mreqn} (12 bytes) and {@code struct ipv6_mreq} (20 bytes).
 *
 * @param sockaddrHasLength BSD: every sockaddr starts with a length byte ({@code sin_len},
 *     {@code sin6_len}, {@code sun_len}) and a one-byte family; otherwise (Linux) the family is a
 *     16-bit value at offset 0
 * @param unixPathCapacity {@code sizeof sun_path} (104 on BSD, 108 on Linux)
 * @param storageSize {@code sizeof(struct sockaddr_storage)}
 * @param msghdrSize {@code sizeof(struct msghdr)}
 * @param msgIovOffset offset of {@code msg_iov}
 * @param msgIovlenOffset offset of {@code msg_iovlen}
 * @param msgIovlenSize bytes of {@code msg_iovlen}: an {@code int} on BSD, a {@code size_t} on Linux
 * @param groupReqSize {@code sizeof(struct group_req)}
 * @param groupReqGroupOffset offset of {@code gr_group} (4 on macOS, whose netinet/in.h declares
 *     it under {@code #pragma pack(4)}; 8 elsewhere)
 */
public record PosixLayouts(boolean sockaddrHasLength, int unixPathCapacity, int storageSize, long msghdrSize,
        long msgIovOffset, long msgIovlenOffset, int msgIovlenSize, long groupReqSize, long groupReqGroupOffset) {

    /** macOS, x86_64 and arm64. */
    public static final PosixLayouts MACOS = new PosixLayouts(true, 104, 128, 48, 16, 24, 4, 132, 4);
    /** FreeBSD 12 and later, amd64 and aarch64. */
    public static final PosixLayouts FREEBSD = new PosixLayouts(true, 104, 128, 48, 16, 24, 4, 136, 8);

    /** Offset of {@code sun_path}: 2 on every OS (a length and a family byte, or a 16-bit family). */
    public int unixPathOffset() {
        return 2;
    }
}
