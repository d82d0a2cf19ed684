package io.holdfast.bench;

/**
 * One transport under test, driven the same way for all three (Holdfast, Netty epoll, java.nio):
 * server loops and client loops on their own threads; the benchmark thread hands each batch to
 * the loops and waits on a {@link Completion}. Every batch is bounded in count and in time.
 */
public interface Transport extends AutoCloseable {
  /** Bytes per streaming write. */
  int CHUNK = 64 * 1024;
  /** Connects in flight during churn (the C floor uses the same). */
  int CHURN_WINDOW = 4;
  /** Write-queue water marks where a transport has them (Holdfast's defaults). */
  int LOW_WATER = 32 * 1024;
  int HIGH_WATER = 64 * 1024;

  /** What the server does with what it reads. */
  enum ServerKind { ECHO, SINK }

  /**
   * Starts the server (on serverLoops loops, 127.0.0.1, ephemeral port) and clientLoops client
   * loops, then opens connections client connections spread round robin over the client loops.
   */
  void start(ServerKind kind, int serverLoops, int clientLoops, int connections) throws Exception;

  /**
   * Every connection does roundTrips round trips of size bytes (write, wait for the whole echo,
   * check it); returns when all connections are done.
   */
  void pingPong(int size, int roundTrips) throws Exception;

  /** Every connection writes chunks 64 KiB writes; returns once the server has read them all. */
  void stream(int chunks) throws Exception;

  /**
   * On the first client loop, count times: connect, accept, close both ends ({@link
   * #CHURN_WINDOW} connects in flight); returns when all were accepted.
   */
  void churn(int count) throws Exception;

  /** Hands one task to the first client loop from this thread and spins until it ran. */
  void wakeUp() throws Exception;

  @Override
  void close() throws Exception;

  /** The transport named holdfast, netty or nio. */
  static Transport create(String name) {
    switch (name) {
      case "holdfast": return new HoldfastTransport();
      case "netty": return new NettyTransport();
      case "nio": return new NioTransport();
      default: throw new IllegalArgumentException("unknown transport: " + name);
    }
  }
}
