/*
 * C floor for benchmark 2 (WakeRoundTrip): thread A writes B's eventfd and waits on its own
 * epoll; thread B, blocked on its epoll, wakes and writes A's eventfd. Each eventfd is registered
 * edge-triggered and never read, as Pollux's Waker does. One operation is one round trip.
 *
 * usage: wake_roundtrip [iterations] [warmup-iterations]; prints ns_per_op=...
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "floor.h"

struct side { int ep; int efd; };
static struct side a, b;
static volatile int stop;

static void open_side(struct side *s) {
    s->ep = epoll_create1(EPOLL_CLOEXEC);
    s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s->ep < 0 || s->efd < 0) die("epoll/eventfd");
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 1};
    if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->efd, &ev) < 0) die("epoll_ctl");
}

static void wake(struct side *s) {
    uint64_t one = 1;
    if (write(s->efd, &one, sizeof one) != sizeof one) die("write");
}

static void *peer(void *arg) {
    (void)arg;
    struct epoll_event events[4];
    for (;;) {
        epoll_wait(b.ep, events, 4, -1);
        if (stop) return NULL;
        wake(&a);
    }
}

int main(int argc, char **argv) {
    long iterations = argc > 1 ? atol(argv[1]) : 500000;
    long warmup = argc > 2 ? atol(argv[2]) : iterations / 10;
    open_side(&a);
    open_side(&b);
    pthread_t t;
    pthread_create(&t, NULL, peer, NULL);
    struct epoll_event events[4];
    long long start = 0;
    for (long i = -warmup; i < iterations; i++) {
        if (i == 0) start = now_ns();
        wake(&b);
        epoll_wait(a.ep, events, 4, -1);
    }
    long long elapsed = now_ns() - start;
    stop = 1;
    wake(&b);
    pthread_join(t, NULL);
    printf("ns_per_op=%.1f iterations=%ld\n", (double)elapsed / iterations, iterations);
    return 0;
}
