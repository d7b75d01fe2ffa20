package dev.pollux.ffi.iocp;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.MemoryLayout.unionLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The Windows x86_64 (LLP64) layouts the IOCP backend reads and writes, field names as in C.
 * They are written with fixed-size Java layouts instead of the running platform's C types (on
 * Linux {@code long} is 64 bits, on Windows 32), so they mean the same on every OS and this
 * class loads anywhere. WindowsLayoutTest checks every size, alignment and offset against the
 * table the mingw-w64-compiled layout program prints under wine.
 */
public final class WinLayouts {
    /** HANDLE, SOCKET, ULONG_PTR: 64 bits. */
    public static final ValueLayout.OfLong HANDLE = JAVA_LONG;
    /** ULONG, DWORD, NTSTATUS, u_long: 32 bits on Windows. */
    public static final ValueLayout.OfInt ULONG = JAVA_INT;

    public static final StructLayout OVERLAPPED = structLayout(
            JAVA_LONG.withName("Internal"),
            JAVA_LONG.withName("InternalHigh"),
            JAVA_INT.withName("Offset"),
            JAVA_INT.withName("OffsetHigh"),
            JAVA_LONG.withName("hEvent")).withName("OVERLAPPED");

    public static final StructLayout OVERLAPPED_ENTRY = structLayout(
            JAVA_LONG.withName("lpCompletionKey"),
            JAVA_LONG.withName("lpOverlapped"),
            JAVA_LONG.withName("Internal"),
            JAVA_INT.withName("dwNumberOfBytesTransferred"),
            paddingLayout(4)).withName("OVERLAPPED_ENTRY");

    public static final StructLayout IO_STATUS_BLOCK = structLayout(
            unionLayout(JAVA_INT.withName("Status"), JAVA_LONG.withName("Pointer")).withName("u"),
            JAVA_LONG.withName("Information")).withName("IO_STATUS_BLOCK");

    public static final StructLayout AFD_POLL_HANDLE_INFO = structLayout(
            JAVA_LONG.withName("Handle"),
            JAVA_INT.withName("Events"),
            JAVA_INT.withName("Status")).withName("AFD_POLL_HANDLE_INFO");

    /** With room for one handle, as every request Pollux makes names one socket. */
    public static final StructLayout AFD_POLL_INFO = structLayout(
            JAVA_LONG.withName("Timeout"),
            JAVA_INT.withName("NumberOfHandles"),
            JAVA_INT.withName("Exclusive"),
            sequenceLayout(1, AFD_POLL_HANDLE_INFO).withName("Handles")).withName("AFD_POLL_INFO");

    public static final StructLayout UNICODE_STRING = structLayout(
            JAVA_SHORT.withName("Length"),
            JAVA_SHORT.withName("MaximumLength"),
            paddingLayout(4),
            ADDRESS.withName("Buffer")).withName("UNICODE_STRING");

    public static final StructLayout OBJECT_ATTRIBUTES = structLayout(
            JAVA_INT.withName("Length"),
            paddingLayout(4),
            JAVA_LONG.withName("RootDirectory"),
            ADDRESS.withName("ObjectName"),
            JAVA_INT.withName("Attributes"),
            paddingLayout(4),
            ADDRESS.withName("SecurityDescriptor"),
            ADDRESS.withName("SecurityQualityOfService")).withName("OBJECT_ATTRIBUTES");

    /** The 64-bit WSADATA: the vendor pointer comes before the strings (on 32-bit, after). */
    public static final StructLayout WSADATA = structLayout(
            JAVA_SHORT.withName("wVersion"),
            JAVA_SHORT.withName("wHighVersion"),
            JAVA_SHORT.withName("iMaxSockets"),
            JAVA_SHORT.withName("iMaxUdpDg"),
            ADDRESS.withName("lpVendorInfo"),
            sequenceLayout(257, JAVA_BYTE).withName("szDescription"),
            sequenceLayout(129, JAVA_BYTE).withName("szSystemStatus"),
            paddingLayout(6)).withName("WSADATA");

    public static final StructLayout WSABUF = structLayout(
            JAVA_INT.withName("len"),
            paddingLayout(4),
            ADDRESS.withName("buf")).withName("WSABUF");

    public static final StructLayout SOCKADDR = structLayout(
            JAVA_SHORT.withName("sa_family"),
            sequenceLayout(14, JAVA_BYTE).withName("sa_data")).withName("SOCKADDR");

    public static final StructLayout IN_ADDR = structLayout(JAVA_INT.withName("s_addr")).withName("IN_ADDR");

    public static final StructLayout IN6_ADDR = structLayout(
            sequenceLayout(8, JAVA_SHORT).withName("Word")).withName("IN6_ADDR");

    public static final StructLayout SOCKADDR_IN = structLayout(
            JAVA_SHORT.withName("sin_family"),
            JAVA_SHORT.withName("sin_port"),
            IN_ADDR.withName("sin_addr"),
            sequenceLayout(8, JAVA_BYTE).withName("sin_zero")).withName("SOCKADDR_IN");

    public static final StructLayout SOCKADDR_IN6 = structLayout(
            JAVA_SHORT.withName("sin6_family"),
            JAVA_SHORT.withName("sin6_port"),
            JAVA_INT.withName("sin6_flowinfo"),
            IN6_ADDR.withName("sin6_addr"),
            JAVA_INT.withName("sin6_scope_id")).withName("SOCKADDR_IN6");

    public static final StructLayout SOCKADDR_STORAGE = structLayout(
            JAVA_SHORT.withName("ss_family"),
            paddingLayout(6),
            JAVA_LONG.withName("__ss_align"),
            paddingLayout(112)).withName("SOCKADDR_STORAGE");

    public static final StructLayout LINGER = structLayout(
            JAVA_SHORT.withName("l_onoff"),
            JAVA_SHORT.withName("l_linger")).withName("LINGER");

    /** Offsets used on hot paths, so they are not looked up by name there. */
    public static final long IOSB_STATUS = 0;
    public static final long IOSB_INFORMATION = 8;
    public static final long ENTRY_KEY = 0;
    public static final long ENTRY_OVERLAPPED = 8;
    public static final long ENTRY_INTERNAL = 16;
    public static final long ENTRY_BYTES = 24;
    public static final long POLL_TIMEOUT = 0;
    public static final long POLL_NUMBER_OF_HANDLES = 8;
    public static final long POLL_EXCLUSIVE = 12;
    public static final long POLL_HANDLE = 16;
    public static final long POLL_EVENTS = 24;
    public static final long POLL_STATUS = 28;

    private WinLayouts() {}

    /** Every struct above by its C name, for the layout test. */
    public static MemoryLayout[] all() {
        return new MemoryLayout[] {OVERLAPPED, OVERLAPPED_ENTRY, IO_STATUS_BLOCK, AFD_POLL_HANDLE_INFO, AFD_POLL_INFO,
            UNICODE_STRING, OBJECT_ATTRIBUTES, WSADATA, WSABUF, SOCKADDR, IN_ADDR, IN6_ADDR, SOCKADDR_IN,
            SOCKADDR_IN6, SOCKADDR_STORAGE, LINGER};
    }
}
