package dev.pollux.ffi.iocp;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.pollux.bindings.windows.Windows;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The Winsock calls of a Windows socket layer, linked by {@link #open()} (which first opens
 * {@link Iocp}: libraries loaded, Winsock started) from the jextract bindings' descriptors with
 * {@code WSAGetLastError} captured by the linker. Each returns its result or
 * {@code -WSAGetLastError()}; sockets are non-blocking ({@code FIONBIO}) and not inheritable
 * from creation. Lengths are {@code int}s, as in Winsock. The data transfers take native or heap
 * segments (a heap one goes through a critical handle: the sockets never block); a length beyond
 * the segment throws {@link IndexOutOfBoundsException}. Thread-safe; per-thread scratch memory,
 * nothing allocated per call. Never run yet: there is no Windows JVM on the machines
 * Pollux is built on.
 */
public final class WinsockCalls {
    private static volatile WinsockCalls instance;

    private final StructLayout captureLayout = Linker.Option.captureStateLayout();
    private final VarHandle wsaLastError =
            captureLayout.varHandle(MemoryLayout.PathElement.groupElement("WSAGetLastError"));
    private final MethodHandle wsaSocketW;
    private final MethodHandle ioctlsocket;
    private final MethodHandle bind;
    private final MethodHandle listen;
    private final MethodHandle accept;
    private final MethodHandle connect;
    private final MethodHandle getsockname;
    private final MethodHandle getpeername;
    private final MethodHandle getsockopt;
    private final MethodHandle setsockopt;
    private final MethodHandle send;
    private final MethodHandle sendHeap;
    private final MethodHandle recv;
    private final MethodHandle recvHeap;
    private final MethodHandle sendto;
    private final MethodHandle sendtoHeap;
    private final MethodHandle recvfrom;
    private final MethodHandle recvfromHeap;
    private final MethodHandle shutdown;
    private final MethodHandle closesocket;
    private final ThreadLocal<Frame> frames;

    private static final class Frame {
        final MemorySegment capture;
        final MemorySegment word;
        final MemorySegment length;

        Frame(StructLayout layout) {
            Arena arena = Arena.ofAuto();
            capture = arena.allocate(layout);
            word = arena.allocate(8, 8);
            length = arena.allocate(4, 4);
        }
    }

    private WinsockCalls() {
        Linker linker = Linker.nativeLinker();
        Linker.Option wsa = Linker.Option.captureCallState("WSAGetLastError");
        wsaSocketW = link(linker, Windows.WSASocketW$address(), Windows.WSASocketW$descriptor(), wsa);
        ioctlsocket = link(linker, Windows.ioctlsocket$address(), Windows.ioctlsocket$descriptor(), wsa);
        bind = link(linker, Windows.bind$address(), Windows.bind$descriptor(), wsa);
        listen = link(linker, Windows.listen$address(), Windows.listen$descriptor(), wsa);
        accept = link(linker, Windows.accept$address(), Windows.accept$descriptor(), wsa);
        connect = link(linker, Windows.connect$address(), Windows.connect$descriptor(), wsa);
        getsockname = link(linker, Windows.getsockname$address(), Windows.getsockname$descriptor(), wsa);
        getpeername = link(linker, Windows.getpeername$address(), Windows.getpeername$descriptor(), wsa);
        getsockopt = link(linker, Windows.getsockopt$address(), Windows.getsockopt$descriptor(), wsa);
        setsockopt = link(linker, Windows.setsockopt$address(), Windows.setsockopt$descriptor(), wsa);
        send = link(linker, Windows.send$address(), Windows.send$descriptor(), wsa);
        sendHeap = linkHeap(linker, Windows.send$address(), Windows.send$descriptor(), wsa);
        recv = link(linker, Windows.recv$address(), Windows.recv$descriptor(), wsa);
        recvHeap = linkHeap(linker, Windows.recv$address(), Windows.recv$descriptor(), wsa);
        sendto = link(linker, Windows.sendto$address(), Windows.sendto$descriptor(), wsa);
        sendtoHeap = linkHeap(linker, Windows.sendto$address(), Windows.sendto$descriptor(), wsa);
        recvfrom = link(linker, Windows.recvfrom$address(), Windows.recvfrom$descriptor(), wsa);
        recvfromHeap = linkHeap(linker, Windows.recvfrom$address(), Windows.recvfrom$descriptor(), wsa);
        shutdown = link(linker, Windows.shutdown$address(), Windows.shutdown$descriptor(), wsa);
        closesocket = link(linker, Windows.closesocket$address(), Windows.closesocket$descriptor(), wsa);
        frames = ThreadLocal.withInitial(() -> new Frame(captureLayout));
    }

    private static MethodHandle link(Linker linker, MemorySegment address, FunctionDescriptor d, Linker.Option o) {
        return linker.downcallHandle(address, d, o);
    }

    /**
     * For the data transfers, which never block here (sockets are non-blocking): a heap segment
     * (what a heap ByteBuffer becomes) is handed to Winsock directly, as ffi-epoll and ffi-kqueue do.
     */
    private static MethodHandle linkHeap(Linker linker, MemorySegment address, FunctionDescriptor d, Linker.Option o) {
        return linker.downcallHandle(address, d, o, Linker.Option.critical(true));
    }

    /** Links Winsock (once per process). @throws UnsupportedOperationException outside Windows */
    public static WinsockCalls open() {
        WinsockCalls w = instance;
        if (w != null) {
            return w;
        }
        synchronized (WinsockCalls.class) {
            if (instance == null) {
                Iocp.open();
                instance = new WinsockCalls();
            }
            return instance;
        }
    }

    private int error(Frame f) {
        return -(int) wsaLastError.get(f.capture, 0L);
    }

    private int check(Frame f, int r) {
        return r == Winsock.SOCKET_ERROR ? error(f) : r;
    }


    /**
     * {@code WSASocketW(family, type, 0, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT)}
     * then {@code ioctlsocket(FIONBIO, 1)}: the socket, or {@code -WSAGetLastError()}.
     */
    public long socket(int family, int type) {
        Frame f = frames.get();
        try {
            long s = (long) wsaSocketW.invokeExact(f.capture, family, type, 0, MemorySegment.NULL, 0,
                    Winsock.WSA_FLAG_OVERLAPPED | Winsock.WSA_FLAG_NO_HANDLE_INHERIT);
            if (s == Winsock.INVALID_SOCKET) {
                return error(f);
            }
            int r = setNonBlocking(f, s);
            if (r < 0) {
                int ignored = (int) closesocket.invokeExact(f.capture, s);
                return r;
            }
            return s;
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    private int setNonBlocking(Frame f, long s) throws Throwable {
        return setNonBlocking(f, s, true);
    }

    private int setNonBlocking(Frame f, long s, boolean on) throws Throwable {
        f.word.set(JAVA_INT, 0, on ? 1 : 0);
        return check(f, (int) ioctlsocket.invokeExact(f.capture, s, Winsock.FIONBIO, f.word));
    }

    /**
     * {@code ioctlsocket(FIONBIO, on)}: 0, or {@code -WSAGetLastError()}. For the few blocking
     * steps of setting up a loopback pair; every socket handed out is non-blocking.
     */
    public int setNonBlocking(long s, boolean on) {
        Frame f = frames.get();
        try {
            return setNonBlocking(f, s, on);
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    public int bind(long s, MemorySegment address, int length) {
        Frame f = frames.get();
        try {
            return check(f, (int) bind.invokeExact(f.capture, s, address, length));
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    public int listen(long s, int backlog) {
        Frame f = frames.get();
        try {
            return check(f, (int) listen.invokeExact(f.capture, s, backlog));
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    /** {@code accept}, made non-blocking: the connection, or {@code -WSAGetLastError()}. */
    public long accept(long s) {
        Frame f = frames.get();
        try {
            long c = (long) accept.invokeExact(f.capture, s, MemorySegment.NULL, MemorySegment.NULL);
            if (c == Winsock.INVALID_SOCKET) {
                return error(f);
            }
            int r = setNonBlocking(f, c);
            if (r < 0) {
                int ignored = (int) closesocket.invokeExact(f.capture, c);
                return r;
            }
            return c;
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    /** {@code connect}: 0, or {@code -WSAEWOULDBLOCK} while a non-blocking connect is under way. */
    public int connect(long s, MemorySegment address, int length) {
        Frame f = frames.get();
        try {
            return check(f, (int) connect.invokeExact(f.capture, s, address, length));
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    /** {@code getsockname} (or, with {@code peer}, {@code getpeername}): the address length. */
    public int address(long s, MemorySegment address, boolean peer) {
        Frame f = frames.get();
        try {
            f.length.set(JAVA_INT, 0, (int) address.byteSize());
            int r = peer ? (int) getpeername.invokeExact(f.capture, s, address, f.length)
                    : (int) getsockname.invokeExact(f.capture, s, address, f.length);
            return r == Winsock.SOCKET_ERROR ? error(f) : f.length.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    public int shutdown(long s, int how) {
        Frame f = frames.get();
        try {
            return check(f, (int) shutdown.invokeExact(f.capture, s, how));
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    public int send(long s, MemorySegment buffer, int length) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        MethodHandle call = buffer.isNative() ? send : sendHeap;
        Frame f = frames.get();
        try {
            return check(f, (int) call.invokeExact(f.capture, s, buffer, length, 0));
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    public int recv(long s, MemorySegment buffer, int length, int flags) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        MethodHandle call = buffer.isNative() ? recv : recvHeap;
        Frame f = frames.get();
        try {
            return check(f, (int) call.invokeExact(f.capture, s, buffer, length, flags));
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    public int sendTo(long s, MemorySegment buffer, int length, MemorySegment address, int addressLength) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        MethodHandle call = buffer.isNative() ? sendto : sendtoHeap;
        Frame f = frames.get();
        try {
            return check(f, (int) call.invokeExact(f.capture, s, buffer, length, 0, address, addressLength));
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    /** {@code recvfrom}: bytes received; the sender's length goes to {@code addressLength[0]}. */
    public int receiveFrom(long s, MemorySegment buffer, int length, int flags, MemorySegment address,
            int[] addressLength) {
        Objects.checkFromIndexSize(0L, length, buffer.byteSize());
        MethodHandle call = buffer.isNative() ? recvfrom : recvfromHeap;
        Frame f = frames.get();
        try {
            f.length.set(JAVA_INT, 0, (int) address.byteSize());
            int r = check(f, (int) call.invokeExact(f.capture, s, buffer, length, flags, address, f.length));
            addressLength[0] = f.length.get(JAVA_INT, 0);
            return r;
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    public int getOption(long s, int level, int name, MemorySegment value) {
        Frame f = frames.get();
        try {
            f.length.set(JAVA_INT, 0, (int) value.byteSize());
            int r = (int) getsockopt.invokeExact(f.capture, s, level, name, value, f.length);
            return r == Winsock.SOCKET_ERROR ? error(f) : f.length.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    public int setOption(long s, int level, int name, MemorySegment value) {
        Frame f = frames.get();
        try {
            return check(f, (int) setsockopt.invokeExact(f.capture, s, level, name, value, (int) value.byteSize()));
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }

    public int close(long s) {
        Frame f = frames.get();
        try {
            return check(f, (int) closesocket.invokeExact(f.capture, s));
        } catch (Throwable t) {
            throw Iocp.unexpected(t);
        }
    }
}
