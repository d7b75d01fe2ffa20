package dev.pollux.internal.iocp;

import dev.pollux.OsException;
import dev.pollux.ffi.iocp.Afd;
import dev.pollux.ffi.iocp.Iocp;
import dev.pollux.ffi.iocp.NtStatus;
import dev.pollux.ffi.iocp.WinError;
import dev.pollux.ffi.iocp.Winsock;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * {@link IocpDriver} over the real Windows calls (ffi-iocp's {@link Iocp}), turning their error
 * codes into {@link OsException}s named after the call and the code. Not run on Linux: the
 * calls it makes, in this order, are rehearsed in C under wine by
 * {@code ffi-iocp/src/test/c/afd_rehearsal.c}.
 */
final class NativeIocpDriver implements IocpDriver {
    private final Iocp iocp;

    private NativeIocpDriver(Iocp iocp) {
        this.iocp = iocp;
    }

    /** Links the Windows libraries (UnsupportedOperationException elsewhere). */
    static NativeIocpDriver open() {
        return new NativeIocpDriver(Iocp.open());
    }

    private static OsException win32(String call, long negated) {
        int code = (int) -negated;
        return new OsException(call, code, WinError.name(code));
    }

    @Override
    public long createPort() throws IOException {
        long port = iocp.createIoCompletionPort(Afd.INVALID_HANDLE_VALUE, 0, 0);
        if (port < 0) {
            throw win32("CreateIoCompletionPort", port);
        }
        return port;
    }

    @Override
    public long openAfd(long port) throws IOException {
        long afd = iocp.openAfd();
        if (afd < 0) {
            throw new OsException("NtCreateFile(" + Iocp.AFD_DEVICE + ")", (int) afd, NtStatus.name((int) afd));
        }
        long r = iocp.createIoCompletionPort(afd, port, 0);
        int mode = r < 0 ? 0 : iocp.setFileCompletionNotificationModes(afd, Afd.FILE_SKIP_SET_EVENT_ON_HANDLE);
        if (r < 0 || mode < 0) {
            iocp.closeHandle(afd);
            throw r < 0 ? win32("CreateIoCompletionPort", r) : win32("SetFileCompletionNotificationModes", mode);
        }
        return afd;
    }

    /** SIO_BASE_HANDLE; if a layered provider breaks it, the SIO_BSP_HANDLE variants, as mio does. */
    @Override
    public long baseSocket(int socket) throws IOException {
        long base = iocp.baseHandle(socket, Winsock.SIO_BASE_HANDLE);
        if (base >= 0) {
            return base;
        }
        for (int ioctl : new int[] {Winsock.SIO_BSP_HANDLE_SELECT, Winsock.SIO_BSP_HANDLE_POLL, Winsock.SIO_BSP_HANDLE}) {
            long other = iocp.baseHandle(socket, ioctl);
            if (other >= 0 && other != socket) {
                return other;
            }
        }
        throw win32("WSAIoctl(SIO_BASE_HANDLE)", base);
    }

    @Override
    public int poll(long afd, MemorySegment iosb, MemorySegment pollInfo) {
        return iocp.afdPoll(afd, iosb, pollInfo);
    }

    @Override
    public int cancel(long afd, MemorySegment iosb) {
        return iocp.cancel(afd, iosb);
    }

    @Override
    public int dequeue(long port, MemorySegment entries, int capacity, int timeoutMillis) throws IOException {
        int n = iocp.getQueuedCompletionStatusEx(port, entries, capacity, timeoutMillis);
        if (n >= 0) {
            return n;
        }
        if (n == -WinError.WAIT_TIMEOUT) {
            return 0;
        }
        throw win32("GetQueuedCompletionStatusEx", n);
    }

    @Override
    public void post(long port, int bytes, long key) throws IOException {
        int r = iocp.postQueuedCompletionStatus(port, bytes, key);
        if (r < 0) {
            throw win32("PostQueuedCompletionStatus", r);
        }
    }

    @Override
    public void closeHandle(long handle) throws IOException {
        int r = iocp.closeHandle(handle);
        if (r < 0) {
            throw win32("CloseHandle", r);
        }
    }
}
