package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pollux.OpenFds;
import dev.pollux.unix.Pipe;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NonReadableChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatagramAndPipeTest {
    @Test
    void udpSendAndReceive() throws Exception {
        long fds = OpenFds.count();
        try (EventLoop loop = EventLoop.open()) {
            AsyncUdpSocket a = AsyncUdpSocket.bind(loop, new InetSocketAddress("127.0.0.1", 0));
            AsyncUdpSocket b = AsyncUdpSocket.bind(loop, new InetSocketAddress("127.0.0.1", 0));
            ByteBuffer dst = ByteBuffer.allocate(64);
            TaskHandle<InetSocketAddress> receiving = loop.spawn(b.receive(dst));
            int sent = loop.blockOn(a.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), b.localAddress()));
            assertEquals(5, sent);
            assertEquals(a.localAddress(), receiving.join(RuntimeTestSupport.LIVENESS));
            assertEquals("hello", new String(dst.array(), 0, dst.position(), StandardCharsets.UTF_8));
            a.close();
            b.close();
            assertEquals(0, loop.registrations());
        }
        OpenFds.assertBackTo(fds, "a loop and two UDP sockets");
    }

    @Test
    void aMegabyteThroughAPipeWaitsForRoomAndForData() throws Exception {
        long fds = OpenFds.count();
        try (EventLoop loop = EventLoop.open(); Pipe pipe = Pipe.open()) {
            AsyncStream<Pipe.Sender> out = AsyncStream.of(loop, pipe.sender());
            AsyncStream<Pipe.Receiver> in = AsyncStream.of(loop, pipe.receiver());
            byte[] data = new byte[1 << 20];
            for (int i = 0; i < data.length; i++) {
                data[i] = RuntimeTestSupport.pattern(3, i);
            }
            ByteBuffer back = ByteBuffer.allocateDirect(data.length);
            List<ByteBuffer> both = loop.blockOn(Async.all(out.writeAll(ByteBuffer.wrap(data)), in.readFully(back)));
            assertEquals(2, both.size());
            for (int i = 0; i < data.length; i++) {
                assertEquals(data[i], back.get(i));
            }
            assertThrows(NonReadableChannelException.class, () -> out.pollRead(null, ByteBuffer.allocate(1)));
            out.close();
            assertEquals(-1, loop.blockOn(in.read(ByteBuffer.allocate(1))));
            in.close();
        }
        OpenFds.assertBackTo(fds, "a loop and a pipe");
    }
}
