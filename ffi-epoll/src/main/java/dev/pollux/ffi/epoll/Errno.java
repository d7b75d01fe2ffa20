package dev.pollux.ffi.epoll;

import dev.pollux.bindings.linux.Linux;

/**
 * Linux errno values (from the generated bindings) and their symbolic names.
 *
 * <p>Wrappers in this package return {@code -errno} on failure; {@link #name(int)} turns the code
 * into the name users search for ({@code "EBADF"}), which the poller puts into its
 * {@code OsException}. The exception type itself lives in the poller module, the public API, so
 * that it stays in package {@code dev.pollux} without a dependency cycle: this module reports
 * codes, the poller raises.
 */
public final class Errno {
    private Errno() {}

    public static final int EPERM = Linux.EPERM();
    public static final int ENOENT = Linux.ENOENT();
    public static final int ESRCH = Linux.ESRCH();
    public static final int EINTR = Linux.EINTR();
    public static final int EIO = Linux.EIO();
    public static final int ENXIO = Linux.ENXIO();
    public static final int E2BIG = Linux.E2BIG();
    public static final int ENOEXEC = Linux.ENOEXEC();
    public static final int EBADF = Linux.EBADF();
    public static final int ECHILD = Linux.ECHILD();
    public static final int EAGAIN = Linux.EAGAIN();
    public static final int ENOMEM = Linux.ENOMEM();
    public static final int EACCES = Linux.EACCES();
    public static final int EFAULT = Linux.EFAULT();
    public static final int EBUSY = Linux.EBUSY();
    public static final int EEXIST = Linux.EEXIST();
    public static final int EXDEV = Linux.EXDEV();
    public static final int ENODEV = Linux.ENODEV();
    public static final int ENOTDIR = Linux.ENOTDIR();
    public static final int EISDIR = Linux.EISDIR();
    public static final int EINVAL = Linux.EINVAL();
    public static final int ENFILE = Linux.ENFILE();
    public static final int EMFILE = Linux.EMFILE();
    public static final int ENOTTY = Linux.ENOTTY();
    public static final int ETXTBSY = Linux.ETXTBSY();
    public static final int EFBIG = Linux.EFBIG();
    public static final int ENOSPC = Linux.ENOSPC();
    public static final int ESPIPE = Linux.ESPIPE();
    public static final int EROFS = Linux.EROFS();
    public static final int EMLINK = Linux.EMLINK();
    public static final int EPIPE = Linux.EPIPE();
    public static final int EDOM = Linux.EDOM();
    public static final int ERANGE = Linux.ERANGE();
    public static final int EDEADLK = Linux.EDEADLK();
    public static final int ENAMETOOLONG = Linux.ENAMETOOLONG();
    public static final int ENOLCK = Linux.ENOLCK();
    public static final int ENOSYS = Linux.ENOSYS();
    public static final int ENOTEMPTY = Linux.ENOTEMPTY();
    public static final int ELOOP = Linux.ELOOP();
    public static final int ENODATA = Linux.ENODATA();
    public static final int ETIME = Linux.ETIME();
    public static final int ENONET = Linux.ENONET();
    public static final int ENOLINK = Linux.ENOLINK();
    public static final int EPROTO = Linux.EPROTO();
    public static final int EBADMSG = Linux.EBADMSG();
    public static final int EOVERFLOW = Linux.EOVERFLOW();
    public static final int EILSEQ = Linux.EILSEQ();
    public static final int ENOTSOCK = Linux.ENOTSOCK();
    public static final int EDESTADDRREQ = Linux.EDESTADDRREQ();
    public static final int EMSGSIZE = Linux.EMSGSIZE();
    public static final int EPROTOTYPE = Linux.EPROTOTYPE();
    public static final int ENOPROTOOPT = Linux.ENOPROTOOPT();
    public static final int EPROTONOSUPPORT = Linux.EPROTONOSUPPORT();
    public static final int ESOCKTNOSUPPORT = Linux.ESOCKTNOSUPPORT();
    public static final int EOPNOTSUPP = Linux.EOPNOTSUPP();
    public static final int EPFNOSUPPORT = Linux.EPFNOSUPPORT();
    public static final int EAFNOSUPPORT = Linux.EAFNOSUPPORT();
    public static final int EADDRINUSE = Linux.EADDRINUSE();
    public static final int EADDRNOTAVAIL = Linux.EADDRNOTAVAIL();
    public static final int ENETDOWN = Linux.ENETDOWN();
    public static final int ENETUNREACH = Linux.ENETUNREACH();
    public static final int ENETRESET = Linux.ENETRESET();
    public static final int ECONNABORTED = Linux.ECONNABORTED();
    public static final int ECONNRESET = Linux.ECONNRESET();
    public static final int ENOBUFS = Linux.ENOBUFS();
    public static final int EISCONN = Linux.EISCONN();
    public static final int ENOTCONN = Linux.ENOTCONN();
    public static final int ESHUTDOWN = Linux.ESHUTDOWN();
    public static final int ETIMEDOUT = Linux.ETIMEDOUT();
    public static final int ECONNREFUSED = Linux.ECONNREFUSED();
    public static final int EHOSTDOWN = Linux.EHOSTDOWN();
    public static final int EHOSTUNREACH = Linux.EHOSTUNREACH();
    public static final int EALREADY = Linux.EALREADY();
    public static final int EINPROGRESS = Linux.EINPROGRESS();
    public static final int ECANCELED = Linux.ECANCELED();
    public static final int EWOULDBLOCK = Linux.EWOULDBLOCK();
    public static final int ENOTSUP = Linux.ENOTSUP();

    private static final String[] NAMES = new String[256];

    static {
        NAMES[EPERM] = "EPERM";
        NAMES[ENOENT] = "ENOENT";
        NAMES[ESRCH] = "ESRCH";
        NAMES[EINTR] = "EINTR";
        NAMES[EIO] = "EIO";
        NAMES[ENXIO] = "ENXIO";
        NAMES[E2BIG] = "E2BIG";
        NAMES[ENOEXEC] = "ENOEXEC";
        NAMES[EBADF] = "EBADF";
        NAMES[ECHILD] = "ECHILD";
        NAMES[EAGAIN] = "EAGAIN";
        NAMES[ENOMEM] = "ENOMEM";
        NAMES[EACCES] = "EACCES";
        NAMES[EFAULT] = "EFAULT";
        NAMES[EBUSY] = "EBUSY";
        NAMES[EEXIST] = "EEXIST";
        NAMES[EXDEV] = "EXDEV";
        NAMES[ENODEV] = "ENODEV";
        NAMES[ENOTDIR] = "ENOTDIR";
        NAMES[EISDIR] = "EISDIR";
        NAMES[EINVAL] = "EINVAL";
        NAMES[ENFILE] = "ENFILE";
        NAMES[EMFILE] = "EMFILE";
        NAMES[ENOTTY] = "ENOTTY";
        NAMES[ETXTBSY] = "ETXTBSY";
        NAMES[EFBIG] = "EFBIG";
        NAMES[ENOSPC] = "ENOSPC";
        NAMES[ESPIPE] = "ESPIPE";
        NAMES[EROFS] = "EROFS";
        NAMES[EMLINK] = "EMLINK";
        NAMES[EPIPE] = "EPIPE";
        NAMES[EDOM] = "EDOM";
        NAMES[ERANGE] = "ERANGE";
        NAMES[EDEADLK] = "EDEADLK";
        NAMES[ENAMETOOLONG] = "ENAMETOOLONG";
        NAMES[ENOLCK] = "ENOLCK";
        NAMES[ENOSYS] = "ENOSYS";
        NAMES[ENOTEMPTY] = "ENOTEMPTY";
        NAMES[ELOOP] = "ELOOP";
        NAMES[ENODATA] = "ENODATA";
        NAMES[ETIME] = "ETIME";
        NAMES[ENONET] = "ENONET";
        NAMES[ENOLINK] = "ENOLINK";
        NAMES[EPROTO] = "EPROTO";
        NAMES[EBADMSG] = "EBADMSG";
        NAMES[EOVERFLOW] = "EOVERFLOW";
        NAMES[EILSEQ] = "EILSEQ";
        NAMES[ENOTSOCK] = "ENOTSOCK";
        NAMES[EDESTADDRREQ] = "EDESTADDRREQ";
        NAMES[EMSGSIZE] = "EMSGSIZE";
        NAMES[EPROTOTYPE] = "EPROTOTYPE";
        NAMES[ENOPROTOOPT] = "ENOPROTOOPT";
        NAMES[EPROTONOSUPPORT] = "EPROTONOSUPPORT";
        NAMES[ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT";
        NAMES[EOPNOTSUPP] = "EOPNOTSUPP";
        NAMES[EPFNOSUPPORT] = "EPFNOSUPPORT";
        NAMES[EAFNOSUPPORT] = "EAFNOSUPPORT";
        NAMES[EADDRINUSE] = "EADDRINUSE";
        NAMES[EADDRNOTAVAIL] = "EADDRNOTAVAIL";
        NAMES[ENETDOWN] = "ENETDOWN";
        NAMES[ENETUNREACH] = "ENETUNREACH";
        NAMES[ENETRESET] = "ENETRESET";
        NAMES[ECONNABORTED] = "ECONNABORTED";
        NAMES[ECONNRESET] = "ECONNRESET";
        NAMES[ENOBUFS] = "ENOBUFS";
        NAMES[EISCONN] = "EISCONN";
        NAMES[ENOTCONN] = "ENOTCONN";
        NAMES[ESHUTDOWN] = "ESHUTDOWN";
        NAMES[ETIMEDOUT] = "ETIMEDOUT";
        NAMES[ECONNREFUSED] = "ECONNREFUSED";
        NAMES[EHOSTDOWN] = "EHOSTDOWN";
        NAMES[EHOSTUNREACH] = "EHOSTUNREACH";
        NAMES[EALREADY] = "EALREADY";
        NAMES[EINPROGRESS] = "EINPROGRESS";
        NAMES[ECANCELED] = "ECANCELED";
    }

    /**
     * The symbolic name of an errno value, such as {@code "EBADF"}, or {@code "errno N"} for a
     * value this table does not know.
     */
    public static String name(int errno) {
        if (errno >= 0 && errno < NAMES.length && NAMES[errno] != null) {
            return NAMES[errno];
        }
        return "errno " + errno;
    }
}
