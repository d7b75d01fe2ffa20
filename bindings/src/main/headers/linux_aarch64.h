/*
 * Wrapper header for dev.pollux.bindings.linux.aarch64: the one Linux struct Pollux uses whose
 * layout differs between x86_64 and aarch64. glibc packs struct epoll_event only on x86_64
 * (12 bytes there, 16 bytes on aarch64). Everything else comes from dev.pollux.bindings.linux,
 * which is the same on both (LP64, same constants). Generated with the clang flags in
 * linux_aarch64.clang-flags (cross target, Debian's libc6-dev-arm64-cross headers).
 */
#include <sys/epoll.h>
