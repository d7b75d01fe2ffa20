/*
 * C floor for benchmark 1 (PipePingPong): on one thread, write one byte into a pipe, wait on
 * epoll (blocking, returns at once), read the byte back. The same three system calls as the
 * Pollux loop, with nothing else: the physical limit for the Java loops.
 *
 * With idle-threads > 0 the process also holds that many threads blocked in pause(), as every
 * JVM holds threads: Linux then takes its multi-threaded path for each descriptor lookup (a
 * reference count taken and dropped on the struct file per call, which a single-threaded process
 * skips), the kernel cost a Java loop cannot avoid.
 *
 * usage: pipe_pingpong [iterations] [warmup-iterations] [idle-threads]; prints ns_per_op=...
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "floor.h"

static void *idle(void *unused) {
    (void)unused;
    for (;;) pause();
    return NULL;
}

int main(int argc, char **argv) {
    long iterations = argc > 1 ? atol(argv[1]) : 2000000;
    long warmup = argc > 2 ? atol(argv[2]) : iterations / 10;
    int idle_threads = argc > 3 ? atoi(argv[3]) : 0;
    for (int t = 0; t < idle_threads; t++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, idle, NULL) != 0) die("pthread_create");
    }
    int p[2];
    if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0) die("pipe2");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.u64 = 1};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0) die("epoll_ctl");
    struct epoll_event events[16];
    char one = 1, in[64];
    long long sum = 0, start = 0;
    for (long i = -warmup; i < iterations; i++) {
        if (i == 0) start = now_ns();
        if (write(p[1], &one, 1) != 1) die("write");
        int n = epoll_wait(ep, events, 16, -1);
        for (int e = 0; e < n; e++) {
            if (events[e].data.u64 == 1) sum += read(p[0], in, sizeof in);
        }
    }
    long long elapsed = now_ns() - start;
    if (sum != iterations + warmup) { fprintf(stderr, "lost bytes\n"); return 1; }
    printf("ns_per_op=%.1f iterations=%ld\n", (double)elapsed / iterations, iterations);
    return 0;
}
