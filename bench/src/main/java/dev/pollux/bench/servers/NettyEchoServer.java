package dev.pollux.bench.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * The Netty peer of {@link PollEchoServer}: Netty 4.2's native (JNI) epoll transport with the
 * canonical echo handler (write on read, flush on read-complete, pooled direct buffers). One
 * event-loop group of {@code --threads} loops accepts and serves, so {@code --threads 1} is a
 * single event loop like the other servers' headline figure.
 */
public final class NettyEchoServer {
    private static final String NAME = "NettyEchoServer";

    private NettyEchoServer() {}

    /** Echoes what it reads; shared by every connection (it keeps no state). */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset peer costs only its connection
        }
    }

    public static void main(String[] args) throws Exception {
        ServerOptions options = ServerOptions.parse(NAME, args);
        Epoll.ensureAvailability();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(), EpollIoHandler.newFactory());
        Echo echo = new Echo();
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(echo)
                .bind(new InetSocketAddress("127.0.0.1", options.port()))
                .sync()
                .channel();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            stopped.countDown();
        }));
        ServerOptions.printReady(NAME, ((InetSocketAddress) server.localAddress()).getPort(), options.threads());
        stopped.await();
    }
}
