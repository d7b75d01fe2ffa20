/*
 * Wrapper header for the Windows bindings (package dev.pollux.bindings.windows).
 * jextract reads this file with a Windows x86_64 clang target (windows_x86_64.clang-flags) and the
 * mingw-w64 headers (Debian's mingw-w64-x86-64-dev); scripts/generate-bindings.sh regenerates the
 * sources from it. The C programs under ffi-iocp/src/test/c include it too, so that the layout
 * table they print under wine describes exactly the declarations the bindings were made from.
 *
 * Windows is LLP64: `long` and ULONG are 32 bits, pointers, HANDLE and SOCKET 64 bits.
 */
#ifndef POLLUX_WINDOWS_X86_64_H
#define POLLUX_WINDOWS_X86_64_H

#define WIN32_LEAN_AND_MEAN
/*
 * mingw-w64 writes every Windows `long` (ULONG, DWORD, LONG, NTSTATUS, u_long...) as __LONG32,
 * defined as `long` for Windows targets. Both are 32 bits there, so making it `int` changes no
 * size, alignment or calling convention (layout.c checks this under wine), but it makes jextract
 * emit C_INT instead of C_LONG: jextract sizes C_LONG from the machine it runs on (64 bits on
 * Linux), which would give the generated structs 8-byte ULONGs here and make the classes fail to
 * load on Windows (its `long` layout is not an OfLong).
 */
#include <_mingw.h>
#undef __LONG32
#define __LONG32 int
/* ntstatus.h defines every STATUS_* code; winnt.h defines a few of them again unless told not to. */
#define WIN32_NO_STATUS
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>
#undef WIN32_NO_STATUS
#include <ntstatus.h>
#include <winternl.h>

/*
 * The AFD ("ancillary function driver", the kernel side of Winsock) poll request. Not in the
 * Windows SDK nor in mingw-w64; declared from its published layout, as wepoll, mio and the JDK's
 * wepoll-based selector declare it: IOCTL_AFD_POLL on a handle to \Device\Afd asks the driver to
 * complete the request (through the handle's completion port) when one of the sockets named in
 * Handles has one of the requested AFD_POLL_* events.
 */
typedef struct _AFD_POLL_HANDLE_INFO {
    HANDLE Handle;
    ULONG Events;
    NTSTATUS Status;
} AFD_POLL_HANDLE_INFO;

typedef struct _AFD_POLL_INFO {
    LARGE_INTEGER Timeout;
    ULONG NumberOfHandles;
    ULONG Exclusive;
    AFD_POLL_HANDLE_INFO Handles[1];
} AFD_POLL_INFO;

#define IOCTL_AFD_POLL 0x00012024

#define AFD_POLL_RECEIVE 0x0001
#define AFD_POLL_RECEIVE_EXPEDITED 0x0002
#define AFD_POLL_SEND 0x0004
#define AFD_POLL_DISCONNECT 0x0008
#define AFD_POLL_ABORT 0x0010
#define AFD_POLL_LOCAL_CLOSE 0x0020
#define AFD_POLL_CONNECT 0x0040
#define AFD_POLL_ACCEPT 0x0080
#define AFD_POLL_CONNECT_FAIL 0x0100

/* ntdll exports it since Windows Vista; mingw-w64 10 does not declare it. */
NTSTATUS NTAPI NtCancelIoFileEx(HANDLE FileHandle, PIO_STATUS_BLOCK IoRequestToCancel,
                                PIO_STATUS_BLOCK IoStatusBlock);

#endif
