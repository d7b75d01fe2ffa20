package dev.pollux.internal;

import dev.pollux.OsException;

/** Turns the system-call layer's {@code -errno} results into {@link OsException}s. */
public final class Check {
    private Check() {}

    /** {@code result}, or an {@link OsException} naming {@code call} when it is negative. */
    public static int check(String call, int result) throws OsException {
        if (result < 0) {
            throw error(call, -result);
        }
        return result;
    }

    /** {@code result}, or an {@link OsException} naming {@code call} when it is negative. */
    public static long check(String call, long result) throws OsException {
        if (result < 0) {
            throw error(call, (int) -result);
        }
        return result;
    }

    /** The exception for {@code errno} from {@code call}. */
    public static OsException error(String call, int errno) {
        return new OsException(call, errno, Os.current().errnoName(errno));
    }
}
