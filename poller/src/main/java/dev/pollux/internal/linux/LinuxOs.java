package dev.pollux.internal.linux;

import dev.pollux.ffi.epoll.Errno;
import dev.pollux.ffi.epoll.Fd;
import dev.pollux.internal.Os;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** The Linux system-call layer, over ffi-epoll's wrappers. */
public final class LinuxOs implements Os {
    @Override
    public int eagain() {
        return Errno.EAGAIN;
    }

    @Override
    public int eintr() {
        return Errno.EINTR;
    }

    @Override
    public String errnoName(int errno) {
        return Errno.name(errno);
    }

    @Override
    public int pipe(int[] fds) {
        return Fd.pipe2(fds, Fd.O_NONBLOCK | Fd.O_CLOEXEC);
    }

    @Override
    public long read(int fd, MemorySegment buffer, long length) {
        return Fd.read(fd, buffer, length);
    }

    @Override
    public long write(int fd, MemorySegment buffer, long length) {
        return Fd.write(fd, buffer, length);
    }

    @Override
    public long readv(int fd, ByteBuffer[] buffers, int offset, int length) {
        return Fd.readv(fd, buffers, offset, length);
    }

    @Override
    public long writev(int fd, ByteBuffer[] buffers, int offset, int length) {
        return Fd.writev(fd, buffers, offset, length);
    }

    @Override
    public int maxIoVectors() {
        return Fd.MAX_IO_VECTORS;
    }

    @Override
    public int close(int fd) {
        return Fd.close(fd);
    }

    @Override
    public int isNonBlocking(int fd) {
        int flags = Fd.fcntl(fd, Fd.F_GETFL, 0);
        return flags < 0 ? flags : ((flags & Fd.O_NONBLOCK) != 0 ? 1 : 0);
    }
}
