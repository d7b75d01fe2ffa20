package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.OpenFds;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** 1,000 concurrent echo connections through the executor, every byte checked. */
class EchoServerTest {
    private static final int CONNECTIONS = 1000;

    @Test
    void thousandConnectionsOnOneLoop() throws Exception {
        run(1, TcpServer.Spread.forThisOs());
    }

    @Test
    void thousandConnectionsOnTwoLoopsWithTheOsDefaultSpread() throws Exception {
        run(2, TcpServer.Spread.forThisOs());
    }

    @Test
    void thousandConnectionsOnTwoLoopsHandedOffByOneAcceptor() throws Exception {
        run(2, TcpServer.Spread.HAND_OFF);
    }

    private static void run(int loops, TcpServer.Spread spread) throws Exception {

        RuntimeTestSupport.assumeReadAndWriteOnOneDescriptor();
        long fdsBefore = OpenFds.count();
        ConcurrentHashMap<String, AtomicInteger> perLoop = new ConcurrentHashMap<>();
        long checked = 0;
        try (EventLoopGroup servers = EventLoopGroup.open(loops); EventLoopGroup clients = EventLoopGroup.open(1)) {
            TcpServer server = servers.serve(new InetSocketAddress("127.0.0.1", 0), stream -> {
                perLoop.computeIfAbsent(stream.loop().name(), k -> new AtomicInteger()).incrementAndGet();
                return new EchoTasks.Echo(stream);
            }, spread);
            List<TaskHandle<Long>> handles = new ArrayList<>();
            long expected = 0;
            for (int i = 0; i < CONNECTIONS; i++) {
                long size = 4096 + (i * 977L) % 20000;
                expected += size;
                handles.add(clients.spawn(new EchoTasks.Client(i, size, server.localAddress())));
            }
            for (TaskHandle<Long> h : handles) {
                checked += h.join(RuntimeTestSupport.LIVENESS);
            }
            assertEquals(expected, checked);
            assertEquals(CONNECTIONS, server.acceptedConnections());
            assertEquals(0, server.failedConnections());
            assertEquals(loops, perLoop.size(), "every loop served connections: " + perLoop);
            server.close();
            // The server side closes each stream when its echo task ends (the client closed first).
            long deadline = System.nanoTime() + RuntimeTestSupport.LIVENESS.toNanos();
            while (totalRegistrations(servers) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, totalRegistrations(servers));
        }
        OpenFds.assertBackTo(fdsBefore, loops + " loop(s) serving 1,000 echo connections");
        RuntimeTestSupport.assertNoRuntimeThreads();
        assertTrue(checked > 0);
    }

    private static int totalRegistrations(EventLoopGroup group) {
        int n = 0;
        for (int i = 0; i < group.size(); i++) {
            n += group.loop(i).registrations();
        }
        return n;
    }

    @Test
    void aGroupSpawnsRoundRobin() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.open(2)) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                names.add(group.<String>spawn(cx -> EventLoop.current().name()).join(Duration.ofSeconds(30)));
            }
            assertEquals(names.get(0), names.get(2));
            assertEquals(names.get(1), names.get(3));
            assertTrue(!names.get(0).equals(names.get(1)));
        }
    }
}
