package io.holdfast.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Netty's EpollDatagramChannel, connected: the echo writes back the buffer it received. */
final class NettyUdp implements UdpPingPong {
  private final Completion done = new Completion();
  private EventLoopGroup serverLoop;
  private EventLoopGroup clientLoop;
  private Channel server;
  private Channel client;
  private ByteBuf message;
  private int tripsLeft;

  private static ByteBuf content(Object msg) {
    return msg instanceof DatagramPacket ? ((DatagramPacket) msg).content() : (ByteBuf) msg;
  }

  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(content(msg), ctx.voidPromise()); // the write releases it
    }
  }

  private final class Client extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = content(msg);
      try {
        if (b.readableBytes() != message.readableBytes()) {
          throw new IllegalStateException("echo of " + b.readableBytes() + " bytes");
        }
        for (int i = 0; i < b.readableBytes(); i++) {
          if (b.getByte(b.readerIndex() + i) != Message.byteAt(i)) {
            throw new IllegalStateException("echo differs at byte " + i);
          }
        }
      } finally {
        b.release();
      }
      if (--tripsLeft > 0) send();
      else done.countDown();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.fail(cause);
    }
  }

  @Override
  public void start() throws Exception {
    Epoll.ensureAvailability();
    serverLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    clientLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    server = new Bootstrap().group(serverLoop).channel(EpollDatagramChannel.class)
        .handler(new Echo()).bind(any).sync().channel();
    client = new Bootstrap().group(clientLoop).channel(EpollDatagramChannel.class)
        .handler(new Client()).bind(any).sync().channel();
    client.connect(server.localAddress()).sync();
    server.connect(client.localAddress()).sync();
  }

  private void send() {
    client.writeAndFlush(message.retainedDuplicate(), client.voidPromise());
  }

  @Override
  public void roundTrips(int size, int roundTrips) throws Exception {
    done.reset(1);
    client.eventLoop().execute(() -> {
      if (message == null || message.readableBytes() != size) {
        if (message != null) message.release();
        message = client.alloc().directBuffer(size);
        for (int i = 0; i < size; i++) message.writeByte(Message.byteAt(i));
      }
      tripsLeft = roundTrips;
      send();
    });
    done.await();
  }

  @Override
  public void close() throws Exception {
    if (client != null) client.close().await(5, TimeUnit.SECONDS);
    if (server != null) server.close().await(5, TimeUnit.SECONDS);
    if (message != null) message.release();
    if (clientLoop != null) clientLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    if (serverLoop != null) serverLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }
}
