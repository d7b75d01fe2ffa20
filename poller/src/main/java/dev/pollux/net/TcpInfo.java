package dev.pollux.net;

/**
 * A snapshot of the kernel's view of a TCP connection ({@code TCP_INFO}), read with
 * {@code stream.getOption(PolluxSocketOptions.TCP_INFO)}. Field names follow Linux's
 * {@code struct tcp_info} (without the {@code tcpi_} prefix); times are in microseconds unless
 * named {@code ...Millis}; sizes in bytes; windows and counts in segments. Immutable.
 *
 * @param state the TCP state (1 = ESTABLISHED ... 10 = LISTEN, as in linux/tcp_states.h)
 * @param congestionState the congestion-avoidance state ({@code tcpi_ca_state})
 * @param retransmits retransmissions of the current unacknowledged segment
 * @param probes zero-window or keep-alive probes sent without answer
 * @param backoff the retransmission timer's exponential backoff
 * @param options negotiated options (bit set: timestamps, SACK, window scaling, ECN...)
 * @param rtoMicros the retransmission timeout
 * @param atoMicros the delayed-ACK timeout
 * @param sendMss the sending maximum segment size
 * @param receiveMss the receiving maximum segment size (as estimated)
 * @param unacked segments sent and not yet acknowledged
 * @param sacked segments selectively acknowledged
 * @param lost segments considered lost
 * @param retrans segments being retransmitted
 * @param fackets forward-acknowledged segments
 * @param lastDataSentMillis time since data was last sent
 * @param lastAckSentMillis time since an ACK was last sent (not tracked by Linux: 0)
 * @param lastDataReceivedMillis time since data was last received
 * @param lastAckReceivedMillis time since an ACK was last received
 * @param pathMtu the path MTU
 * @param receiveSlowStartThreshold the receive slow-start threshold
 * @param rttMicros the smoothed round-trip time
 * @param rttVarianceMicros the round-trip time's mean deviation
 * @param sendSlowStartThreshold the send slow-start threshold
 * @param sendCongestionWindow the congestion window
 * @param advertisedMss the advertised maximum segment size
 * @param reordering the reordering metric
 * @param receiveRttMicros the receiver-side round-trip estimate
 * @param receiveSpace the receive buffer space the kernel plans for
 * @param totalRetransmits retransmissions over the connection's life
 */
public record TcpInfo(
        long state,
        long congestionState,
        long retransmits,
        long probes,
        long backoff,
        long options,
        long rtoMicros,
        long atoMicros,
        long sendMss,
        long receiveMss,
        long unacked,
        long sacked,
        long lost,
        long retrans,
        long fackets,
        long lastDataSentMillis,
        long lastAckSentMillis,
        long lastDataReceivedMillis,
        long lastAckReceivedMillis,
        long pathMtu,
        long receiveSlowStartThreshold,
        long rttMicros,
        long rttVarianceMicros,
        long sendSlowStartThreshold,
        long sendCongestionWindow,
        long advertisedMss,
        long reordering,
        long receiveRttMicros,
        long receiveSpace,
        long totalRetransmits) {

    /** Number of components, in declaration order (the order {@code TCP_INFO} values are read in). */
    static final int FIELD_COUNT = 30;

    /** {@code tcpi_state} of an established connection. */
    public static final int STATE_ESTABLISHED = 1;

    /** Builds a snapshot from values in component order. */
    static TcpInfo of(long[] v) {
        return new TcpInfo(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
                v[13], v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23], v[24], v[25],
                v[26], v[27], v[28], v[29]);
    }
}
