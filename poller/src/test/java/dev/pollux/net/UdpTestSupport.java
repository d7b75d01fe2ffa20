package dev.pollux.net;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

/** Helpers for the UDP tests: IPv6 and loopback availability, descriptor counting. */
final class UdpTestSupport {
    private UdpTestSupport() {}

    /** [::1]:0, or the test is skipped when this machine has no IPv6 loopback (IPv6 disabled). */
    static InetSocketAddress ipv6LoopbackOrSkip() throws IOException {
        InetSocketAddress any6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        boolean available;
        try (UdpSocket probe = UdpSocket.bind(any6)) {
            available = true;
        } catch (java.net.BindException e) {
            available = false;
        }
        assumeTrue(available, "IPv6 is disabled on this machine: ::1 cannot be bound");
        return any6;
    }

    /** The loopback interface (the one holding 127.0.0.1). */
    static NetworkInterface loopback() throws SocketException {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        assumeTrue(lo != null, "no interface holds the loopback address");
        return lo;
    }

}
