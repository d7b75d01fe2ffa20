package dev.pollux.ffi.kqueue;

/**
 * The kqueue constants Pollux uses, which differ between platforms (EVFILT_USER is -10 on macOS
 * and -11 on FreeBSD and in libkqueue; the rest agree today, but each platform states its own).
 */
public record KqueueConstants(
        short evfiltRead,
        short evfiltWrite,
        short evfiltUser,
        short evAdd,
        short evDelete,
        short evEnable,
        short evDisable,
        short evOneshot,
        short evClear,
        short evReceipt,
        short evDispatch,
        short evError,
        short evEof,
        int noteTrigger) {

    /** macOS, xnu bsd/sys/event.h. */
    public static final KqueueConstants MACOS = new KqueueConstants(
            (short) -1, (short) -2, (short) -10,
            (short) 0x0001, (short) 0x0002, (short) 0x0004, (short) 0x0008, (short) 0x0010, (short) 0x0020,
            (short) 0x0040, (short) 0x0080, (short) 0x4000, (short) 0x8000, 0x01000000);

    /** FreeBSD, sys/sys/event.h. */
    public static final KqueueConstants FREEBSD = new KqueueConstants(
            (short) -1, (short) -2, (short) -11,
            (short) 0x0001, (short) 0x0002, (short) 0x0004, (short) 0x0008, (short) 0x0010, (short) 0x0020,
            (short) 0x0040, (short) 0x0080, (short) 0x4000, (short) 0x8000, 0x01000000);
}
