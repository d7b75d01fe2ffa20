package dev.pollux.ffi.iocp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.pollux.bindings.windows.Windows;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The Windows calls of the IOCP backend: completion ports (kernel32), the AFD poll request
 * (ntdll) and the Winsock calls it needs (ws2_32). Thin wrappers: each returns its result or the
 * OS's error code, never throws for an OS failure, and allocates nothing per call (the scratch
 * memory is per thread). Win32 and Winsock failures return the negated {@code GetLastError} /
 * {@code WSAGetLastError} code, captured by the linker right after the call; ntdll calls return
 * their NTSTATUS, whose failures are negative. Name codes with {@link WinError} and
 * {@link NtStatus}.
 *
 * <p>Nothing here touches a Windows library until {@link #open()}, which loads kernel32, ntdll
 * and ws2_32, links every function (descriptors and addresses from the jextract bindings
 * {@code dev.pollux.bindings.windows}) and starts Winsock; on any other OS it refuses. Handles
 * (HANDLE, SOCKET) are passed as {@code long}s. Thread-safe.
 */
public final class Iocp {
    /** The AFD helper device Pollux opens: any name under \Device\Afd\ gives a helper handle. */
    public static final String AFD_DEVICE = "\\Device\\Afd\\Pollux";

    private static volatile Iocp instance;

    private final StructLayout captureLayout;
    private final VarHandle lastError;
    private final VarHandle wsaLastError;
    private final MethodHandle createIoCompletionPort;
    private final MethodHandle getQueuedCompletionStatusEx;
    private final MethodHandle postQueuedCompletionStatus;
    private final MethodHandle setFileCompletionNotificationModes;
    private final MethodHandle closeHandle;
    private final MethodHandle ntCreateFile;
    private final MethodHandle ntDeviceIoControlFile;
    private final MethodHandle ntCancelIoFileEx;
    private final MethodHandle wsaIoctl;
    private final MethodHandle wsaStartup;
    /** The AFD device name as a UNICODE_STRING and its OBJECT_ATTRIBUTES; never freed. */
    private final MemorySegment afdAttributes;
    private final ThreadLocal<Frame> frames;

    /** Per-thread scratch: captured error codes, a cancel IO_STATUS_BLOCK, out-parameters. */
    private static final class Frame {
        final MemorySegment capture;
        final MemorySegment scratch;
        final MemorySegment removed;
        final MemorySegment cancelIosb;

        Frame(StructLayout captureLayout) {
            Arena arena = Arena.ofAuto();
            capture = arena.allocate(captureLayout);
            scratch = arena.allocate(64, 8);
            removed = scratch.asSlice(48, 4);
            cancelIosb = scratch.asSlice(32, 16);
        }
    }

    /**
     * {@code d} with the HANDLE parameters at {@code indexes} taken as 64-bit integers: on
     * Windows x64 a pointer and a 64-bit integer are passed alike, and a {@code long} handle needs
     * no MemorySegment per call on the hot paths.
     */
    private static FunctionDescriptor handlesAsLongs(FunctionDescriptor d, int... indexes) {
        MemoryLayout[] args = d.argumentLayouts().toArray(MemoryLayout[]::new);
        for (int i : indexes) {
            args[i] = JAVA_LONG;
        }
        return d.returnLayout().map(r -> FunctionDescriptor.of(r, args)).orElseGet(() -> FunctionDescriptor.ofVoid(args));
    }

    private Iocp() {
        Linker linker = Linker.nativeLinker();
        captureLayout = Linker.Option.captureStateLayout();
        lastError = captureLayout.varHandle(MemoryLayout.PathElement.groupElement("GetLastError"));
        wsaLastError = captureLayout.varHandle(MemoryLayout.PathElement.groupElement("WSAGetLastError"));
        Linker.Option win32 = Linker.Option.captureCallState("GetLastError");
        Linker.Option wsa = Linker.Option.captureCallState("WSAGetLastError");
        createIoCompletionPort = linker.downcallHandle(Windows.CreateIoCompletionPort$address(),
                Windows.CreateIoCompletionPort$descriptor(), win32);
        getQueuedCompletionStatusEx = linker.downcallHandle(Windows.GetQueuedCompletionStatusEx$address(),
                handlesAsLongs(Windows.GetQueuedCompletionStatusEx$descriptor(), 0), win32);
        postQueuedCompletionStatus = linker.downcallHandle(Windows.PostQueuedCompletionStatus$address(),
                handlesAsLongs(Windows.PostQueuedCompletionStatus$descriptor(), 0), win32);
        setFileCompletionNotificationModes = linker.downcallHandle(
                Windows.SetFileCompletionNotificationModes$address(),
                Windows.SetFileCompletionNotificationModes$descriptor(), win32);
        closeHandle = linker.downcallHandle(Windows.CloseHandle$address(), Windows.CloseHandle$descriptor(), win32);
        ntCreateFile = linker.downcallHandle(Windows.NtCreateFile$address(), Windows.NtCreateFile$descriptor());
        ntDeviceIoControlFile = linker.downcallHandle(Windows.NtDeviceIoControlFile$address(),
                handlesAsLongs(Windows.NtDeviceIoControlFile$descriptor(), 0));
        ntCancelIoFileEx = linker.downcallHandle(Windows.NtCancelIoFileEx$address(),
                handlesAsLongs(Windows.NtCancelIoFileEx$descriptor(), 0));
        wsaIoctl = linker.downcallHandle(Windows.WSAIoctl$address(), Windows.WSAIoctl$descriptor(), wsa);
        wsaStartup = linker.downcallHandle(Windows.WSAStartup$address(), Windows.WSAStartup$descriptor());
        afdAttributes = afdAttributes(Arena.global());
        frames = ThreadLocal.withInitial(() -> new Frame(captureLayout));
    }

    private static MemorySegment afdAttributes(Arena arena) {
        byte[] utf16 = AFD_DEVICE.getBytes(StandardCharsets.UTF_16LE);
        MemorySegment name = arena.allocate(utf16.length + 2L, 8);
        MemorySegment.copy(MemorySegment.ofArray(utf16), 0, name, 0, utf16.length);
        MemorySegment unicode = arena.allocate(WinLayouts.UNICODE_STRING);
        unicode.set(JAVA_SHORT, 0, (short) utf16.length);
        unicode.set(JAVA_SHORT, 2, (short) utf16.length);
        unicode.set(ADDRESS, 8, name);
        MemorySegment attributes = arena.allocate(WinLayouts.OBJECT_ATTRIBUTES);
        attributes.set(JAVA_INT, 0, (int) WinLayouts.OBJECT_ATTRIBUTES.byteSize());
        attributes.set(ADDRESS, 16, unicode);
        return attributes;
    }

    /**
     * Loads and links the Windows libraries (once per process) and starts Winsock 2.2.
     *
     * @throws UnsupportedOperationException on any OS but Windows
     * @throws IllegalStateException if Winsock does not start (its error code in the message)
     */
    public static Iocp open() {
        Iocp i = instance;
        if (i != null) {
            return i;
        }
        synchronized (Iocp.class) {
            if (instance == null) {
                String os = System.getProperty("os.name", "");
                if (!os.toLowerCase(Locale.ROOT).startsWith("windows")) {
                    throw new UnsupportedOperationException("the iocp backend needs Windows; this is " + os);
                }
                // The bindings look functions up in the libraries this class loader has loaded.
                System.loadLibrary("kernel32");
                System.loadLibrary("ntdll");
                System.loadLibrary("ws2_32");
                Iocp created = new Iocp();
                int started = created.startWinsock();
                if (started != 0) {
                    throw new IllegalStateException("WSAStartup failed: " + WinError.name(started) + " (" + started + ")");
                }
                instance = created;
            }
            return instance;
        }
    }

    private int startWinsock() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(WinLayouts.WSADATA);
            return (int) wsaStartup.invokeExact((short) 0x0202, data);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private Frame frame() {
        return frames.get();
    }

    private int lastError(Frame f) {
        return (int) lastError.get(f.capture, 0L);
    }

    /**
     * {@code CreateIoCompletionPort(file, existingPort, key, 0)}: with {@code file} =
     * {@link Afd#INVALID_HANDLE_VALUE} and port 0 a new port, else associates {@code file}.
     *
     * @return the port's handle, or {@code -GetLastError()}
     */
    public long createIoCompletionPort(long file, long existingPort, long key) {
        Frame f = frame();
        try {
            MemorySegment r = (MemorySegment) createIoCompletionPort.invokeExact(f.capture,
                    MemorySegment.ofAddress(file), MemorySegment.ofAddress(existingPort), key, 0);
            return r.address() == 0 ? -lastError(f) : r.address();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Opens an AFD helper handle ({@code NtCreateFile} of {@link #AFD_DEVICE} with SYNCHRONIZE,
     * shared read/write, FILE_OPEN).
     *
     * @return the handle, or the failing NTSTATUS (negative)
     */
    public long openAfd() {
        Frame f = frame();
        MemorySegment handle = f.scratch.asSlice(0, 8);
        MemorySegment iosb = f.scratch.asSlice(16, 16);
        try {
            int status = (int) ntCreateFile.invokeExact(handle, Afd.SYNCHRONIZE, afdAttributes, iosb,
                    MemorySegment.NULL, 0, Afd.FILE_SHARE_READ | Afd.FILE_SHARE_WRITE, Afd.FILE_OPEN, 0,
                    MemorySegment.NULL, 0);
            return status == NtStatus.STATUS_SUCCESS ? handle.get(JAVA_LONG, 0) : status;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code SetFileCompletionNotificationModes}: 0, or {@code -GetLastError()}. */
    public int setFileCompletionNotificationModes(long handle, int flags) {
        Frame f = frame();
        try {
            int ok = (int) setFileCompletionNotificationModes.invokeExact(f.capture, MemorySegment.ofAddress(handle),
                    (byte) flags);
            return ok != 0 ? 0 : -lastError(f);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code CloseHandle}: 0, or {@code -GetLastError()}. */
    public int closeHandle(long handle) {
        Frame f = frame();
        try {
            int ok = (int) closeHandle.invokeExact(f.capture, MemorySegment.ofAddress(handle));
            return ok != 0 ? 0 : -lastError(f);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code IOCTL_AFD_POLL} on {@code afd}: {@code pollInfo} (an AFD_POLL_INFO) in and out,
     * {@code iosb} as the IO_STATUS_BLOCK and as the ApcContext (the completion's lpOverlapped).
     *
     * @return the NTSTATUS (STATUS_PENDING: the completion comes through the port)
     */
    public int afdPoll(long afd, MemorySegment iosb, MemorySegment pollInfo) {
        try {
            int size = (int) WinLayouts.AFD_POLL_INFO.byteSize();
            return (int) ntDeviceIoControlFile.invokeExact(afd, MemorySegment.NULL,
                    MemorySegment.NULL, iosb, iosb, Afd.IOCTL_AFD_POLL, pollInfo, size, pollInfo, size);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code NtCancelIoFileEx} of the request whose IO_STATUS_BLOCK is {@code iosb}: its NTSTATUS. */
    public int cancel(long afd, MemorySegment iosb) {
        Frame f = frame();
        try {
            return (int) ntCancelIoFileEx.invokeExact(afd, iosb, f.cancelIosb);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code GetQueuedCompletionStatusEx(port, entries, capacity, &n, millis, FALSE)}.
     *
     * @param millis negative for INFINITE
     * @return the number of entries, or {@code -GetLastError()} ({@code -WAIT_TIMEOUT} on timeout)
     */
    public int getQueuedCompletionStatusEx(long port, MemorySegment entries, int capacity, int millis) {
        Frame f = frame();
        try {
            int ok = (int) getQueuedCompletionStatusEx.invokeExact(f.capture, port, entries,
                    capacity, f.removed, millis < 0 ? Afd.INFINITE : millis, 0);
            return ok != 0 ? f.removed.get(JAVA_INT, 0) : -lastError(f);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code PostQueuedCompletionStatus(port, bytes, key, NULL)}: 0, or {@code -GetLastError()}. */
    public int postQueuedCompletionStatus(long port, int bytes, long key) {
        Frame f = frame();
        try {
            int ok = (int) postQueuedCompletionStatus.invokeExact(f.capture, port, bytes, key, MemorySegment.NULL);
            return ok != 0 ? 0 : -lastError(f);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code WSAIoctl(socket, ioctl, NULL, 0, &out, 8, &bytes, NULL, NULL)} for the
     * SIO_BASE_HANDLE family.
     *
     * @return the handle it returns, or {@code -WSAGetLastError()}
     */
    public long baseHandle(long socket, int ioctl) {
        Frame f = frame();
        MemorySegment out = f.scratch.asSlice(0, 8);
        MemorySegment bytes = f.scratch.asSlice(8, 4);
        try {
            int r = (int) wsaIoctl.invokeExact(f.capture, socket, ioctl, MemorySegment.NULL, 0, out, 8, bytes,
                    MemorySegment.NULL, MemorySegment.NULL);
            return r == Winsock.SOCKET_ERROR ? -(int) wsaLastError.get(f.capture, 0L) : out.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * As ffi-epoll's: FFM's misuse exceptions (a closed arena, a wrong thread) reach the caller
     * unchanged; anything else is a linkage bug.
     */
    static RuntimeException unexpected(Throwable t) {
        return switch (t) {
            case RuntimeException e -> e;
            case Error e -> throw e;
            default -> throw new AssertionError("downcall failed unexpectedly", t);
        };
    }

}
