package dev.pollux.ffi.kqueue;

import java.util.Locale;

/**
 * Everything the POSIX system-call layer ({@link PosixCalls}) needs to know about one OS: its
 * constants, errno table and struct layouts. {@link #MACOS} and {@link #FREEBSD} are written from
 * their headers (checked by {@code PosixPlatformTest}); other instances, such as one with Linux's
 * numbers for running the same code paths on Linux, can be built with the constructor.
 *
 * @param name the OS's name, for messages ("macOS")
 */
public record PosixPlatform(String name, SocketConstants sockets, FileConstants files, ErrnoTable errno,
        PosixLayouts layouts) {

    /** macOS on x86_64 or arm64. */
    public static final PosixPlatform MACOS = new PosixPlatform("macOS", SocketConstants.MACOS, FileConstants.MACOS,
            ErrnoTable.MACOS, PosixLayouts.MACOS);
    /** FreeBSD 12 and later on amd64 or aarch64. */
    public static final PosixPlatform FREEBSD = new PosixPlatform("FreeBSD", SocketConstants.FREEBSD,
            FileConstants.FREEBSD, ErrnoTable.FREEBSD, PosixLayouts.FREEBSD);

    /**
     * The platform of {@code osName} ({@code os.name}) and {@code arch} ({@code os.arch}).
     *
     * @throws UnsupportedOperationException for any other OS, or an architecture whose layouts
     *     were not checked (anything but x86_64/amd64 and aarch64/arm64)
     */
    public static PosixPlatform of(String osName, String arch) {
        String os = osName.toLowerCase(Locale.ROOT);
        PosixPlatform platform;
        if (os.startsWith("mac")) {
            platform = MACOS;
        } else if (os.contains("freebsd")) {
            platform = FREEBSD;
        } else {
            throw new UnsupportedOperationException("no BSD system-call layer for " + osName);
        }
        if (!(arch.equals("x86_64") || arch.equals("amd64") || arch.equals("aarch64") || arch.equals("arm64"))) {
            throw new UnsupportedOperationException("Pollux's " + platform.name()
                    + " struct layouts are for x86_64 and aarch64, not " + arch);
        }
        return platform;
    }

    /** The platform of this JVM; see {@link #of}. */
    public static PosixPlatform current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }
}
