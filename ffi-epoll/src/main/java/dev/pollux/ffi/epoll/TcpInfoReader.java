package dev.pollux.ffi.epoll;

import dev.pollux.bindings.linux.tcp_info;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads {@code getsockopt(IPPROTO_TCP, TCP_INFO)} into Java values using the generated
 * {@code struct tcp_info} layout (glibc's netinet/tcp.h). Thread-safe.
 */
public final class TcpInfoReader {
    /** The fields {@link #read} returns, in this order (glibc names without the {@code tcpi_} prefix). */
    public static final String[] FIELDS = {
        "state", "ca_state", "retransmits", "probes", "backoff", "options", "rto", "ato", "snd_mss",
        "rcv_mss", "unacked", "sacked", "lost", "retrans", "fackets", "last_data_sent", "last_ack_sent",
        "last_data_recv", "last_ack_recv", "pmtu", "rcv_ssthresh", "rtt", "rttvar", "snd_ssthresh",
        "snd_cwnd", "advmss", "reordering", "rcv_rtt", "rcv_space", "total_retrans"
    };

    private static final long[] OFFSETS = new long[FIELDS.length];
    private static final boolean[] BYTE_SIZED = new boolean[FIELDS.length];

    static {
        for (int i = 0; i < FIELDS.length; i++) {
            MemoryLayout.PathElement path = MemoryLayout.PathElement.groupElement("tcpi_" + FIELDS[i]);
            OFFSETS[i] = tcp_info.layout().byteOffset(path);
            BYTE_SIZED[i] = tcp_info.layout().select(path).byteSize() == 1;
        }
    }

    private TcpInfoReader() {}

    /**
     * Fills {@code values} (at least {@code FIELDS.length} long) with the socket's TCP_INFO, each
     * field as an unsigned value: 0, or {@code -errno}.
     */
    public static int read(int fd, long[] values) {
        if (values.length < FIELDS.length) {
            throw new IllegalArgumentException("need room for " + FIELDS.length + " values");
        }
        // Past the first bytes of scratch, which getOption uses for the length cell.
        MemorySegment info = Downcalls.frame().scratch.asSlice(256, tcp_info.layout().byteSize());
        info.fill((byte) 0);
        int r = Sockets.getOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_INFO, info);
        if (r < 0) {
            return r;
        }
        for (int i = 0; i < FIELDS.length; i++) {
            values[i] = BYTE_SIZED[i]
                    ? Byte.toUnsignedLong(info.get(ValueLayout.JAVA_BYTE, OFFSETS[i]))
                    : Integer.toUnsignedLong(info.get(ValueLayout.JAVA_INT, OFFSETS[i]));
        }
        return 0;
    }
}
