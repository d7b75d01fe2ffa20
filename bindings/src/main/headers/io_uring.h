/*
 * Wrapper header for the io_uring bindings (package dev.pollux.bindings.linux.uring).
 * jextract reads this file; scripts/generate-bindings.sh regenerates the sources from it.
 * Only what the io_uring ring in ffi-epoll uses is included (see io_uring.args).
 *
 * No liburing: the three io_uring system calls are made through syscall(2) with the numbers from
 * <sys/syscall.h> (425, 426 and 427 on every architecture since the unified syscall table, so the
 * x86_64 constants are right on aarch64 too); the rings are mapped with mmap(2). <fcntl.h> gives
 * F_DUPFD_CLOEXEC: a completion-based stream's requests use a descriptor of their own. The io_uring
 * structs are made of fixed-width fields and laid out the same on every 64-bit Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/time_types.h>
#include <linux/io_uring.h>
