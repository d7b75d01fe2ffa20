/**
 * kqueue/kevent and BSD socket wrappers (macOS, FreeBSD, libkqueue). Not implemented yet: the
 * module exists so the layering is in place; see the kqueue issue.
 */
module dev.pollux.ffi.kqueue {
    requires dev.pollux.bindings;
}
