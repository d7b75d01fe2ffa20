package dev.pollux;

import java.io.IOException;

/**
 * A system call failed. Carries the OS error code ({@code errno} on Unix, the Win32 error on
 * Windows), its symbolic name such as {@code "EBADF"}, and the name of the call such as
 * {@code "epoll_ctl"}.
 *
 * <p>Every failed system call in Pollux surfaces as this exception, or as the {@code java.nio} /
 * {@code java.net} exception users already handle where one exists for the situation. Would-block
 * is never an exception: I/O methods return 0 (or {@code null}) instead.
 *
 * <p>This type lives in the public API module. The ffi modules below it never throw it: they
 * return the kernel's {@code -errno} convention and the poller turns that into this exception, so
 * the layers depend only downwards.
 */
public class OsException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String codeName;
    private final String call;

    /**
     * @param call the system call that failed, e.g. {@code "epoll_ctl"}
     * @param code the OS error code, e.g. 9
     * @param codeName its symbolic name, e.g. {@code "EBADF"}
     */
    public OsException(String call, int code, String codeName) {
        super(call + " failed: " + codeName + " (" + code + ")");
        this.call = call;
        this.code = code;
        this.codeName = codeName;
    }

    /** The OS error code ({@code errno} or the Win32 error). */
    public int code() {
        return code;
    }

    /** The symbolic name of {@link #code()}, such as {@code "EBADF"}. */
    public String codeName() {
        return codeName;
    }

    /** The system call that failed, such as {@code "epoll_ctl"}. */
    public String call() {
        return call;
    }
}
