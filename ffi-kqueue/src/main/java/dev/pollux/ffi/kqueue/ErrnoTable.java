package dev.pollux.ffi.kqueue;

import java.util.Arrays;
import java.util.Objects;

/**
 * One OS's errno numbers and names ({@code sys/errno.h}). errno itself is captured by the linker
 * ({@code Linker.Option.captureCallState("errno")}) the same way on every OS; only the numbers
 * differ (EAGAIN is 35 on macOS and FreeBSD, 11 on Linux). Immutable and thread-safe.
 */
public final class ErrnoTable {
    /** 1 to 81: the 4.4BSD numbers macOS and FreeBSD share. */
    private static final String[] BSD_COMMON = {
        null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
        "EDEADLK", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
        "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
        "EMLINK", "EPIPE", "EDOM", "ERANGE", "EAGAIN", "EINPROGRESS", "EALREADY", "ENOTSOCK", "EDESTADDRREQ",
        "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", null /* 45 */,
        "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET",
        "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS",
        "ETIMEDOUT", "ECONNREFUSED", "ELOOP", "ENAMETOOLONG", "EHOSTDOWN", "EHOSTUNREACH", "ENOTEMPTY",
        "EPROCLIM", "EUSERS", "EDQUOT", "ESTALE", "EREMOTE", "EBADRPC", "ERPCMISMATCH", "EPROGUNAVAIL",
        "EPROGMISMATCH", "EPROCUNAVAIL", "ENOLCK", "ENOSYS", "EFTYPE", "EAUTH", "ENEEDAUTH"
    };

    /** macOS, xnu bsd/sys/errno.h: 45 is ENOTSUP and EOPNOTSUPP is 102; 82 to 106 are Apple's own. */
    public static final ErrnoTable MACOS = bsd("ENOTSUP",
            "EPWROFF", "EDEVERR", "EOVERFLOW", "EBADEXEC", "EBADARCH", "ESHLIBVERS", "EBADMACHO", "ECANCELED",
            "EIDRM", "ENOMSG", "EILSEQ", "ENOATTR", "EBADMSG", "EMULTIHOP", "ENODATA", "ENOLINK", "ENOSR",
            "ENOSTR", "EPROTO", "ETIME", "EOPNOTSUPP", "ENOPOLICY", "ENOTRECOVERABLE", "EOWNERDEAD", "EQFULL");

    /** FreeBSD, sys/sys/errno.h: 45 is EOPNOTSUPP (ENOTSUP is the same number); 82 to 97 its own. */
    public static final ErrnoTable FREEBSD = bsd("EOPNOTSUPP",
            "EIDRM", "ENOMSG", "EOVERFLOW", "ECANCELED", "EILSEQ", "ENOATTR", "EDOOFUS", "EBADMSG", "EMULTIHOP",
            "ENOLINK", "EPROTO", "ENOTCAPABLE", "ECAPMODE", "ENOTRECOVERABLE", "EOWNERDEAD", "EINTEGRITY");

    private final String[] names;
    private final int eagain;
    private final int eintr;
    private final int enoent;
    private final int einprogress;
    private final int enotconn;
    private final int einval;
    private final int eopnotsupp;

    /**
     * A table where {@code names[n]} names errno {@code n} (null where none). It must name EAGAIN,
     * EINTR, ENOENT, EINPROGRESS, ENOTCONN, EINVAL and EOPNOTSUPP, which the layer acts on.
     */
    public ErrnoTable(String[] names) {
        this.names = names.clone();
        this.eagain = value("EAGAIN");
        this.eintr = value("EINTR");
        this.enoent = value("ENOENT");
        this.einprogress = value("EINPROGRESS");
        this.enotconn = value("ENOTCONN");
        this.einval = value("EINVAL");
        this.eopnotsupp = value("EOPNOTSUPP");
    }

    private static ErrnoTable bsd(String name45, String... from82) {
        String[] names = Arrays.copyOf(BSD_COMMON, 82 + from82.length);
        names[45] = name45;
        System.arraycopy(from82, 0, names, 82, from82.length);
        return new ErrnoTable(names);
    }

    /**
     * The number of errno {@code name}.
     *
     * @throws IllegalArgumentException if this table does not have it
     */
    public int value(String name) {
        Objects.requireNonNull(name, "name");
        for (int i = 0; i < names.length; i++) {
            if (name.equals(names[i])) {
                return i;
            }
        }
        throw new IllegalArgumentException("no " + name + " in this errno table");
    }

    /** The name of {@code errno}, such as {@code "EBADF"}, or {@code "errno N"} for one this table lacks. */
    public String name(int errno) {
        if (errno > 0 && errno < names.length && names[errno] != null) {
            return names[errno];
        }
        return "errno " + errno;
    }

    /** The highest errno this table names. */
    public int last() {
        return names.length - 1;
    }

    public int eagain() {
        return eagain;
    }

    public int eintr() {
        return eintr;
    }

    public int enoent() {
        return enoent;
    }

    public int einprogress() {
        return einprogress;
    }

    public int enotconn() {
        return enotconn;
    }

    public int einval() {
        return einval;
    }

    public int eopnotsupp() {
        return eopnotsupp;
    }
}
