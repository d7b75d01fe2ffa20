/*
 * Wrapper header for the Linux bindings (package dev.pollux.bindings.linux).
 * jextract reads this file; scripts/generate-bindings.sh regenerates the sources from it.
 * Only what the epoll backend and the Linux socket layer use is included (see linux.args).
 */
/*
 * Deliberately no _GNU_SOURCE: with it glibc declares the socket calls with the transparent
 * unions __SOCKADDR_ARG / __CONST_SOCKADDR_ARG, which jextract cannot express. The two GNU
 * extensions Pollux needs are declared below with their plain-pointer prototypes instead
 * (identical ABI; see accept4(2) and pipe2(2)).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <time.h>

extern int accept4(int fd, struct sockaddr *addr, socklen_t *addr_len, int flags);
extern int pipe2(int pipedes[2], int flags);
