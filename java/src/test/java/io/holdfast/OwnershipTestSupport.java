package io.holdfast;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Helpers for the ownership tests: a connected loopback pair on a started loop, fd counting. */
final class OwnershipTestSupport {
  private OwnershipTestSupport() {}

  /** A connected pair: client side and the accepted server side (not reading). */
  record Pair(TcpStream client, TcpStream server, TcpListener listener) {}

  static Pair connectedPair(EventLoop loop) throws Exception {
    TcpListener listener = TcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
    CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
    listener.listen(accepted::complete);
    CompletableFuture<TcpStream> connected = new CompletableFuture<>();
    TcpStream.connect(loop, listener.localAddress(), (s, err) -> {
      if (err != null) connected.completeExceptionally(err);
      else connected.complete(s);
    });
    return new Pair(connected.get(5, TimeUnit.SECONDS), accepted.get(5, TimeUnit.SECONDS),
        listener);
  }

  /**
   * The fd count to compare against after a test, taken after one full loop/connection cycle so
   * that the JVM's own lazily opened fds (entropy devices, the socket it opens to probe IPv6
   * support) are already counted.
   */
  static int baselineFdCount() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("fd-warm-up");
      Pair p = connectedPair(loop);
      p.client().close();
      p.server().close();
      p.listener().close();
    }
    return fdCount();
  }

  static int fdCount() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  /**
   * Fails if more fds are open than at baseline once closing settled. Fewer is fine: the JVM or a
   * forked child's pipes may close one of theirs meanwhile.
   */
  static void assertNoFdLeak(int baseline) throws InterruptedException {
    int now = awaitFdCount(baseline);
    if (now > baseline) {
      throw new AssertionError("fd leak: " + baseline + " open before, " + now + " after");
    }
  }

  /** Waits until the fd count is at most expected (closing happens on the loop thread). */
  static int awaitFdCount(int expected) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int n;
    while ((n = fdCount()) > expected && System.nanoTime() < until) Thread.sleep(10);
    return n;
  }
}
