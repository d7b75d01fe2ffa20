package dev.pollux.bench.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the event loops of an echo server written directly on an event queue (Pollux's Poll, the
 * JDK's Selector): one platform thread per loop, the ready line, and a shutdown hook that on
 * SIGINT/SIGTERM stops every loop and waits until each has closed its sockets.
 */
final class EchoLoops {
    /** One event loop: {@link #run()} serves until {@link #stop()}, called from another thread, ends it. */
    interface Loop {
        void run() throws IOException;

        void stop();
    }

    private EchoLoops() {}

    /** Starts {@code loops}, prints the ready line for {@code port}, and returns once all have stopped. */
    static void runUntilSignalled(String name, int port, List<? extends Loop> loops) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(loops.size());
        for (int i = 0; i < loops.size(); i++) {
            Loop loop = loops.get(i);
            Thread.ofPlatform().name(name + "-loop-" + i).start(() -> {
                try {
                    loop.run();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    stopped.countDown();
                }
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            loops.forEach(Loop::stop);
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown"));
        ServerOptions.printReady(name, port, loops.size());
        stopped.await();
    }
}
