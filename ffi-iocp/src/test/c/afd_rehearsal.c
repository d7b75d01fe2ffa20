/*
 * The AFD polling protocol of the IOCP backend, rehearsed in C call for call as IocpSelector
 * makes the calls (see dev.pollux.internal.iocp.IocpSelector and its NativeAfd): a completion
 * port, a \Device\Afd helper handle associated with it, IOCTL_AFD_POLL requests whose
 * IO_STATUS_BLOCK doubles as the completion's lpOverlapped, SIO_BASE_HANDLE, re-arming after
 * WSAEWOULDBLOCK, NtCancelIoFileEx and the completion it produces, and the wake packet; then
 * WindowsOs.pipe's loopback socket pair.
 * scripts/check-windows.sh builds it with mingw-w64 and runs it under wine; it prints one
 * "pass"/"FAIL" line per step and exits non-zero if any step failed.
 *
 * Written for Pollux from the published descriptions of the protocol (wepoll, mio); the
 * declarations it uses are those of bindings/src/main/headers/windows_x86_64.h.
 */
#include "windows_x86_64.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int passes, failures;

static void step(int ok, const char *what, long long detail) {
    printf("%s %s (%lld)\n", ok ? "pass" : "FAIL", what, detail);
    if (ok) {
        passes++;
    } else {
        failures++;
    }
}

/* What the selector keeps per socket: the IO_STATUS_BLOCK (the completion's lpOverlapped) and
 * the AFD_POLL_INFO the driver writes the events into. */
typedef struct {
    IO_STATUS_BLOCK iosb;
    AFD_POLL_INFO info;
} poll_state;

static NTSTATUS submit(HANDLE afd, poll_state *s, SOCKET base, ULONG events) {
    s->info.Timeout.QuadPart = INT64_MAX;
    s->info.NumberOfHandles = 1;
    s->info.Exclusive = FALSE;
    s->info.Handles[0].Handle = (HANDLE) base;
    s->info.Handles[0].Events = events;
    s->info.Handles[0].Status = 0;
    s->iosb.Status = STATUS_PENDING;
    return NtDeviceIoControlFile(afd, NULL, NULL, &s->iosb, &s->iosb, IOCTL_AFD_POLL,
                                 &s->info, sizeof s->info, &s->info, sizeof s->info);
}

/* One GetQueuedCompletionStatusEx; returns the number of entries (0 on WAIT_TIMEOUT). */
static ULONG wait_port(HANDLE port, OVERLAPPED_ENTRY *entries, ULONG capacity, DWORD millis) {
    ULONG n = 0;
    if (!GetQueuedCompletionStatusEx(port, entries, capacity, &n, millis, FALSE)) {
        DWORD e = GetLastError();
        if (e != WAIT_TIMEOUT) {
            printf("     GetQueuedCompletionStatusEx failed: %lu\n", (unsigned long) e);
        }
        return 0;
    }
    return n;
}

static SOCKET base_handle(SOCKET s) {
    SOCKET base = INVALID_SOCKET;
    DWORD bytes = 0;
    if (WSAIoctl(s, SIO_BASE_HANDLE, NULL, 0, &base, sizeof base, &bytes, NULL, NULL) == SOCKET_ERROR) {
        printf("     SIO_BASE_HANDLE failed: %d\n", WSAGetLastError());
        return INVALID_SOCKET;
    }
    return base;
}

static SOCKET nonblocking_socket(void) {
    SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
                          WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    u_long on = 1;
    if (s != INVALID_SOCKET && ioctlsocket(s, FIONBIO, &on) == SOCKET_ERROR) {
        printf("     FIONBIO failed: %d\n", WSAGetLastError());
    }
    return s;
}

/* Waits (up to ~2 s) for the completion of one poll_state; other completions are reported. */
static int await_completion(HANDLE port, poll_state *s) {
    OVERLAPPED_ENTRY entries[8];
    for (int round = 0; round < 20; round++) {
        ULONG n = wait_port(port, entries, 8, 100);
        for (ULONG i = 0; i < n; i++) {
            if (entries[i].lpOverlapped == (LPOVERLAPPED) &s->iosb) {
                return 1;
            }
            printf("     unexpected completion key=%llu overlapped=%p\n",
                   (unsigned long long) entries[i].lpCompletionKey, (void *) entries[i].lpOverlapped);
        }
    }
    return 0;
}

/* Reads until a byte count, end of stream or an error, waiting up to ~2 s for data. */
static int recv_some(SOCKET s, char *buf, int length) {
    for (int round = 0; round < 200; round++) {
        int rc = recv(s, buf, length, 0);
        if (rc != SOCKET_ERROR || WSAGetLastError() != WSAEWOULDBLOCK) {
            return rc;
        }
        Sleep(10);
    }
    return SOCKET_ERROR;
}

/* 14. Pipe on Windows: WindowsOs.pipe's loopback pair, call for call. A listener on 127.0.0.1
 * port 0 (SO_EXCLUSIVEADDRUSE, as every WindowsOs socket), a blocking connect, a blocking
 * accept that skips a connection whose peer is not the connecting socket (a stranger connects
 * first here), both ends non-blocking, TCP_NODELAY on the write end, the listener closed; then
 * bytes through it, would-block on the drained read end, end of stream once the write end
 * closes. */
static void rehearse_pipe(void) {
    int one = 1;
    u_long off = 0, on = 1;
    SOCKET listener = nonblocking_socket();
    int rc = setsockopt(listener, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *) &one, sizeof one);
    struct sockaddr_in at;
    memset(&at, 0, sizeof at);
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int at_length = sizeof at;
    rc = rc == 0 ? bind(listener, (struct sockaddr *) &at, sizeof at) : rc;
    rc = rc == 0 ? listen(listener, 8) : rc;
    rc = rc == 0 ? getsockname(listener, (struct sockaddr *) &at, &at_length) : rc;
    step(rc == 0 && at.sin_port != 0, "pipe: listener bound to 127.0.0.1 port 0 and listening", WSAGetLastError());

    SOCKET stranger = nonblocking_socket();
    rc = ioctlsocket(stranger, FIONBIO, &off);
    rc = rc == 0 ? connect(stranger, (struct sockaddr *) &at, at_length) : rc;
    step(rc == 0, "pipe: a stranger connects first (blocking)", WSAGetLastError());

    SOCKET sender = nonblocking_socket();
    rc = ioctlsocket(sender, FIONBIO, &off);
    rc = rc == 0 ? connect(sender, (struct sockaddr *) &at, at_length) : rc;
    rc = rc == 0 ? ioctlsocket(sender, FIONBIO, &on) : rc;
    struct sockaddr_in local;
    int local_length = sizeof local;
    rc = rc == 0 ? getsockname(sender, (struct sockaddr *) &local, &local_length) : rc;
    step(rc == 0, "pipe: blocking connect, back to non-blocking, getsockname", WSAGetLastError());

    rc = ioctlsocket(listener, FIONBIO, &off);
    SOCKET receiver = INVALID_SOCKET;
    int skipped = 0;
    for (int attempt = 0; attempt < 9 && receiver == INVALID_SOCKET && rc == 0; attempt++) {
        SOCKET accepted = accept(listener, NULL, NULL);
        if (accepted == INVALID_SOCKET) {
            break;
        }
        struct sockaddr_in peer;
        int peer_length = sizeof peer;
        memset(&peer, 0, sizeof peer);
        if (getpeername(accepted, (struct sockaddr *) &peer, &peer_length) == 0 && peer_length >= 8
                && local_length >= 8 && memcmp(&peer, &local, 8) == 0) {
            receiver = accepted;
            ioctlsocket(receiver, FIONBIO, &on);
        } else {
            closesocket(accepted);
            skipped++;
        }
    }
    step(receiver != INVALID_SOCKET && skipped == 1,
         "pipe: blocking accept closes the stranger's connection, keeps ours (peer == our getsockname)", skipped);
    rc = setsockopt(sender, IPPROTO_TCP, TCP_NODELAY, (const char *) &one, sizeof one);
    step(rc == 0, "pipe: TCP_NODELAY on the write end", WSAGetLastError());
    step(closesocket(listener) == 0, "pipe: listener closed", WSAGetLastError());

    char buf[8];
    rc = send(sender, "pipe", 4, 0);
    step(rc == 4, "pipe: send 4 bytes on the write end", rc);
    rc = recv_some(receiver, buf, sizeof buf);
    step(rc == 4 && memcmp(buf, "pipe", 4) == 0, "pipe: recv them on the read end", rc);
    rc = recv(receiver, buf, sizeof buf, 0);
    int err = rc == SOCKET_ERROR ? WSAGetLastError() : 0;
    step(rc == SOCKET_ERROR && err == WSAEWOULDBLOCK, "pipe: drained read end says WSAEWOULDBLOCK", err);
    closesocket(sender);
    rc = recv_some(receiver, buf, sizeof buf);
    step(rc == 0, "pipe: end of stream once the write end is closed", rc);
    closesocket(receiver);
    closesocket(stranger);
}

int main(void) {
    WSADATA wsa;
    int started = WSAStartup(MAKEWORD(2, 2), &wsa);
    step(started == 0, "WSAStartup 2.2", started);

    /* 1. The completion port, and the AFD helper handle associated with it. */
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    step(port != NULL, "CreateIoCompletionPort(INVALID_HANDLE_VALUE) makes a port", (long long) GetLastError());

    static const WCHAR name[] = L"\\Device\\Afd\\Pollux";
    UNICODE_STRING uname = {sizeof name - sizeof(WCHAR), sizeof name - sizeof(WCHAR), (PWSTR) name};
    OBJECT_ATTRIBUTES attributes;
    memset(&attributes, 0, sizeof attributes);
    attributes.Length = sizeof attributes;
    attributes.ObjectName = &uname;
    IO_STATUS_BLOCK open_iosb;
    HANDLE afd = INVALID_HANDLE_VALUE;
    NTSTATUS st = NtCreateFile(&afd, SYNCHRONIZE, &attributes, &open_iosb, NULL, 0,
                               FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, 0, NULL, 0);
    step(st == STATUS_SUCCESS, "NtCreateFile \\Device\\Afd\\Pollux", st);
    const ULONG_PTR afd_key = 0; /* the selector's key for AFD completions; wakes use others */
    step(CreateIoCompletionPort(afd, port, afd_key, 0) == port, "CreateIoCompletionPort associates the AFD handle",
         (long long) GetLastError());
    step(SetFileCompletionNotificationModes(afd, FILE_SKIP_SET_EVENT_ON_HANDLE) != 0,
         "SetFileCompletionNotificationModes(FILE_SKIP_SET_EVENT_ON_HANDLE)", (long long) GetLastError());

    /* 2. A listening socket and its base handle. */
    SOCKET listener = nonblocking_socket();
    step(listener != INVALID_SOCKET, "WSASocketW + FIONBIO (listener)", WSAGetLastError());
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int addrlen = sizeof addr;
    step(bind(listener, (struct sockaddr *) &addr, sizeof addr) == 0
                 && listen(listener, SOMAXCONN) == 0
                 && getsockname(listener, (struct sockaddr *) &addr, &addrlen) == 0,
         "bind 127.0.0.1:0, listen, getsockname", ntohs(addr.sin_port));
    SOCKET listener_base = base_handle(listener);
    step(listener_base != INVALID_SOCKET, "WSAIoctl(SIO_BASE_HANDLE) on the listener", (long long) listener_base);

    /* 3. Poll the listener for ACCEPT: pending until a client connects. */
    poll_state accept_poll;
    memset(&accept_poll, 0, sizeof accept_poll);
    st = submit(afd, &accept_poll, listener_base, AFD_POLL_ACCEPT | AFD_POLL_LOCAL_CLOSE);
    step(st == STATUS_PENDING, "IOCTL_AFD_POLL(ACCEPT) on the idle listener is STATUS_PENDING", st);
    OVERLAPPED_ENTRY entries[8];
    step(wait_port(port, entries, 8, 0) == 0, "no completion while nobody connects", 0);

    SOCKET client = nonblocking_socket();
    int rc = connect(client, (struct sockaddr *) &addr, sizeof addr);
    int err = rc == SOCKET_ERROR ? WSAGetLastError() : 0;
    step(rc == 0 || err == WSAEWOULDBLOCK, "non-blocking connect: 0 or WSAEWOULDBLOCK", err);

    ULONG n = wait_port(port, entries, 8, 2000);
    step(n == 1 && entries[0].lpOverlapped == (LPOVERLAPPED) &accept_poll.iosb && entries[0].lpCompletionKey == afd_key,
         "one completion, lpOverlapped = the request's IO_STATUS_BLOCK", n);
    step(accept_poll.iosb.Status == STATUS_SUCCESS && accept_poll.info.NumberOfHandles == 1
                 && (accept_poll.info.Handles[0].Events & AFD_POLL_ACCEPT),
         "IO_STATUS_BLOCK STATUS_SUCCESS, Handles[0].Events has AFD_POLL_ACCEPT", accept_poll.info.Handles[0].Events);

    /* 4. Accept until WSAEWOULDBLOCK, then re-arm: pending again. */
    SOCKET server = accept(listener, NULL, NULL);
    step(server != INVALID_SOCKET, "accept returns the connection", WSAGetLastError());
    u_long on = 1;
    ioctlsocket(server, FIONBIO, &on);
    SOCKET again = accept(listener, NULL, NULL);
    err = WSAGetLastError();
    step(again == INVALID_SOCKET && err == WSAEWOULDBLOCK, "second accept: WSAEWOULDBLOCK", err);
    st = submit(afd, &accept_poll, listener_base, AFD_POLL_ACCEPT | AFD_POLL_LOCAL_CLOSE);
    step(st == STATUS_PENDING, "re-armed ACCEPT poll is pending", st);

    /* 5. The connected pair: the client is writable at once. */
    SOCKET client_base = base_handle(client);
    SOCKET server_base = base_handle(server);
    step(client_base != INVALID_SOCKET && server_base != INVALID_SOCKET, "SIO_BASE_HANDLE on both ends", 0);
    poll_state client_poll, server_poll;
    memset(&client_poll, 0, sizeof client_poll);
    memset(&server_poll, 0, sizeof server_poll);
    st = submit(afd, &client_poll, client_base, AFD_POLL_SEND | AFD_POLL_LOCAL_CLOSE);
    step(st == STATUS_SUCCESS || st == STATUS_PENDING, "IOCTL_AFD_POLL(SEND) on the connected client", st);
    step(await_completion(port, &client_poll) && (client_poll.info.Handles[0].Events & AFD_POLL_SEND),
         "client completes writable (AFD_POLL_SEND)", client_poll.info.Handles[0].Events);

    /* 6. Two sockets polled through one AFD handle: the server's read poll stays pending while
     * nothing is sent. */
    st = submit(afd, &server_poll, server_base, AFD_POLL_RECEIVE | AFD_POLL_DISCONNECT | AFD_POLL_ABORT | AFD_POLL_LOCAL_CLOSE);
    step(st == STATUS_PENDING, "IOCTL_AFD_POLL(RECEIVE) on the idle server is pending", st);
    step(wait_port(port, entries, 8, 0) == 0, "no completion before data", 0);

    rc = send(client, "ping", 4, 0);
    step(rc == 4, "client sends 4 bytes", rc);
    step(await_completion(port, &server_poll) && (server_poll.info.Handles[0].Events & AFD_POLL_RECEIVE),
         "server completes readable (AFD_POLL_RECEIVE)", server_poll.info.Handles[0].Events);

    /* 7. Read until WSAEWOULDBLOCK; only then re-arm (the edge emulation). */
    char buf[64];
    int total = 0;
    for (;;) {
        rc = recv(server, buf, sizeof buf, 0);
        if (rc <= 0) {
            break;
        }
        total += rc;
    }
    err = WSAGetLastError();
    step(total == 4 && rc == SOCKET_ERROR && err == WSAEWOULDBLOCK, "recv drains 4 bytes, then WSAEWOULDBLOCK", err);
    st = submit(afd, &server_poll, server_base, AFD_POLL_RECEIVE | AFD_POLL_DISCONNECT | AFD_POLL_ABORT | AFD_POLL_LOCAL_CLOSE);
    step(st == STATUS_PENDING, "re-armed RECEIVE poll is pending", st);
    step(wait_port(port, entries, 8, 0) == 0, "no completion after the drain", 0);
    rc = send(client, "pong", 4, 0);
    step(rc == 4 && await_completion(port, &server_poll) && (server_poll.info.Handles[0].Events & AFD_POLL_RECEIVE),
         "new data completes the re-armed poll", server_poll.info.Handles[0].Events);
    while (recv(server, buf, sizeof buf, 0) > 0) {
    }

    /* 8. Cancel a pending poll: NtCancelIoFileEx, then a completion with STATUS_CANCELLED. */
    st = submit(afd, &server_poll, server_base, AFD_POLL_RECEIVE | AFD_POLL_LOCAL_CLOSE);
    step(st == STATUS_PENDING, "poll to cancel is pending", st);
    IO_STATUS_BLOCK cancel_iosb;
    st = NtCancelIoFileEx(afd, &server_poll.iosb, &cancel_iosb);
    step(st == STATUS_SUCCESS, "NtCancelIoFileEx on the pending poll: STATUS_SUCCESS", st);
    step(await_completion(port, &server_poll), "the cancelled poll still completes through the port", 0);
    step(server_poll.iosb.Status == STATUS_CANCELLED, "its IO_STATUS_BLOCK says STATUS_CANCELLED", server_poll.iosb.Status);
    st = NtCancelIoFileEx(afd, &server_poll.iosb, &cancel_iosb);
    step(st == STATUS_NOT_FOUND, "cancelling it again: STATUS_NOT_FOUND", st);

    /* 9. The wake packet: PostQueuedCompletionStatus with the waker's key and no OVERLAPPED. */
    const ULONG_PTR wake_key = 1;
    step(PostQueuedCompletionStatus(port, 0, wake_key, NULL) != 0, "PostQueuedCompletionStatus", (long long) GetLastError());
    n = wait_port(port, entries, 8, 2000);
    step(n == 1 && entries[0].lpCompletionKey == wake_key && entries[0].lpOverlapped == NULL,
         "wake completion: the waker's key, lpOverlapped NULL", n);

    /* 9b. An interest change as the selector makes it: the pending request watches RECEIVE only;
     * cancel it, take its STATUS_CANCELLED completion, resubmit with RECEIVE and SEND: the
     * connected socket is writable, so the new request completes with AFD_POLL_SEND. */
    st = submit(afd, &server_poll, server_base, AFD_POLL_RECEIVE | AFD_POLL_LOCAL_CLOSE);
    step(st == STATUS_PENDING, "interest change: RECEIVE-only request pending", st);
    st = NtCancelIoFileEx(afd, &server_poll.iosb, &cancel_iosb);
    step(st == STATUS_SUCCESS && await_completion(port, &server_poll) && server_poll.iosb.Status == STATUS_CANCELLED,
         "interest change: cancelled, completion STATUS_CANCELLED", server_poll.iosb.Status);
    st = submit(afd, &server_poll, server_base, AFD_POLL_RECEIVE | AFD_POLL_SEND | AFD_POLL_LOCAL_CLOSE);
    step((st == STATUS_SUCCESS || st == STATUS_PENDING) && await_completion(port, &server_poll)
                 && (server_poll.info.Handles[0].Events & AFD_POLL_SEND),
         "interest change: resubmitted request completes with AFD_POLL_SEND", server_poll.info.Handles[0].Events);

    /* 9c. A second helper handle on the same port (the next poll group): its requests complete
     * through the port like the first one's. */
    HANDLE afd2 = INVALID_HANDLE_VALUE;
    st = NtCreateFile(&afd2, SYNCHRONIZE, &attributes, &open_iosb, NULL, 0, FILE_SHARE_READ | FILE_SHARE_WRITE,
                      FILE_OPEN, 0, NULL, 0);
    step(st == STATUS_SUCCESS && CreateIoCompletionPort(afd2, port, afd_key, 0) == port
                 && SetFileCompletionNotificationModes(afd2, FILE_SKIP_SET_EVENT_ON_HANDLE),
         "a second AFD helper handle on the same port", st);
    poll_state group2;
    memset(&group2, 0, sizeof group2);
    st = submit(afd2, &group2, client_base, AFD_POLL_RECEIVE | AFD_POLL_LOCAL_CLOSE);
    step(st == STATUS_PENDING, "request through the second handle is pending", st);
    rc = send(server, "x", 1, 0);
    step(rc == 1 && await_completion(port, &group2) && (group2.info.Handles[0].Events & AFD_POLL_RECEIVE),
         "it completes through the shared port", group2.info.Handles[0].Events);
    while (recv(client, buf, sizeof buf, 0) > 0) {
    }

    /* 9d. Deregistering then closing: cancel the pending request, close the socket; exactly one
     * completion (STATUS_CANCELLED) arrives, after which the request's memory is free. */
    SOCKET spare = nonblocking_socket();
    struct sockaddr_in spare_addr;
    memset(&spare_addr, 0, sizeof spare_addr);
    spare_addr.sin_family = AF_INET;
    spare_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(spare, (struct sockaddr *) &spare_addr, sizeof spare_addr);
    SOCKET spare_base = base_handle(spare);
    poll_state spare_poll;
    memset(&spare_poll, 0, sizeof spare_poll);
    st = submit(afd2, &spare_poll, spare_base, AFD_POLL_RECEIVE | AFD_POLL_LOCAL_CLOSE);
    step(st == STATUS_PENDING, "deregister: a request on a third (bound, idle) socket is pending", st);
    st = NtCancelIoFileEx(afd2, &spare_poll.iosb, &cancel_iosb);
    step(st == STATUS_SUCCESS, "deregister: NtCancelIoFileEx", st);
    closesocket(spare);
    step(await_completion(port, &spare_poll) && spare_poll.iosb.Status == STATUS_CANCELLED,
         "deregister: one completion, STATUS_CANCELLED, after cancel and close", spare_poll.iosb.Status);
    step(wait_port(port, entries, 8, 100) == 0, "deregister: no second completion", 0);
    step(CloseHandle(afd2) != 0, "CloseHandle(second AFD helper)", (long long) GetLastError());

    /* 10. The peer closes: the server's poll reports DISCONNECT (or ABORT). */
    st = submit(afd, &server_poll, server_base, AFD_POLL_RECEIVE | AFD_POLL_DISCONNECT | AFD_POLL_ABORT | AFD_POLL_LOCAL_CLOSE);
    step(st == STATUS_PENDING, "poll before the peer closes is pending", st);
    closesocket(client);
    step(await_completion(port, &server_poll)
                 && (server_poll.info.Handles[0].Events & (AFD_POLL_DISCONNECT | AFD_POLL_ABORT)),
         "peer close completes with AFD_POLL_DISCONNECT or AFD_POLL_ABORT", server_poll.info.Handles[0].Events);

    /* 11. Closing a polled socket: the poll completes with AFD_POLL_LOCAL_CLOSE (the selector then
     * frees its state) or is cancelled. */
    closesocket(listener);
    step(await_completion(port, &accept_poll)
                 && ((accept_poll.info.Handles[0].Events & AFD_POLL_LOCAL_CLOSE) || accept_poll.iosb.Status == STATUS_CANCELLED),
         "closing the listener completes its poll (LOCAL_CLOSE or cancelled)", accept_poll.info.Handles[0].Events);

    /* 12. A poll on a closed socket fails at once instead of pending. */
    st = submit(afd, &server_poll, listener_base, AFD_POLL_RECEIVE);
    step(st != STATUS_PENDING && st != STATUS_SUCCESS, "IOCTL_AFD_POLL on a closed socket fails", st);
    if (st == STATUS_PENDING || st == STATUS_SUCCESS) {
        await_completion(port, &server_poll);
    }

    /* 13. A connect that fails (nobody listens on the closed listener's port any more) completes
     * a SEND poll with AFD_POLL_CONNECT_FAIL, which the selector always watches. */
    SOCKET refused = nonblocking_socket();
    rc = connect(refused, (struct sockaddr *) &addr, sizeof addr);
    err = rc == SOCKET_ERROR ? WSAGetLastError() : 0;
    step(rc == SOCKET_ERROR && err == WSAEWOULDBLOCK, "connect to a closed port: WSAEWOULDBLOCK first", err);
    poll_state refused_poll;
    memset(&refused_poll, 0, sizeof refused_poll);
    st = submit(afd, &refused_poll, base_handle(refused), AFD_POLL_SEND | AFD_POLL_CONNECT_FAIL | AFD_POLL_ABORT | AFD_POLL_LOCAL_CLOSE);
    step(st == STATUS_SUCCESS || st == STATUS_PENDING, "IOCTL_AFD_POLL(SEND|CONNECT_FAIL) on the connecting socket", st);
    step(await_completion(port, &refused_poll) && (refused_poll.info.Handles[0].Events & AFD_POLL_CONNECT_FAIL),
         "refused connect completes with AFD_POLL_CONNECT_FAIL", refused_poll.info.Handles[0].Events);
    closesocket(refused);

    closesocket(server);
    rehearse_pipe();
    step(CloseHandle(afd) != 0, "CloseHandle(AFD helper)", (long long) GetLastError());
    step(CloseHandle(port) != 0, "CloseHandle(port)", (long long) GetLastError());
    WSACleanup();
    printf("afd_rehearsal: %d passed, %d failed\n", passes, failures);
    return failures == 0 ? 0 : 1;
}
