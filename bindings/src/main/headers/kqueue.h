/*
 * Wrapper header for the kqueue bindings (package dev.pollux.bindings.kqueue).
 * jextract reads this file; scripts/generate-bindings.sh regenerates the sources from it.
 *
 * Generated on Linux from libkqueue's <sys/event.h> (Debian's libkqueue-dev, installed by
 * scripts/install-libkqueue.sh under /usr/include/kqueue, put on the include path by
 * kqueue.clang-flags). Its struct kevent is the classic 32-byte BSD one (ident, filter, flags,
 * fflags, data, udata) on LP64, the same as macOS's; FreeBSD 12+ appends int64 data and
 * uint64 ext[4] (64 bytes) and numbers EVFILT_USER differently from macOS, so ffi-kqueue picks
 * the layout and the constants per OS and uses these bindings for the functions and for
 * libkqueue. Only what the kqueue backend uses is included (see kqueue.args).
 */
#include <time.h>
#include <sys/event.h>
