/**
 * kqueue/kevent wrappers for macOS, FreeBSD and libkqueue on Linux: the per-platform
 * {@code struct kevent} layouts and constants, and {@code kqueue()}/{@code kevent()} linked only
 * when the backend is opened (so this module loads on every OS). Results follow the kernel's
 * {@code -errno} convention. Exported only to the poller module.
 */
module dev.pollux.ffi.kqueue {
    requires dev.pollux.bindings;
    exports dev.pollux.ffi.kqueue to dev.pollux;
}
