package io.holdfast;

import static io.holdfast.IntrospectionTestSupport.block;
import static io.holdfast.IntrospectionTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11: a callback that blocks on one loop of a group shows in that loop's slow-callback
 * report, and the group's other loop keeps serving (timers and an echo round trip) meanwhile.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingCallbackStallsOnlyItsLoopTest {
  private static final long BLOCK_MILLIS = 200;

  @Test
  void blockedLoopReportsTheCallbackWhileTheOtherLoopServes() throws Exception {
    int baseline = IntrospectionTestSupport.baselineFds();
    try (LoopGroup group = LoopGroup.create(2, "hf-stall-" + System.nanoTime())) {
      EventLoop blocked = group.loops().get(0);
      EventLoop free = group.loops().get(1);
      blocked.setSlowCallbackThreshold(Duration.ofMillis(50));

      CountDownLatch inside = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Timer blocker = Timer.create(blocked);
      blocker.start(0, () -> {
        long start = System.nanoTime();
        inside.countDown();
        try {
          release.await(120, TimeUnit.SECONDS); // released once the other loop proved progress
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        long spent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        block(BLOCK_MILLIS - spent); // at least BLOCK_MILLIS in all
      });
      assertTrue(inside.await(60, TimeUnit.SECONDS), "the blocking callback started");
      long blockedIterations = blocked.metrics().iterations();

      // While the first loop is stuck in the callback, the second fires timers and echoes.
      Timer ticker = Timer.create(free);
      AtomicInteger ticks = new AtomicInteger();
      ticker.start(1, 1, ticks::incrementAndGet);
      TcpListener listener = TcpListener.bind(free, new InetSocketAddress("127.0.0.1", 0));
      listener.listen(LoopGroupTestSupport::echo);
      TcpStream echoed = LoopGroupTestSupport.echoClient(free, listener.localAddress(), 64 * 1024)
          .get(60, TimeUnit.SECONDS);
      waitUntil(() -> ticks.get() >= 20, () -> "20 ticks on the free loop: " + ticks.get());
      assertTrue(inside.getCount() == 0 && release.getCount() == 1, "still blocked");
      // The blocked turn has not ended: its counters are where they were.
      assertEquals(blockedIterations, blocked.metrics().iterations(), "blocked loop did not turn");
      assertTrue(free.metrics().events() >= 20, free.metrics().toString());

      release.countDown();
      waitUntil(() -> blocked.metrics().slowCallbacks() >= 1,
          () -> "the blocked loop's report: " + blocked.metrics());
      LoopMetrics m = blocked.metrics();
      LoopMetrics.SlowCallback slow = m.recentSlowCallbacks().stream()
          .filter(s -> s.token() == blocker.token() && s.kind().equals("timer")).findFirst()
          .orElseThrow(() -> new AssertionError("blocker missing from " + m));
      assertEquals("Timer " + Handles.tokenString(blocker.token()), slow.handle());
      assertTrue(slow.duration().compareTo(Duration.ofMillis(BLOCK_MILLIS)) >= 0,
          slow.toString());
      assertTrue(m.iterations() > blockedIterations, "the blocked loop turns again: " + m);

      echoed.close();
      listener.close();
      ticker.close();
      blocker.close();
    }
    int now = CoreTestSupport.awaitFds(baseline, 60_000);
    assertTrue(now <= baseline, "fd leak: " + baseline + " before, " + now + " after");
  }
}
