package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.UdpTestSupport.Collector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing a socket with queued sends completes each callback exactly once, in order, with
 * OperationCanceledException, before the close callbacks; none of them is sent.
 */
class UdpCloseCancelsQueuedSendsTest {
  private static final int COUNT = 50;

  @Test
  @Timeout(30)
  void queuedSendsAreCanceledOnce() throws Exception {
    int fds = UdpTestSupport.baselineFdCount();
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-cancel");
      Collector in = new Collector();
      UdpSocket rx = UdpTestSupport.receiver(loop, UdpTestSupport.LOOPBACK4, in);
      UdpSocket tx = UdpSocket.open(loop);
      tx.bind(UdpTestSupport.LOOPBACK4); // bound now: sends below need no loop turn

      // Hold the loop thread so the sends stay queued.
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      loop.execute(() -> {
        holding.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertTrue(holding.await(5, TimeUnit.SECONDS));
      List<String> events = Collections.synchronizedList(new ArrayList<>());
      List<IOException> errors = Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < COUNT; i++) {
        int seq = i;
        tx.send(UdpTestSupport.text("never-" + i), rx.localAddress(), error -> {
          events.add("send " + seq);
          errors.add(error);
        });
      }
      assertEquals(COUNT, tx.sendQueueCount());
      assertTrue(tx.sendQueueSize() > 0);
      tx.onClose(() -> events.add("closed"));
      tx.close();
      release.countDown();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!events.contains("closed") && System.nanoTime() < deadline) Thread.sleep(5);
      Thread.sleep(50); // nothing may follow
      assertEquals(COUNT + 1, events.size(), events.toString());
      for (int i = 0; i < COUNT; i++) assertEquals("send " + i, events.get(i));
      assertEquals("closed", events.get(COUNT));
      for (IOException e : errors) assertInstanceOf(OperationCanceledException.class, e);
      assertEquals(0, tx.sendQueueCount());
      assertEquals(0, tx.sendQueueSize());
      assertNull(in.datagrams.poll(100, TimeUnit.MILLISECONDS));
      rx.close();
    }
    assertEquals(fds, OwnershipTestSupport.awaitFdCount(fds));
  }
}
