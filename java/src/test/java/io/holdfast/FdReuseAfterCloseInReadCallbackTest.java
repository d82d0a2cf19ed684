package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * libuv's tcp_close_accept: streams are closed inside a read callback while more of their events
 * sit in the same batch, and new connections opened right away reuse their fd numbers. No event
 * of a closed stream may reach a new one: new streams must see only their own peer's bytes.
 */
class FdReuseAfterCloseInReadCallbackTest {
  @Test
  @Timeout(60)
  void eventsOfClosedStreamsNeverReachStreamsReusingTheirFds() throws Exception {
    int n = 16;
    try (EventLoop loop = EventLoop.create()) {
      TcpListener listener = TcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
      List<TcpStream> firstGeneration = new ArrayList<>();
      Set<Long> closedTokens = ConcurrentHashMap.newKeySet();
      AtomicInteger strayEvents = new AtomicInteger();
      AtomicInteger secondGenerationBytes = new AtomicInteger();
      CountDownLatch secondDone = new CountDownLatch(n);
      List<Socket> peers = new ArrayList<>();
      listener.listen(s -> {
        if (firstGeneration.size() < n) {
          firstGeneration.add(s);
          return;
        }
        s.tryReadStart((st, data) -> {
          // Second-generation peers send 'B' only; anything else came from a closed stream.
          while (data.hasRemaining()) {
            if (data.get() != 'B') strayEvents.incrementAndGet();
            else secondGenerationBytes.incrementAndGet();
          }
          if (secondGenerationBytes.get() == n) {
            for (int i = 0; i < n; i++) secondDone.countDown();
          }
        });
      });
      loop.start("fd-reuse-loop");
      for (int i = 0; i < n; i++) peers.add(new Socket("127.0.0.1", listener.localAddress().getPort()));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (listener.connectionCount() < n && System.nanoTime() < until) Thread.sleep(5);
      assertEquals(n, listener.connectionCount());
      // Every first-generation peer sends, so all their streams are readable in one batch.
      for (Socket p : peers) {
        OutputStream out = p.getOutputStream();
        out.write(new byte[] {'A', 'A', 'A', 'A'});
        out.flush();
      }
      Thread.sleep(50);
      CountDownLatch closedAll = new CountDownLatch(1);
      loop.execute(() -> {
        for (TcpStream s : firstGeneration) {
          s.tryReadStart((st, data) -> {
            if (closedTokens.contains(st.token())) strayEvents.incrementAndGet();
            // Close every first-generation stream from the first callback, then open new
            // sockets at once: they take the freed fd numbers while the batch still holds
            // the closed streams' events.
            for (TcpStream victim : firstGeneration) {
              if (closedTokens.add(victim.token())) victim.close();
            }
            closedAll.countDown();
          });
        }
      });
      assertTrue(closedAll.await(5, TimeUnit.SECONDS));
      List<Socket> second = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Socket p = new Socket("127.0.0.1", listener.localAddress().getPort());
        p.getOutputStream().write('B');
        second.add(p);
      }
      assertTrue(secondDone.await(10, TimeUnit.SECONDS), "second generation saw "
          + secondGenerationBytes.get() + " bytes");
      assertEquals(0, strayEvents.get());
      for (Socket p : peers) p.close();
      for (Socket p : second) p.close();
      listener.close();
    }
  }

  @Test
  @Timeout(60)
  void closeInsideCallbackAndReopenAtOnceKeepsFdCountFlat() throws Exception {
    int baseline = OwnershipTestSupport.baselineFdCount();
    try (EventLoop loop = EventLoop.create()) {
      loop.start("fd-cycle-loop");
      OwnershipTestSupport.Pair pair = OwnershipTestSupport.connectedPair(loop);
      for (int i = 0; i < 200; i++) {
        OwnershipTestSupport.Pair next = OwnershipTestSupport.connectedPair(loop);
        CountDownLatch got = new CountDownLatch(1);
        next.server().readStart((s, d) -> {
          s.close(); // closed from its own read callback
          got.countDown();
        });
        next.client().write(ByteBuffer.wrap(new byte[] {1, 2, 3}), null);
        assertTrue(got.await(5, TimeUnit.SECONDS));
        next.client().close();
        next.listener().close();
      }
      pair.client().close();
      pair.server().close();
      pair.listener().close();
    }
    OwnershipTestSupport.assertNoFdLeak(baseline);
  }
}
