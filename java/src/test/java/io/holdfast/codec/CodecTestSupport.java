package io.holdfast.codec;

import io.holdfast.EventLoop;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Helpers for the codec tests: loopback pairs, wire bytes, bounded waits, fd counting. */
final class CodecTestSupport {
  private CodecTestSupport() {}

  /** A connected pair: client side and the accepted server side (not reading). */
  record Pair(TcpStream client, TcpStream server, TcpListener listener) {
    void closeAll() {
      client.close();
      server.close();
      listener.close();
    }
  }

  static Pair connectedPair(EventLoop loop) throws Exception {
    return connectedPair(loop, TcpStream.Options.defaults());
  }

  static Pair connectedPair(EventLoop loop, TcpStream.Options serverOptions) throws Exception {
    TcpListener listener = TcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0),
        TcpListener.Options.defaults().streamOptions(serverOptions));
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

  /** The wire encoding of frames: each a 4-byte big-endian length and the payload. */
  static byte[] wire(List<byte[]> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      out.writeBytes(header(f.length));
      out.writeBytes(f);
    }
    return out.toByteArray();
  }

  static byte[] header(long length) {
    return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
        (byte) length};
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /** Waits until condition holds; false if it did not within millis. */
  static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) return false;
      Thread.sleep(1);
    }
    return true;
  }

  /** fd count after a full warm-up cycle, so the JVM's lazily opened fds are counted. */
  static int baselineFdCount() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("fd-warm-up");
      connectedPair(loop).closeAll();
    }
    return fdCount();
  }

  static int fdCount() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  static int awaitFdCount(int expected) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int n;
    while ((n = fdCount()) > expected && System.nanoTime() < until) Thread.sleep(10);
    return n;
  }
}
