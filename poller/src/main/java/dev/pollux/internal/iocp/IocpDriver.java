package dev.pollux.internal.iocp;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The kernel calls {@link IocpSelector} makes, and nothing else: a completion port, AFD helper
 * handles associated with it, poll requests on them, their cancellation, the wait for
 * completions and posted packets. {@link NativeIocpDriver} makes them on Windows; tests drive
 * the selector with a simulated driver, which is how its state machine is verified on Linux.
 *
 * <p>A poll request's IO_STATUS_BLOCK is also its completion's {@code lpOverlapped} (the
 * ApcContext, as in wepoll): the driver writes the request's final status into it and its events
 * into the AFD_POLL_INFO before the completion can be dequeued. Implementations are thread-safe
 * (the port is used by the polling thread and, for submissions and posts, by others).
 */
public interface IocpDriver {
    /** {@code CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0)}: a new port. */
    long createPort() throws IOException;

    /**
     * Opens a {@code \Device\Afd} helper handle, associates it with {@code port} (completion key
     * 0) and sets {@code FILE_SKIP_SET_EVENT_ON_HANDLE}.
     */
    long openAfd(long port) throws IOException;

    /** The base service provider's socket under {@code socket} ({@code SIO_BASE_HANDLE}). */
    long baseSocket(int socket) throws IOException;

    /**
     * {@code IOCTL_AFD_POLL} on {@code afd} with {@code pollInfo} as input and output and
     * {@code iosb} as both the IO_STATUS_BLOCK and the ApcContext.
     *
     * @return the NTSTATUS: STATUS_PENDING or STATUS_SUCCESS mean a completion will follow
     */
    int poll(long afd, MemorySegment iosb, MemorySegment pollInfo);

    /**
     * {@code NtCancelIoFileEx} of the request whose IO_STATUS_BLOCK is {@code iosb}.
     *
     * @return the NTSTATUS: STATUS_SUCCESS (a STATUS_CANCELLED completion follows) or
     *     STATUS_NOT_FOUND (it had completed already: its completion is queued)
     */
    int cancel(long afd, MemorySegment iosb);

    /**
     * {@code GetQueuedCompletionStatusEx}: writes up to {@code capacity} OVERLAPPED_ENTRYs into
     * {@code entries}.
     *
     * @param timeoutMillis negative to wait forever
     * @return the number of entries, 0 when the wait timed out
     */
    int dequeue(long port, MemorySegment entries, int capacity, int timeoutMillis) throws IOException;

    /** {@code PostQueuedCompletionStatus(port, bytes, key, NULL)}. */
    void post(long port, int bytes, long key) throws IOException;

    /** {@code CloseHandle}. */
    void closeHandle(long handle) throws IOException;
}
