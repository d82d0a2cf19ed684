package io.holdfast;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Helpers for the UDP tests: a collecting receiver, callback futures, fd baselines. */
final class UdpTestSupport {
  private UdpTestSupport() {}

  static final InetSocketAddress LOOPBACK4 = new InetSocketAddress("127.0.0.1", 0);
  static final InetSocketAddress LOOPBACK6 = new InetSocketAddress("::1", 0);

  /** One received datagram, copied out of the arena. */
  record Datagram(byte[] data, InetSocketAddress sender, boolean truncated, String thread) {
    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  /** A handler that copies each datagram into a queue. */
  static final class Collector implements DatagramHandler {
    final BlockingQueue<Datagram> datagrams = new LinkedBlockingQueue<>();
    final BlockingQueue<IOException> errors = new LinkedBlockingQueue<>();

    @Override
    public void onDatagram(UdpSocket socket, ByteBuffer data, InetSocketAddress sender,
        boolean truncated) {
      byte[] copy = new byte[data.remaining()];
      data.get(copy);
      datagrams.add(new Datagram(copy, sender, truncated, Thread.currentThread().getName()));
    }

    @Override
    public void onError(UdpSocket socket, IOException error) {
      errors.add(error);
    }

    /** The next datagram, failing the test after 5 s. */
    Datagram next() throws InterruptedException {
      Datagram d = datagrams.poll(5, TimeUnit.SECONDS);
      if (d == null) throw new AssertionError("no datagram within 5 s");
      return d;
    }
  }

  /** A callback whose outcome a test can wait for; it fails if called twice. */
  static final class Outcome implements Callback {
    final CompletableFuture<IOException> result = new CompletableFuture<>();
    volatile int calls;

    @Override
    public void onComplete(IOException error) {
      calls++;
      if (!result.complete(error)) throw new AssertionError("callback called twice");
    }

    /** Waits for the outcome: null for success. */
    IOException await() throws Exception {
      return result.get(5, TimeUnit.SECONDS);
    }
  }

  static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A socket bound to address (port 0) and receiving into a new collector. */
  static UdpSocket receiver(EventLoop loop, InetSocketAddress address, Collector collector)
      throws IOException {
    UdpSocket s = UdpSocket.open(loop);
    s.bind(address);
    s.recvStart(collector);
    return s;
  }

  /** An fd baseline taken after a TCP and a UDP cycle (the JVM opens some fds lazily). */
  static int baselineFdCount() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-fd-warm-up");
      Collector c = new Collector();
      UdpSocket rx = receiver(loop, LOOPBACK4, c);
      UdpSocket tx = UdpSocket.open(loop);
      tx.send(text("warm-up"), rx.localAddress(), null);
      c.next();
      tx.close();
      rx.close();
    }
    return OwnershipTestSupport.baselineFdCount();
  }
}
