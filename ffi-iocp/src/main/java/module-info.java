/**
 * Windows system calls for the IOCP backend: completion ports, the AFD poll request (ntdll) and
 * Winsock, with the Windows x86_64 layouts and constants they need. Loads on every OS: the
 * Windows libraries are looked up only when the backend opens. Results are the OS's own error
 * codes (GetLastError, WSAGetLastError, NTSTATUS), named by {@code WinError} and
 * {@code NtStatus}. Exported only to the poller module.
 */
module dev.pollux.ffi.iocp {
    requires dev.pollux.bindings;
    exports dev.pollux.ffi.iocp to dev.pollux;
}
