package dev.pollux.ffi.iocp;

/**
 * The AFD poll request: {@code IOCTL_AFD_POLL} and its {@code AFD_POLL_*} event bits, as declared
 * in {@code bindings/src/main/headers/windows_x86_64.h} from their published values (neither the
 * Windows SDK nor mingw-w64 has them), and the handle-level constants that open and configure
 * the {@code \Device\Afd} helper handle.
 */
public final class Afd {
    public static final int IOCTL_AFD_POLL = 0x00012024;

    public static final int AFD_POLL_RECEIVE = 0x0001;
    public static final int AFD_POLL_RECEIVE_EXPEDITED = 0x0002;
    public static final int AFD_POLL_SEND = 0x0004;
    public static final int AFD_POLL_DISCONNECT = 0x0008;
    public static final int AFD_POLL_ABORT = 0x0010;
    public static final int AFD_POLL_LOCAL_CLOSE = 0x0020;
    /** Reported with every event of a connected socket, not only once: never asked for. */
    public static final int AFD_POLL_CONNECT = 0x0040;
    public static final int AFD_POLL_ACCEPT = 0x0080;
    public static final int AFD_POLL_CONNECT_FAIL = 0x0100;

    public static final int SYNCHRONIZE = 0x00100000;
    public static final int FILE_SHARE_READ = 1;
    public static final int FILE_SHARE_WRITE = 2;
    public static final int FILE_OPEN = 1;
    public static final int FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 1;
    public static final int FILE_SKIP_SET_EVENT_ON_HANDLE = 2;

    /** {@code INVALID_HANDLE_VALUE}: {@code (HANDLE) -1}. */
    public static final long INVALID_HANDLE_VALUE = -1L;
    /** {@code INFINITE} timeout of the wait calls (a DWORD). */
    public static final int INFINITE = 0xFFFFFFFF;

    private Afd() {}
}
