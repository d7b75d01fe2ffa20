package dev.pollux.ffi.iocp;

/**
 * The NTSTATUS codes the AFD protocol meets (ntdll's {@code NtCreateFile},
 * {@code NtDeviceIoControlFile}, {@code NtCancelIoFileEx} and the status an
 * {@code IO_STATUS_BLOCK} ends with), with their names for error messages. Values from the
 * mingw-w64 {@code ntstatus.h}, checked against the table the layout program prints under wine.
 */
public final class NtStatus {
    public static final int STATUS_SUCCESS = 0;
    public static final int STATUS_PENDING = 0x103;
    public static final int STATUS_CANCELLED = 0xC0000120;
    public static final int STATUS_NOT_FOUND = 0xC0000225;
    public static final int STATUS_INVALID_HANDLE = 0xC0000008;
    public static final int STATUS_INVALID_PARAMETER = 0xC000000D;
    public static final int STATUS_NO_MEMORY = 0xC0000017;
    public static final int STATUS_OBJECT_NAME_NOT_FOUND = 0xC0000034;
    public static final int STATUS_ACCESS_DENIED = 0xC0000022;

    private NtStatus() {}

    /** Whether {@code status} is a success or informational code ({@code NT_SUCCESS}). */
    public static boolean isSuccess(int status) {
        return status >= 0;
    }

    /** The name of {@code status}, or its hexadecimal value when it is none of the above. */
    public static String name(int status) {
        return switch (status) {
            case STATUS_SUCCESS -> "STATUS_SUCCESS";
            case STATUS_PENDING -> "STATUS_PENDING";
            case STATUS_CANCELLED -> "STATUS_CANCELLED";
            case STATUS_NOT_FOUND -> "STATUS_NOT_FOUND";
            case STATUS_INVALID_HANDLE -> "STATUS_INVALID_HANDLE";
            case STATUS_INVALID_PARAMETER -> "STATUS_INVALID_PARAMETER";
            case STATUS_NO_MEMORY -> "STATUS_NO_MEMORY";
            case STATUS_OBJECT_NAME_NOT_FOUND -> "STATUS_OBJECT_NAME_NOT_FOUND";
            case STATUS_ACCESS_DENIED -> "STATUS_ACCESS_DENIED";
            default -> String.format("NTSTATUS 0x%08X", status);
        };
    }
}
