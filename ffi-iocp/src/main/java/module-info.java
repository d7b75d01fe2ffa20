/**
 * IOCP, AFD polling and Winsock wrappers (Windows). Not implemented yet: the module exists so
 * the layering is in place.
 */
module dev.pollux.ffi.iocp {
    requires dev.pollux.bindings;
}
