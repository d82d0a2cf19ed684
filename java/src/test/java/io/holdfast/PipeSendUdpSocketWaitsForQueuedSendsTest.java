package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sends queued on a UdpSocket when it is passed over a pipe are not canceled: each completes once,
 * successfully, and its datagram goes out from the socket before the fd leaves; the pipe's send
 * completes, and the handle arrives, only after all of them. The sends and the move are
 * submitted while the loop is held busy, so every send is still queued when the socket turns
 * stale.
 */
class PipeSendUdpSocketWaitsForQueuedSendsTest {
  private static final int COUNT = 64;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void queuedSendsCompleteBeforeTheFdLeaves() throws Exception {
    UdpTestSupport.baselineFdCount();
    int baseline = PipeTestSupport.baselineFdCount();
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("udp-queued");
        DatagramSocket peer = PipeUdpPassSupport.peer()) {
      peer.setReceiveBufferSize(1 << 20);
      InetSocketAddress to = (InetSocketAddress) peer.getLocalSocketAddress();
      PipeStream.Pair pair = PipeStream.pair(r.loop);
      AtomicInteger completed = new AtomicInteger();
      List<String> order = new CopyOnWriteArrayList<>();
      CompletableFuture<Integer> completedAtArrival = new CompletableFuture<>();
      PipeUdpPassSupport.HandleCollector collector = new PipeUdpPassSupport.HandleCollector() {
        @Override
        public void onHandle(PipeStream pipe, Handle handle) {
          completedAtArrival.complete(completed.get());
          super.onHandle(pipe, handle);
        }
      };
      pair.second().readStart(collector);

      UdpSocket socket = PipeUdpPassSupport.bound(r.loop);
      int port = socket.localAddress().getPort();
      // The loop is held while the sends and the move are submitted: all of them are queued when
      // the socket turns stale.
      CountDownLatch hold = new CountDownLatch(1);
      CountDownLatch held = new CountDownLatch(1);
      r.loop.execute(() -> {
        held.countDown();
        try {
          hold.await(PipeUdpPassSupport.WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertTrue(held.await(PipeUdpPassSupport.WAIT_SECONDS, TimeUnit.SECONDS));
      List<IOException> errors = new CopyOnWriteArrayList<>();
      for (int i = 0; i < COUNT; i++) {
        int n = i;
        socket.send(UdpTestSupport.text("queued " + i), to, e -> {
          if (e != null) errors.add(e);
          order.add("send " + n);
          completed.incrementAndGet();
        });
      }
      CompletableFuture<IOException> passed = new CompletableFuture<>();
      pair.first().send(socket, e -> {
        order.add("pipe send");
        passed.complete(e);
      });
      assertEquals(HandleClosedException.Reason.MOVED, assertThrows(HandleClosedException.class,
          () -> socket.send(UdpTestSupport.text("late"), to, null)).reason());
      assertEquals(COUNT, socket.sendQueueCount(), "all sends queued");
      hold.countDown();

      assertNull(passed.get(PipeUdpPassSupport.WAIT_SECONDS, TimeUnit.SECONDS));
      assertEquals(List.of(), errors, "queued sends must not fail or be canceled");
      assertEquals(COUNT, completed.get());
      assertEquals(COUNT, (int) completedAtArrival.get(PipeUdpPassSupport.WAIT_SECONDS,
          TimeUnit.SECONDS), "sends completed when the handle arrived");
      assertEquals("pipe send", order.get(COUNT), () -> "completion order " + order);
      for (int i = 0; i < COUNT; i++) assertEquals("send " + i, order.get(i));
      assertEquals(0, socket.sendQueueCount());
      for (int i = 0; i < COUNT; i++) PipeUdpPassSupport.expect(peer, "queued " + i, port);

      Thread.sleep(100); // a callback run twice would show up here
      assertEquals(COUNT + 1, order.size(), () -> "completions " + order);
      collector.nextUdp().close();
      pair.second().close();
      pair.first().close();
    }
    OwnershipTestSupport.assertNoFdLeak(baseline);
  }
}
