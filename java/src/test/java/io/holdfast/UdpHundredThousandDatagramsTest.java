package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 sequence-numbered datagrams over loopback, paced by a window of datagrams in flight
 * (sent, not yet received), all arrive exactly once; every send callback runs once, in order.
 */
class UdpHundredThousandDatagramsTest {
  private static final int TOTAL = 100_000;
  private static final int WINDOW = 64;

  /** All on the loop thread: the receiver refills the window, so the kernel buffer never fills. */
  private static final class Run {
    final UdpSocket tx;
    final InetSocketAddress to;
    final BitSet seen = new BitSet(TOTAL);
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicReference<String> problem = new AtomicReference<>();
    final ByteBuffer payload = ByteBuffer.allocate(64);
    int sent;
    int received;
    int completed;

    Run(UdpSocket tx, InetSocketAddress to) {
      this.tx = tx;
      this.to = to;
    }

    void fill() {
      while (sent < TOTAL && sent - received < WINDOW) {
        int seq = sent++;
        payload.clear();
        payload.putInt(0, seq);
        try {
          tx.send(payload, to, error -> onSent(seq, error));
        } catch (IOException e) {
          fail("send " + seq + ": " + e);
        }
      }
    }

    void onSent(int seq, IOException error) {
      if (error != null) fail("send " + seq + " failed: " + error);
      if (seq != completed) fail("send callback " + seq + " came when " + completed + " was due");
      completed++;
      finishIfDone();
    }

    void onDatagram(ByteBuffer data) {
      int seq = data.getInt(data.position());
      if (data.remaining() != 64 || seq < 0 || seq >= TOTAL) fail("bad datagram " + seq);
      else if (seen.get(seq)) fail("datagram " + seq + " twice");
      seen.set(seq);
      received++;
      fill();
      finishIfDone();
    }

    void fail(String why) {
      problem.compareAndSet(null, why);
      done.complete(null);
    }

    void finishIfDone() {
      if (received == TOTAL && completed == TOTAL) done.complete(null);
    }
  }

  @Test
  @Timeout(120)
  void everyDatagramArrivesExactlyOnce() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-100k");
      UdpSocket rx = UdpSocket.open(loop, UdpSocket.Options.defaults().maxDatagramSize(2048));
      rx.bind(UdpTestSupport.LOOPBACK4);
      UdpSocket tx = UdpSocket.open(loop);
      tx.bind(UdpTestSupport.LOOPBACK4);
      Run run = new Run(tx, rx.localAddress());
      rx.recvStart((s, data, from, truncated) -> {
        if (truncated || !from.equals(tx.localAddress())) run.fail("unexpected datagram from " + from);
        run.onDatagram(data);
      });
      loop.execute(run::fill);
      try {
        run.done.get(90, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        // A lost datagram stalls the window: report how far it got.
        throw new AssertionError("stalled: sent " + run.sent + ", received " + run.received
            + ", completed " + run.completed, e);
      }
      assertNull(run.problem.get());
      assertEquals(TOTAL, run.seen.cardinality());
      assertEquals(TOTAL, run.completed);
      assertEquals(0, tx.sendQueueCount());
    }
  }
}
