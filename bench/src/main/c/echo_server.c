/*
 * C floor for the echo benchmark: the same server as PollEchoServer written on epoll directly.
 * Each thread owns an epoll and its own SO_REUSEPORT listener on 127.0.0.1:PORT; connections are
 * registered edge-triggered for reading and writing; a short read means the socket is drained;
 * bytes that cannot be written at once wait for EPOLLOUT. SIGINT/SIGTERM end the process.
 *
 * usage: echo_server [--port P] [--threads T]; prints "... ready on 127.0.0.1 port N ..."
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "floor.h"

#define MAX_FD 65536
#define BUF (64 * 1024)

struct conn { char *pending; size_t off, len; };

struct loop { int listener; int ep; };

static int listen_on(int port) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket");
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
    if (listen(s, 1024) < 0) die("listen");
    return s;
}

static int port_of(int s) {
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &len);
    return ntohs(a.sin_port);
}

static void drop(struct conn *conns, int fd) {
    free(conns[fd].pending);
    conns[fd].pending = NULL;
    close(fd); /* closing removes it from the epoll set */
}

/* Writes what is pending; 1 when all of it is out. */
static int flush(struct conn *c, int fd) {
    while (c->off < c->len) {
        ssize_t w = send(fd, c->pending + c->off, c->len - c->off, MSG_NOSIGNAL);
        if (w < 0) return errno == EAGAIN ? 0 : -1;
        c->off += w;
    }
    free(c->pending);
    c->pending = NULL;
    return 1;
}

/* Reads and echoes until drained; -1 once the peer closed or failed. */
static int echo(struct conn *c, int fd, char *buf, int closing) {
    for (;;) {
        ssize_t n = recv(fd, buf, BUF, 0);
        if (n == 0) return -1;
        if (n < 0) return errno == EAGAIN ? 0 : -1;
        ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno != EAGAIN) return -1;
            w = 0;
        }
        if (w < n) {
            c->pending = malloc(n - w);
            memcpy(c->pending, buf + w, n - w);
            c->off = 0;
            c->len = n - w;
            return 0;
        }
        if (n < BUF && !closing) return 0;
    }
}

static void *run(void *arg) {
    struct loop *l = arg;
    struct conn *conns = calloc(MAX_FD, sizeof *conns);
    char *buf = malloc(BUF);
    struct epoll_event events[1024];
    for (;;) {
        int n = epoll_wait(l->ep, events, 1024, -1);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == l->listener) {
                int c;
                while ((c = accept4(l->listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    int one = 1;
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLOUT | EPOLLET, .data.fd = c};
                    if (c >= MAX_FD || epoll_ctl(l->ep, EPOLL_CTL_ADD, c, &ev) < 0) close(c);
                }
                continue;
            }
            struct conn *c = &conns[fd];
            uint32_t e = events[i].events;
            int closing = (e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
            int r = 1;
            if (c->pending) r = (e & EPOLLOUT) ? flush(c, fd) : 0;
            if (r == 1) r = echo(c, fd, buf, closing);
            if (r < 0) drop(conns, fd);
        }
    }
    return NULL;
}

static void on_signal(int sig) {
    (void)sig;
    _exit(0);
}

int main(int argc, char **argv) {
    int port = 0, threads = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else { fprintf(stderr, "usage: echo_server [--port P] [--threads T]\n"); return 2; }
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    struct loop *loops = calloc(threads, sizeof *loops);
    for (int t = 0; t < threads; t++) {
        loops[t].listener = listen_on(port);
        port = port_of(loops[t].listener);
        loops[t].ep = epoll_create1(EPOLL_CLOEXEC);
        struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.fd = loops[t].listener};
        if (epoll_ctl(loops[t].ep, EPOLL_CTL_ADD, loops[t].listener, &ev) < 0) die("epoll_ctl");
    }
    printf("CEchoServer ready on 127.0.0.1 port %d (%d event loop%s)\n", port, threads, threads == 1 ? "" : "s");
    fflush(stdout);
    for (int t = 1; t < threads; t++) {
        pthread_t th;
        pthread_create(&th, NULL, run, &loops[t]);
    }
    run(&loops[0]);
    return 0;
}
