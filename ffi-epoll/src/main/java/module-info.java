/**
 * Thin, safe, allocation-free wrappers of the Linux system calls Pollux uses: epoll, eventfd,
 * timerfd, pipe2, read/write/readv/writev, close and fcntl, and the io_uring ring
 * ({@link dev.pollux.ffi.epoll.IoUring}).
 *
 * <p>Every wrapper returns the kernel's convention: a non-negative result on success and
 * {@code -errno} on failure, with errno captured by the linker
 * ({@code Linker.Option.captureCallState}) rather than read afterwards. Turning a negative result
 * into an exception is the caller's job, which keeps the would-block path free of exceptions and
 * keeps this module free of any dependency on the public API (see {@link dev.pollux.ffi.epoll.Errno}).
 * Exported only to the poller module.
 */
module dev.pollux.ffi.epoll {
    requires dev.pollux.bindings;
    exports dev.pollux.ffi.epoll to dev.pollux;
}
