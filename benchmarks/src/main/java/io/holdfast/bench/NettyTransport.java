package io.holdfast.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Netty's native epoll transport. 4.2's {@code EpollEventLoopGroup} is a deprecated subclass of
 * {@link MultiThreadIoEventLoopGroup} with {@link EpollIoHandler}; this uses the latter directly.
 */
final class NettyTransport implements Transport {
  private final Completion done = new Completion();
  private EventLoopGroup servers;
  private EventLoopGroup clients;
  private final List<Client> connections = new ArrayList<>();
  private ByteBuf chunk;
  private Channel listener;
  private Sink sink;
  private Channel churnListener;
  private int churnToStart;
  private final WakeTask wakeTask = new WakeTask();

  @Override
  public void start(ServerKind kind, int serverLoops, int clientLoops, int count) throws Exception {
    Epoll.ensureAvailability();
    servers = new MultiThreadIoEventLoopGroup(serverLoops, EpollIoHandler.newFactory());
    clients = new MultiThreadIoEventLoopGroup(clientLoops, EpollIoHandler.newFactory());
    chunk = ByteBufAllocator.DEFAULT.directBuffer(CHUNK).writeZero(CHUNK);
    sink = kind == ServerKind.SINK ? new Sink() : null;
    listener = new ServerBootstrap().group(servers).channel(EpollServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(sink != null ? sink : new Echo())
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    Bootstrap b = new Bootstrap().group(clients).channel(EpollSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER, HIGH_WATER));
    for (int i = 0; i < count; i++) {
      Client c = new Client();
      b.handler(c);
      c.channel = b.connect(listener.localAddress()).sync().channel();
      connections.add(c);
    }
  }

  /** Writes back the buffer it read (Netty hands over ownership; no copy needed). */
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
  }

  /** Counts bytes on the server loop; signals when the batch's target arrived. */
  @ChannelHandler.Sharable
  private final class Sink extends ChannelInboundHandlerAdapter {
    private long received; // server loop only (one server loop for streaming)
    volatile long target;
    private long signalled;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      received += b.readableBytes();
      b.release();
      long t = target;
      if (received >= t && signalled < t) {
        signalled = t;
        done.countDown();
      }
    }
  }

  private final class Client extends ChannelInboundHandlerAdapter {
    Channel channel;
    private ByteBuf message;
    private int size;
    private int got;
    private int tripsLeft;
    private int chunksLeft;

    void startTrips(int messageSize, int trips) {
      if (message == null || size != messageSize) {
        if (message != null) message.release();
        message = channel.alloc().directBuffer(messageSize);
        for (int i = 0; i < messageSize; i++) message.writeByte(Message.byteAt(i));
        size = messageSize;
      }
      tripsLeft = trips;
      send();
    }

    private void send() {
      got = 0;
      channel.writeAndFlush(message.retainedDuplicate(), channel.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      try {
        int n = b.readableBytes();
        for (int i = 0; i < n; i++) {
          if (b.getByte(b.readerIndex() + i) != Message.byteAt(got + i)) {
            throw new IllegalStateException("echo differs at byte " + (got + i));
          }
        }
        got += n;
      } finally {
        b.release();
      }
      if (got < size) return;
      if (--tripsLeft > 0) send();
      else done.countDown();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.fail(cause);
    }

    void startChunks(int chunks) {
      chunksLeft += chunks;
      pump();
    }

    /** Writes while the channel is writable (below high water); writability brings us back. */
    void pump() {
      boolean wrote = false;
      while (chunksLeft > 0 && channel.isWritable()) {
        chunksLeft--;
        channel.write(chunk.retainedDuplicate(), channel.voidPromise());
        wrote = true;
      }
      if (wrote) channel.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) pump();
    }
  }

  @Override
  public void pingPong(int size, int roundTrips) throws Exception {
    done.reset(connections.size());
    for (Client c : connections) c.channel.eventLoop().execute(() -> c.startTrips(size, roundTrips));
    done.await();
  }

  @Override
  public void stream(int chunks) throws Exception {
    done.reset(1);
    sink.target += (long) chunks * CHUNK * connections.size();
    for (Client c : connections) c.channel.eventLoop().execute(() -> c.startChunks(chunks));
    done.await();
  }

  /** Closes every accepted connection and starts the next connect (one loop does both). */
  @ChannelHandler.Sharable
  private final class ChurnAcceptor extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.close();
      churnConnect(ctx.channel().eventLoop());
      done.countDown();
    }
  }

  private Bootstrap churnClient;

  /** The churn client's pipeline: it closes on connect, never reads. */
  @ChannelHandler.Sharable
  private static final class Ignore extends ChannelInboundHandlerAdapter {}

  private void churnConnect(EventLoop loop) {
    if (churnToStart == 0) return;
    churnToStart--;
    churnClient.connect(churnListener.localAddress()).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) f.channel().close();
      else done.fail(f.cause());
    });
  }

  @Override
  public void churn(int count) throws Exception {
    EventLoop loop = clients.next();
    if (churnListener == null) {
      EventLoop one = connections.isEmpty() ? loop : connections.get(0).channel.eventLoop();
      churnListener = new ServerBootstrap().group(one).channel(EpollServerSocketChannel.class)
          .childHandler(new ChurnAcceptor())
          .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
      churnClient = new Bootstrap().group(one).channel(EpollSocketChannel.class)
          .handler(new Ignore());
    }
    EventLoop one = churnListener.eventLoop();
    done.reset(count);
    one.execute(() -> {
      churnToStart = count;
      for (int i = 0; i < CHURN_WINDOW; i++) churnConnect(one);
    });
    done.await();
  }

  @Override
  public void wakeUp() throws Exception {
    wakeTask.runOn(connections.isEmpty() ? clients.next() : connections.get(0).channel.eventLoop());
  }

  private static final class WakeTask implements Runnable {
    private volatile long ran;
    private long posted;

    @Override
    public void run() {
      ran++; // only the loop thread writes it
    }

    void runOn(EventLoop loop) throws Exception {
      long want = ++posted;
      loop.execute(this);
      Spin.until(() -> ran == want);
    }
  }

  @Override
  public void close() throws Exception {
    for (Client c : connections) {
      c.channel.close().await(5, TimeUnit.SECONDS);
      if (c.message != null) c.message.release();
    }
    if (listener != null) listener.close().await(5, TimeUnit.SECONDS);
    if (churnListener != null) churnListener.close().await(5, TimeUnit.SECONDS);
    if (chunk != null) chunk.release();
    if (clients != null) clients.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    if (servers != null) servers.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }
}
