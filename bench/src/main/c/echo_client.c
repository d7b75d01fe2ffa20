/*
 * The load generator of the echo benchmark, the same for every server: one thread, one epoll,
 * N connections to 127.0.0.1:PORT, each keeping D messages of S bytes in flight. A message is
 * echoed when S more bytes have come back on its connection (TCP keeps order), and its latency
 * is the time from its send. Runs for --duration seconds (or until --messages have been echoed)
 * and prints one line: messages, msg/s, latency percentiles and the client's own CPU time, so a
 * reader can tell whether the client or the server limited the rate.
 *
 * usage: echo_client --port P [--connections N] [--depth D] [--size S] [--duration SEC] [--messages M]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>
#include "floor.h"

#define MAX_DEPTH 1024

struct conn {
    int fd;
    long long sent_at[MAX_DEPTH]; /* ring of send times, oldest at head */
    int head, inflight;
    long long received;           /* bytes received towards the current message */
    size_t unsent;                /* bytes accepted for sending but not yet written */
};

static int size = 64;
static char *zeros;
static uint32_t *lat;             /* latencies in ns, one per echoed message */
static size_t nlat, caplat;

static void record(long long ns) {
    if (nlat == caplat) {
        caplat = caplat ? caplat * 2 : 1 << 20;
        lat = realloc(lat, caplat * sizeof *lat);
        if (!lat) die("realloc");
    }
    lat[nlat++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static int cmp(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int pump(struct conn *c) {
    while (c->unsent > 0) {
        size_t chunk = c->unsent < (size_t)size * MAX_DEPTH ? c->unsent : (size_t)size * MAX_DEPTH;
        ssize_t w = send(c->fd, zeros, chunk, MSG_NOSIGNAL);
        if (w < 0) return errno == EAGAIN ? 0 : -1;
        c->unsent -= w;
    }
    return 0;
}

static void send_one(struct conn *c) {
    int tail = (c->head + c->inflight) % MAX_DEPTH;
    c->sent_at[tail] = now_ns();
    c->inflight++;
    c->unsent += size;
}

static double cpu_seconds(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv) {
    int port = 0, conns_n = 16, depth = 1;
    double duration = 5;
    long long messages = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--port")) port = atoi(v);
        else if (!strcmp(k, "--connections")) conns_n = atoi(v);
        else if (!strcmp(k, "--depth")) depth = atoi(v);
        else if (!strcmp(k, "--size")) size = atoi(v);
        else if (!strcmp(k, "--duration")) duration = atof(v);
        else if (!strcmp(k, "--messages")) messages = atoll(v);
        else { fprintf(stderr, "unknown argument %s\n", k); return 2; }
    }
    if (!port || depth < 1 || depth > MAX_DEPTH || size < 1) {
        fprintf(stderr, "usage: echo_client --port P [--connections N] [--depth D<=%d] [--size S] [--duration SEC] [--messages M]\n", MAX_DEPTH);
        return 2;
    }
    zeros = calloc((size_t)size * MAX_DEPTH, 1);
    char *buf = malloc(256 * 1024);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct conn *conns = calloc(conns_n, sizeof *conns);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < conns_n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(fd, F_SETFL, O_NONBLOCK);
        conns[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    }
    double cpu0 = cpu_seconds();
    long long start = now_ns(), deadline = start + (long long)(duration * 1e9), done = 0;
    for (int i = 0; i < conns_n; i++) {
        for (int d = 0; d < depth; d++) send_one(&conns[i]);
        if (pump(&conns[i]) < 0) die("send");
    }
    int sending = 1;
    long long inflight = (long long)conns_n * depth;
    struct epoll_event events[256];
    while (inflight > 0) {
        int n = epoll_wait(ep, events, 256, 1000);
        if (n < 0 && errno != EINTR) die("epoll_wait");
        long long now = now_ns();
        if (sending && (now >= deadline && !messages)) sending = 0;
        for (int e = 0; e < n; e++) {
            struct conn *c = &conns[events[e].data.u32];
            ssize_t r = recv(c->fd, buf, 256 * 1024, 0);
            if (r <= 0) {
                if (r < 0 && errno == EAGAIN) continue;
                fprintf(stderr, "server closed a connection\n");
                return 1;
            }
            c->received += r;
            while (c->received >= size && c->inflight > 0) {
                c->received -= size;
                record(now - c->sent_at[c->head]);
                c->head = (c->head + 1) % MAX_DEPTH;
                c->inflight--;
                inflight--;
                done++;
                if (messages && done + inflight >= messages) sending = 0;
                if (sending) {
                    send_one(c);
                    inflight++;
                }
            }
            if (pump(c) < 0) die("send");
        }
        if (n == 0 && now > deadline + 5000000000LL) {
            fprintf(stderr, "no echo for 5 s: giving up with %lld in flight\n", inflight);
            return 1;
        }
    }
    double seconds = (now_ns() - start) / 1e9;
    double cpu = cpu_seconds() - cpu0;
    qsort(lat, nlat, sizeof *lat, cmp);
    double p50 = nlat ? lat[nlat / 2] / 1e3 : 0;
    double p99 = nlat ? lat[(size_t)(nlat * 0.99)] / 1e3 : 0;
    double p999 = nlat ? lat[(size_t)(nlat * 0.999)] / 1e3 : 0;
    printf("client messages=%lld seconds=%.3f msg_per_s=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f cpu_s=%.3f cpu_us_per_msg=%.3f\n",
           done, seconds, done / seconds, p50, p99, p999, cpu, done ? cpu * 1e6 / done : 0);
    for (int i = 0; i < conns_n; i++) close(conns[i].fd);
    return 0;
}
