/**
 * Pollux: a readiness event queue in the spirit of mio, over epoll or io_uring on Linux, kqueue,
 * and IOCP with AFD polling on Windows (not yet run there), built on the Foreign Function and
 * Memory API.
 *
 * <p>Exports the portable API ({@code dev.pollux}), the sockets ({@code dev.pollux.net}), the Unix
 * sources ({@code dev.pollux.unix}) and the Waker-driven executor ({@code dev.pollux.runtime});
 * the backends and the system-call layer stay internal. Run with
 * {@code --enable-native-access=dev.pollux.bindings,dev.pollux.ffi.epoll,dev.pollux.ffi.kqueue,dev.pollux.ffi.iocp} on the
 * module path, or {@code --enable-native-access=ALL-UNNAMED} on the class path.
 */
module dev.pollux {
    requires dev.pollux.ffi.epoll;
    requires dev.pollux.ffi.kqueue;
    requires dev.pollux.ffi.iocp;
    requires jdk.jfr;

    exports dev.pollux;
    exports dev.pollux.net;
    exports dev.pollux.runtime;
    exports dev.pollux.unix;
}
