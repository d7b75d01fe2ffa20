/*
 * Prints the Windows x86_64 layout of every struct and the value of every constant the Java side
 * of the IOCP backend uses, as compiled by mingw-w64 from bindings/src/main/headers/windows_x86_64.h (the
 * header the bindings are generated from). scripts/check-windows.sh builds it, runs it under wine
 * and compares its output with the committed table ffi-iocp/src/test/resources/windows-layout.txt,
 * which WindowsLayoutTest checks the Java layouts and constants against on every build.
 *
 * Output, one item a line: "size NAME n", "align NAME n", "offset NAME.FIELD n", "const NAME v"
 * (v printed as a signed 64-bit value of the constant converted from its C type).
 */
#include "windows_x86_64.h"
#include <stddef.h>
#include <stdio.h>

#define SIZE(T) printf("size %s %llu\nalign %s %llu\n", #T, (unsigned long long) sizeof(T), #T, \
                       (unsigned long long) _Alignof(T))
#define OFF(T, F) printf("offset %s.%s %llu\n", #T, #F, (unsigned long long) offsetof(T, F))
#define CONSTANT(C) printf("const %s %lld\n", #C, (long long) (C))

int main(void) {
    printf("# Windows x86_64 layouts and constants: mingw-w64 headers through bindings/src/main/headers/windows_x86_64.h\n");
    printf("# printed by ffi-iocp/src/test/c/layout.c under wine (scripts/check-windows.sh); do not edit\n");

    SIZE(OVERLAPPED);
    OFF(OVERLAPPED, Internal);
    OFF(OVERLAPPED, InternalHigh);
    OFF(OVERLAPPED, Offset);
    OFF(OVERLAPPED, OffsetHigh);
    OFF(OVERLAPPED, hEvent);
    SIZE(OVERLAPPED_ENTRY);
    OFF(OVERLAPPED_ENTRY, lpCompletionKey);
    OFF(OVERLAPPED_ENTRY, lpOverlapped);
    OFF(OVERLAPPED_ENTRY, Internal);
    OFF(OVERLAPPED_ENTRY, dwNumberOfBytesTransferred);
    SIZE(IO_STATUS_BLOCK);
    OFF(IO_STATUS_BLOCK, Status);
    OFF(IO_STATUS_BLOCK, Pointer);
    OFF(IO_STATUS_BLOCK, Information);
    SIZE(AFD_POLL_HANDLE_INFO);
    OFF(AFD_POLL_HANDLE_INFO, Handle);
    OFF(AFD_POLL_HANDLE_INFO, Events);
    OFF(AFD_POLL_HANDLE_INFO, Status);
    SIZE(AFD_POLL_INFO);
    OFF(AFD_POLL_INFO, Timeout);
    OFF(AFD_POLL_INFO, NumberOfHandles);
    OFF(AFD_POLL_INFO, Exclusive);
    OFF(AFD_POLL_INFO, Handles);
    SIZE(UNICODE_STRING);
    OFF(UNICODE_STRING, Length);
    OFF(UNICODE_STRING, MaximumLength);
    OFF(UNICODE_STRING, Buffer);
    SIZE(OBJECT_ATTRIBUTES);
    OFF(OBJECT_ATTRIBUTES, Length);
    OFF(OBJECT_ATTRIBUTES, RootDirectory);
    OFF(OBJECT_ATTRIBUTES, ObjectName);
    OFF(OBJECT_ATTRIBUTES, Attributes);
    OFF(OBJECT_ATTRIBUTES, SecurityDescriptor);
    OFF(OBJECT_ATTRIBUTES, SecurityQualityOfService);
    SIZE(WSADATA);
    OFF(WSADATA, wVersion);
    OFF(WSADATA, wHighVersion);
    OFF(WSADATA, iMaxSockets);
    OFF(WSADATA, iMaxUdpDg);
    OFF(WSADATA, lpVendorInfo);
    OFF(WSADATA, szDescription);
    OFF(WSADATA, szSystemStatus);
    SIZE(WSABUF);
    OFF(WSABUF, len);
    OFF(WSABUF, buf);
    SIZE(SOCKADDR);
    OFF(SOCKADDR, sa_family);
    OFF(SOCKADDR, sa_data);
    SIZE(SOCKADDR_IN);
    OFF(SOCKADDR_IN, sin_family);
    OFF(SOCKADDR_IN, sin_port);
    OFF(SOCKADDR_IN, sin_addr);
    OFF(SOCKADDR_IN, sin_zero);
    SIZE(SOCKADDR_IN6);
    OFF(SOCKADDR_IN6, sin6_family);
    OFF(SOCKADDR_IN6, sin6_port);
    OFF(SOCKADDR_IN6, sin6_flowinfo);
    OFF(SOCKADDR_IN6, sin6_addr);
    OFF(SOCKADDR_IN6, sin6_scope_id);
    SIZE(SOCKADDR_STORAGE);
    OFF(SOCKADDR_STORAGE, ss_family);
    SIZE(IN_ADDR);
    SIZE(IN6_ADDR);
    SIZE(LINGER);
    OFF(LINGER, l_onoff);
    OFF(LINGER, l_linger);
    SIZE(HANDLE);
    SIZE(SOCKET);
    SIZE(ULONG);
    SIZE(NTSTATUS);
    SIZE(DWORD);
    SIZE(ULONG_PTR);

    /* Completion ports and handles (kernel32). */
    CONSTANT(INVALID_HANDLE_VALUE);
    CONSTANT(INFINITE);
    CONSTANT(WAIT_TIMEOUT);
    CONSTANT(ERROR_SUCCESS);
    CONSTANT(ERROR_INVALID_HANDLE);
    CONSTANT(ERROR_INVALID_PARAMETER);
    CONSTANT(ERROR_NOT_ENOUGH_MEMORY);
    CONSTANT(ERROR_IO_PENDING);
    CONSTANT(ERROR_OPERATION_ABORTED);
    CONSTANT(ERROR_ABANDONED_WAIT_0);
    CONSTANT(ERROR_NOT_FOUND);
    CONSTANT(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
    CONSTANT(FILE_SKIP_SET_EVENT_ON_HANDLE);
    CONSTANT(SYNCHRONIZE);
    CONSTANT(FILE_SHARE_READ);
    CONSTANT(FILE_SHARE_WRITE);
    CONSTANT(FILE_OPEN);

    /* NTSTATUS codes (ntdll). */
    CONSTANT(STATUS_SUCCESS);
    CONSTANT(STATUS_PENDING);
    CONSTANT(STATUS_CANCELLED);
    CONSTANT(STATUS_NOT_FOUND);
    CONSTANT(STATUS_INVALID_HANDLE);
    CONSTANT(STATUS_INVALID_PARAMETER);
    CONSTANT(STATUS_NO_MEMORY);
    CONSTANT(STATUS_OBJECT_NAME_NOT_FOUND);
    CONSTANT(STATUS_ACCESS_DENIED);

    /* AFD polling. */
    CONSTANT(IOCTL_AFD_POLL);
    CONSTANT(AFD_POLL_RECEIVE);
    CONSTANT(AFD_POLL_RECEIVE_EXPEDITED);
    CONSTANT(AFD_POLL_SEND);
    CONSTANT(AFD_POLL_DISCONNECT);
    CONSTANT(AFD_POLL_ABORT);
    CONSTANT(AFD_POLL_LOCAL_CLOSE);
    CONSTANT(AFD_POLL_CONNECT);
    CONSTANT(AFD_POLL_ACCEPT);
    CONSTANT(AFD_POLL_CONNECT_FAIL);

    /* Winsock. */
    CONSTANT(INVALID_SOCKET);
    CONSTANT(SOCKET_ERROR);
    CONSTANT(SIO_BASE_HANDLE);
    CONSTANT(SIO_BSP_HANDLE);
    CONSTANT(SIO_BSP_HANDLE_SELECT);
    CONSTANT(SIO_BSP_HANDLE_POLL);
    CONSTANT(FIONBIO);
    CONSTANT(FIONREAD);
    CONSTANT(AF_UNSPEC);
    CONSTANT(AF_UNIX);
    CONSTANT(AF_INET);
    CONSTANT(AF_INET6);
    CONSTANT(SOCK_STREAM);
    CONSTANT(SOCK_DGRAM);
    CONSTANT(IPPROTO_IP);
    CONSTANT(IPPROTO_TCP);
    CONSTANT(IPPROTO_UDP);
    CONSTANT(IPPROTO_IPV6);
    CONSTANT(SOL_SOCKET);
    CONSTANT(SO_REUSEADDR);
    CONSTANT(SO_EXCLUSIVEADDRUSE);
    CONSTANT(SO_KEEPALIVE);
    CONSTANT(SO_BROADCAST);
    CONSTANT(SO_LINGER);
    CONSTANT(SO_SNDBUF);
    CONSTANT(SO_RCVBUF);
    CONSTANT(SO_ERROR);
    CONSTANT(SO_TYPE);
    CONSTANT(TCP_NODELAY);
    CONSTANT(IP_TOS);
    CONSTANT(IP_TTL);
    CONSTANT(IP_MULTICAST_TTL);
    CONSTANT(IP_MULTICAST_LOOP);
    CONSTANT(IPV6_V6ONLY);
    CONSTANT(IPV6_UNICAST_HOPS);
    CONSTANT(SD_RECEIVE);
    CONSTANT(SD_SEND);
    CONSTANT(SD_BOTH);
    CONSTANT(SOMAXCONN);
    CONSTANT(MSG_PEEK);
    CONSTANT(WSA_FLAG_OVERLAPPED);
    CONSTANT(WSA_FLAG_NO_HANDLE_INHERIT);

    /* Winsock error codes (WSAGetLastError). */
    CONSTANT(WSA_IO_PENDING);
    CONSTANT(WSA_OPERATION_ABORTED);
    CONSTANT(WSAEINTR);
    CONSTANT(WSAEBADF);
    CONSTANT(WSAEACCES);
    CONSTANT(WSAEFAULT);
    CONSTANT(WSAEINVAL);
    CONSTANT(WSAEMFILE);
    CONSTANT(WSAEWOULDBLOCK);
    CONSTANT(WSAEINPROGRESS);
    CONSTANT(WSAEALREADY);
    CONSTANT(WSAENOTSOCK);
    CONSTANT(WSAEDESTADDRREQ);
    CONSTANT(WSAEMSGSIZE);
    CONSTANT(WSAEPROTOTYPE);
    CONSTANT(WSAENOPROTOOPT);
    CONSTANT(WSAEPROTONOSUPPORT);
    CONSTANT(WSAESOCKTNOSUPPORT);
    CONSTANT(WSAEOPNOTSUPP);
    CONSTANT(WSAEPFNOSUPPORT);
    CONSTANT(WSAEAFNOSUPPORT);
    CONSTANT(WSAEADDRINUSE);
    CONSTANT(WSAEADDRNOTAVAIL);
    CONSTANT(WSAENETDOWN);
    CONSTANT(WSAENETUNREACH);
    CONSTANT(WSAENETRESET);
    CONSTANT(WSAECONNABORTED);
    CONSTANT(WSAECONNRESET);
    CONSTANT(WSAENOBUFS);
    CONSTANT(WSAEISCONN);
    CONSTANT(WSAENOTCONN);
    CONSTANT(WSAESHUTDOWN);
    CONSTANT(WSAETIMEDOUT);
    CONSTANT(WSAECONNREFUSED);
    CONSTANT(WSAEHOSTDOWN);
    CONSTANT(WSAEHOSTUNREACH);
    CONSTANT(WSASYSNOTREADY);
    CONSTANT(WSAVERNOTSUPPORTED);
    CONSTANT(WSANOTINITIALISED);
    return 0;
}
