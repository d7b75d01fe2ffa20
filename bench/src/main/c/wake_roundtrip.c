/*
 * C floor for benchmark 2 (WakeRoundTrip): thread A writes B's eventfd and waits on its own
 * epoll; thread B, blocked on its epoll, wakes and writes A's eventfd. Each eventfd is registered
 * edge-triggered and never read, as Pollux's Waker does. One operation is one round trip.
 *
 * cpu-a and cpu-b pin thread A and thread B (sched_setaffinity on each thread; -1, the default,
 * leaves a thread to the scheduler): the same CPU for both measures the switch between two
 * threads on one core, two CPUs the cross-core wake-up.
 *
 * Besides the wall-clock time per round trip it prints the CPU time both threads used per round
 * trip (each thread's CPU clock), which other processes on a shared machine disturb far less.
 *
 * usage: wake_roundtrip [iterations] [warmup-iterations] [cpu-a] [cpu-b];
 * prints ns_per_op=... cpu_ns_per_op=... iterations=...
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "floor.h"

struct side { int ep; int efd; };
static struct side a, b;
static volatile int stop;
static int cpu_b = -1;

/* Pins the calling thread to cpu (nothing for -1). */
static void pin(int cpu) {
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0) die("sched_setaffinity");
}

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
    pin(cpu_b);
    struct epoll_event events[4];
    for (;;) {
        epoll_wait(b.ep, events, 4, -1);
        if (stop) return NULL;
        wake(&a);
    }
}

static long long cpu_ns(clockid_t clock) {
    struct timespec t;
    if (clock_gettime(clock, &t) < 0) die("clock_gettime");
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
    long iterations = argc > 1 ? atol(argv[1]) : 500000;
    long warmup = argc > 2 ? atol(argv[2]) : iterations / 10;
    int cpu_a = argc > 3 ? atoi(argv[3]) : -1;
    cpu_b = argc > 4 ? atoi(argv[4]) : -1;
    pin(cpu_a);
    open_side(&a);
    open_side(&b);
    pthread_t t;
    if (pthread_create(&t, NULL, peer, NULL) != 0) die("pthread_create");
    clockid_t clock_b;
    if (pthread_getcpuclockid(t, &clock_b) != 0) die("pthread_getcpuclockid");
    struct epoll_event events[4];
    long long start = 0, cpu_start = 0;
    for (long i = -warmup; i < iterations; i++) {
        if (i == 0) {
            start = now_ns();
            cpu_start = cpu_ns(CLOCK_THREAD_CPUTIME_ID) + cpu_ns(clock_b);
        }
        wake(&b);
        epoll_wait(a.ep, events, 4, -1);
    }
    long long elapsed = now_ns() - start;
    long long cpu = cpu_ns(CLOCK_THREAD_CPUTIME_ID) + cpu_ns(clock_b) - cpu_start;
    stop = 1;
    wake(&b);
    pthread_join(t, NULL);
    printf("ns_per_op=%.1f cpu_ns_per_op=%.1f iterations=%ld\n", (double)elapsed / iterations,
           (double)cpu / iterations, iterations);
    return 0;
}
