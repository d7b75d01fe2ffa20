package dev.pollux.ffi.kqueue;

/**
 * The file-descriptor constants of one OS ({@code fcntl.h}), and whether it has {@code pipe2}.
 *
 * @param oNonblock O_NONBLOCK
 * @param oCloexec O_CLOEXEC (for pipe2)
 * @param fGetfd F_GETFD
 * @param fSetfd F_SETFD
 * @param fGetfl F_GETFL
 * @param fSetfl F_SETFL
 * @param fdCloexec FD_CLOEXEC
 * @param hasPipe2 whether {@code pipe2(fds, O_NONBLOCK | O_CLOEXEC)} exists; otherwise
 *     {@code pipe} and two fcntl calls per end
 */
public record FileConstants(int oNonblock, int oCloexec, int fGetfd, int fSetfd, int fGetfl, int fSetfl,
        int fdCloexec, boolean hasPipe2) {
    /** macOS: xnu bsd/sys/fcntl.h; no pipe2. */
    public static final FileConstants MACOS = new FileConstants(0x0004, 0x01000000, 1, 2, 3, 4, 1, false);
    /** FreeBSD: sys/sys/fcntl.h; pipe2 since FreeBSD 10. */
    public static final FileConstants FREEBSD = new FileConstants(0x0004, 0x00100000, 1, 2, 3, 4, 1, true);
}
