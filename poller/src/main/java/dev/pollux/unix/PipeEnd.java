package dev.pollux.unix;

import dev.pollux.Interest;
import dev.pollux.Registry;
import dev.pollux.Source;
import dev.pollux.Trigger;
import dev.pollux.internal.IoSource;
import java.io.IOException;
import java.nio.channels.Channel;

/** What both ends of a {@link Pipe} share: an owned descriptor that can be registered and closed. */
abstract sealed class PipeEnd implements Source, Channel permits Pipe.Sender, Pipe.Receiver {
    final IoSource io;

    PipeEnd(IoSource io) {
        this.io = io;
    }

    @Override
    public void register(Registry registry, long token, Interest interest, Trigger trigger) throws IOException {
        io.register(registry, token, interest, trigger);
    }

    @Override
    public void reregister(Registry registry, long token, Interest interest, Trigger trigger) throws IOException {
        io.reregister(registry, token, interest, trigger);
    }

    @Override
    public void deregister(Registry registry) throws IOException {
        io.deregister(registry);
    }

    @Override
    public boolean isOpen() {
        return io.isOpen();
    }
}
