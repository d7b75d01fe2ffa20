package dev.pollux.ffi.iocp;

/**
 * The Win32 error codes ({@code GetLastError}) and Winsock error codes ({@code WSAGetLastError},
 * the same number space) that the IOCP backend and its sockets meet, with their names for error
 * messages. Values from the mingw-w64 {@code winerror.h} and {@code winsock2.h}, checked against
 * the table the layout program prints under wine.
 */
public final class WinError {
    public static final int ERROR_SUCCESS = 0;
    public static final int ERROR_INVALID_HANDLE = 6;
    public static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    public static final int ERROR_INVALID_PARAMETER = 87;
    public static final int ERROR_ALREADY_EXISTS = 183;
    public static final int WAIT_TIMEOUT = 258;
    public static final int ERROR_ABANDONED_WAIT_0 = 735;
    public static final int ERROR_OPERATION_ABORTED = 995;
    public static final int ERROR_IO_PENDING = 997;
    public static final int ERROR_NOT_FOUND = 1168;

    public static final int WSA_IO_PENDING = ERROR_IO_PENDING;
    public static final int WSA_OPERATION_ABORTED = ERROR_OPERATION_ABORTED;
    public static final int WSAEINTR = 10004;
    public static final int WSAEBADF = 10009;
    public static final int WSAEACCES = 10013;
    public static final int WSAEFAULT = 10014;
    public static final int WSAEINVAL = 10022;
    public static final int WSAEMFILE = 10024;
    public static final int WSAEWOULDBLOCK = 10035;
    public static final int WSAEINPROGRESS = 10036;
    public static final int WSAEALREADY = 10037;
    public static final int WSAENOTSOCK = 10038;
    public static final int WSAEDESTADDRREQ = 10039;
    public static final int WSAEMSGSIZE = 10040;
    public static final int WSAEPROTOTYPE = 10041;
    public static final int WSAENOPROTOOPT = 10042;
    public static final int WSAEPROTONOSUPPORT = 10043;
    public static final int WSAESOCKTNOSUPPORT = 10044;
    public static final int WSAEOPNOTSUPP = 10045;
    public static final int WSAEPFNOSUPPORT = 10046;
    public static final int WSAEAFNOSUPPORT = 10047;
    public static final int WSAEADDRINUSE = 10048;
    public static final int WSAEADDRNOTAVAIL = 10049;
    public static final int WSAENETDOWN = 10050;
    public static final int WSAENETUNREACH = 10051;
    public static final int WSAENETRESET = 10052;
    public static final int WSAECONNABORTED = 10053;
    public static final int WSAECONNRESET = 10054;
    public static final int WSAENOBUFS = 10055;
    public static final int WSAEISCONN = 10056;
    public static final int WSAENOTCONN = 10057;
    public static final int WSAESHUTDOWN = 10058;
    public static final int WSAETIMEDOUT = 10060;
    public static final int WSAECONNREFUSED = 10061;
    public static final int WSAEHOSTDOWN = 10064;
    public static final int WSAEHOSTUNREACH = 10065;
    public static final int WSASYSNOTREADY = 10091;
    public static final int WSAVERNOTSUPPORTED = 10092;
    public static final int WSANOTINITIALISED = 10093;

    /** WSAEINTR (10004) to WSAEHOSTUNREACH (10065), by code minus 10000; nulls are unused codes. */
    private static final String[] WSA_NAMES = new String[66];

    static {
        String[] named = {
            "WSAEINTR", "WSAEBADF", "WSAEACCES", "WSAEFAULT", "WSAEINVAL", "WSAEMFILE", "WSAEWOULDBLOCK",
            "WSAEINPROGRESS", "WSAEALREADY", "WSAENOTSOCK", "WSAEDESTADDRREQ", "WSAEMSGSIZE", "WSAEPROTOTYPE",
            "WSAENOPROTOOPT", "WSAEPROTONOSUPPORT", "WSAESOCKTNOSUPPORT", "WSAEOPNOTSUPP", "WSAEPFNOSUPPORT",
            "WSAEAFNOSUPPORT", "WSAEADDRINUSE", "WSAEADDRNOTAVAIL", "WSAENETDOWN", "WSAENETUNREACH",
            "WSAENETRESET", "WSAECONNABORTED", "WSAECONNRESET", "WSAENOBUFS", "WSAEISCONN", "WSAENOTCONN",
            "WSAESHUTDOWN", "WSAETIMEDOUT", "WSAECONNREFUSED", "WSAEHOSTDOWN", "WSAEHOSTUNREACH"
        };
        int[] codes = {
            WSAEINTR, WSAEBADF, WSAEACCES, WSAEFAULT, WSAEINVAL, WSAEMFILE, WSAEWOULDBLOCK, WSAEINPROGRESS,
            WSAEALREADY, WSAENOTSOCK, WSAEDESTADDRREQ, WSAEMSGSIZE, WSAEPROTOTYPE, WSAENOPROTOOPT,
            WSAEPROTONOSUPPORT, WSAESOCKTNOSUPPORT, WSAEOPNOTSUPP, WSAEPFNOSUPPORT, WSAEAFNOSUPPORT,
            WSAEADDRINUSE, WSAEADDRNOTAVAIL, WSAENETDOWN, WSAENETUNREACH, WSAENETRESET, WSAECONNABORTED,
            WSAECONNRESET, WSAENOBUFS, WSAEISCONN, WSAENOTCONN, WSAESHUTDOWN, WSAETIMEDOUT, WSAECONNREFUSED,
            WSAEHOSTDOWN, WSAEHOSTUNREACH
        };
        for (int i = 0; i < codes.length; i++) {
            WSA_NAMES[codes[i] - 10000] = named[i];
        }
    }

    private WinError() {}

    /** The name of a Win32 or Winsock error code, or {@code "error N"} when it is none of the above. */
    public static String name(int code) {
        if (code >= 10000 && code < 10000 + WSA_NAMES.length && WSA_NAMES[code - 10000] != null) {
            return WSA_NAMES[code - 10000];
        }
        return switch (code) {
            case ERROR_SUCCESS -> "ERROR_SUCCESS";
            case ERROR_INVALID_HANDLE -> "ERROR_INVALID_HANDLE";
            case ERROR_NOT_ENOUGH_MEMORY -> "ERROR_NOT_ENOUGH_MEMORY";
            case ERROR_INVALID_PARAMETER -> "ERROR_INVALID_PARAMETER";
            case ERROR_ALREADY_EXISTS -> "ERROR_ALREADY_EXISTS";
            case WAIT_TIMEOUT -> "WAIT_TIMEOUT";
            case ERROR_ABANDONED_WAIT_0 -> "ERROR_ABANDONED_WAIT_0";
            case ERROR_OPERATION_ABORTED -> "ERROR_OPERATION_ABORTED";
            case ERROR_IO_PENDING -> "ERROR_IO_PENDING";
            case ERROR_NOT_FOUND -> "ERROR_NOT_FOUND";
            case WSASYSNOTREADY -> "WSASYSNOTREADY";
            case WSAVERNOTSUPPORTED -> "WSAVERNOTSUPPORTED";
            case WSANOTINITIALISED -> "WSANOTINITIALISED";
            default -> "error " + code;
        };
    }
}
