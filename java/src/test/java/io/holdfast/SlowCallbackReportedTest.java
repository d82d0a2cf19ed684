package io.holdfast;

import static io.holdfast.IntrospectionTestSupport.block;
import static io.holdfast.IntrospectionTestSupport.turnUntil;
import static io.holdfast.IntrospectionTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A callback or task that holds the loop thread past the threshold shows in metrics(). */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlowCallbackReportedTest {
  private static final Duration THRESHOLD = Duration.ofMillis(50);
  private static final Duration BLOCK = Duration.ofMillis(200);

  @Test
  void thresholdDefaultsTo50MillisAndRejectsNonPositiveValues() {
    try (EventLoop loop = EventLoop.create()) {
      if (System.getProperty("holdfast.slowCallbackThresholdMillis") == null) {
        assertEquals(THRESHOLD, loop.slowCallbackThreshold());
      }
      assertThrows(NullPointerException.class, () -> loop.setSlowCallbackThreshold(null));
      assertThrows(IllegalArgumentException.class,
          () -> loop.setSlowCallbackThreshold(Duration.ZERO));
      assertThrows(IllegalArgumentException.class,
          () -> loop.setSlowCallbackThreshold(Duration.ofMillis(-1)));
      loop.setSlowCallbackThreshold(Duration.ofMillis(75));
      assertEquals(Duration.ofMillis(75), loop.slowCallbackThreshold());
      assertEquals(Duration.ofMillis(75), loop.metrics().slowCallbackThreshold());
    }
  }

  @Test
  void blockingTimerCallbackIsReportedWithItsHandleAndDuration() throws Exception {
    try (EventLoop loop = EventLoop.create("slow-timer")) {
      loop.setSlowCallbackThreshold(THRESHOLD);
      Timer timer = Timer.create(loop);
      AtomicBoolean fired = new AtomicBoolean();
      timer.start(0, () -> {
        block(BLOCK.toMillis());
        fired.set(true);
      });
      turnUntil(loop, fired::get, "the blocking timer");

      LoopMetrics m = loop.metrics();
      assertTrue(m.slowCallbacks() >= 1, m.toString());
      LoopMetrics.SlowCallback slow = find(m, timer.token());
      assertEquals("Timer " + Handles.tokenString(timer.token()), slow.handle());
      assertEquals("timer", slow.kind());
      assertTrue(slow.duration().compareTo(BLOCK) >= 0, "duration " + slow.duration());
      assertTrue(m.recentSlowCallbacks().size() <= 8, m.toString());

      // Against an hour nothing is slow: a quick callback adds no report.
      loop.setSlowCallbackThreshold(Duration.ofHours(1));
      long before = loop.metrics().slowCallbacks();
      AtomicBoolean quick = new AtomicBoolean();
      timer.start(0, () -> quick.set(true));
      turnUntil(loop, quick::get, "the quick timer");
      assertEquals(before, loop.metrics().slowCallbacks());
    }
  }

  @Test
  void blockingTaskIsReportedAsATask() throws Exception {
    try (EventLoop loop = EventLoop.create("slow-task")) {
      loop.setSlowCallbackThreshold(THRESHOLD);
      loop.start("hf-slow-task");
      loop.execute(() -> block(BLOCK.toMillis()));
      waitUntil(() -> loop.metrics().slowCallbacks() >= 1,
          () -> "a slow task: " + loop.metrics());
      LoopMetrics.SlowCallback slow = loop.metrics().recentSlowCallbacks().get(0);
      assertEquals("task", slow.handle());
      assertEquals("task", slow.kind());
      assertEquals(0, slow.token());
      assertTrue(slow.duration().compareTo(BLOCK) >= 0, "duration " + slow.duration());
    }
  }

  @Test
  void onlyTheLastEightAreKeptOldestFirst() throws Exception {
    try (EventLoop loop = EventLoop.create("slow-many")) {
      loop.setSlowCallbackThreshold(Duration.ofMillis(1));
      List<Long> order = new CopyOnWriteArrayList<>();
      List<Timer> timers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        Timer t = Timer.create(loop);
        timers.add(t);
        t.start(0, () -> {
          order.add(t.token());
          block(5); // past the 1 ms threshold, however fast the machine
        });
      }
      turnUntil(loop, () -> order.size() == 12, "12 timers");
      LoopMetrics m = loop.metrics();
      assertTrue(m.slowCallbacks() >= 12, m.toString());
      List<LoopMetrics.SlowCallback> recent = m.recentSlowCallbacks();
      assertEquals(8, recent.size(), recent.toString());
      // Nothing else ran on the loop (the timers started on the idle loop, without tasks): the
      // last eight are the last eight timers, in the order they fired.
      List<Long> tokens = new ArrayList<>();
      for (LoopMetrics.SlowCallback s : recent) tokens.add(s.token());
      assertEquals(order.subList(4, 12), tokens, recent.toString());
      assertThrows(UnsupportedOperationException.class, () -> recent.clear());
    }
  }

  private static LoopMetrics.SlowCallback find(LoopMetrics m, long token) {
    for (LoopMetrics.SlowCallback s : m.recentSlowCallbacks()) {
      if (s.token() == token) return s;
    }
    throw new AssertionError("no slow callback of token " + token + " in " + m);
  }
}
