package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.Pair;
import io.holdfast.TcpTestSupport.RunningLoop;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * setTimeout notifies (on the loop thread) when the stream was idle that long and does not close
 * it; activity postpones the notification; setTimeout(0) turns it off.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpIdleTimeoutNotifiesTest {
  private RunningLoop rl;

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  @Test
  void idleStreamIsNotifiedNotClosed() throws Exception {
    rl = new RunningLoop("tcp-idle");
    try (Pair p = TcpTestSupport.pair(rl.loop)) {
      AtomicInteger fired = new AtomicInteger();
      CountDownLatch twice = new CountDownLatch(2);
      long start = System.nanoTime();
      p.server.setTimeout(100, () -> {
        if (!rl.loop.inEventLoop()) throw new AssertionError("not on the loop thread");
        fired.incrementAndGet();
        twice.countDown();
      });
      TcpTestSupport.await(twice, "two idle notifications");
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(elapsed >= 195, "two full idle periods passed: " + elapsed + " ms");
      assertTrue(p.server.isOpen(), "a timeout notifies, it does not close");

      // Still usable after the notifications.
      CountDownLatch got = new CountDownLatch(1);
      p.client.readStart((s, d) -> got.countDown());
      p.server.write(ByteBuffer.wrap(new byte[] {1}), null);
      TcpTestSupport.await(got, "data after the idle notifications");

      // Off: no more notifications.
      p.server.setTimeout(0, null);
      rl.run(() -> { });
      int after = fired.get();
      Thread.sleep(300);
      assertEquals(after, fired.get(), "setTimeout(0) disables the notification");
      assertTrue(p.server.isOpen());
    }
  }

  @Test
  void activityPostponesTheNotification() throws Exception {
    rl = new RunningLoop("tcp-idle");
    try (Pair p = TcpTestSupport.pair(rl.loop)) {
      AtomicInteger fired = new AtomicInteger();
      AtomicInteger ticks = new AtomicInteger();
      // Writes every 20 ms, driven by a timer on the loop itself, keep the stream busy for
      // ~600 ms against a 500 ms idle timeout; the notification comes only after they stop.
      Timer ticker = Timer.create(rl.loop);
      p.server.setTimeout(500, fired::incrementAndGet);
      ticker.start(0, 20, () -> {
        if (ticks.incrementAndGet() > 30) {
          TcpTestSupport.unchecked(ticker::stop);
          return;
        }
        TcpTestSupport.uncheckedWrite(p.server, ByteBuffer.wrap(new byte[] {1}));
      });
      TcpTestSupport.waitUntil(() -> ticks.get() > 30, "ticks done");
      assertEquals(0, fired.get(), "no notification while writes complete every 20 ms");
      TcpTestSupport.waitUntil(() -> fired.get() > 0, "notification once idle");
      ticker.close();
    }
  }
}
