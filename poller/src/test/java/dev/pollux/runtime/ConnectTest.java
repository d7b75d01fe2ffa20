package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pollux.OsException;
import dev.pollux.net.TcpListener;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The executor's connect reports a refused connection with the OS's error, on every backend. */
class ConnectTest {

    @Test
    void aRefusedConnectFailsWithEconnrefused() throws Exception {
        RuntimeTestSupport.assumeReadAndWriteOnOneDescriptor();
        InetSocketAddress closed;
        try (TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closed = listener.localAddress();
        }
        try (EventLoop loop = EventLoop.open()) {
            TaskHandle<AsyncStream<dev.pollux.net.TcpStream>> h = loop.spawn(AsyncStream.connect(closed));
            ExecutionException failed = assertThrows(ExecutionException.class, () -> h.join(RuntimeTestSupport.LIVENESS));
            ConnectException e = assertInstanceOf(ConnectException.class, failed.getCause());
            // Also on libkqueue, which clears SO_ERROR to build the event: the Poll kept it.
            assertEquals("ECONNREFUSED", assertInstanceOf(OsException.class, e.getCause(), e::toString).codeName());
        }
    }
}
