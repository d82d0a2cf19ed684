package io.holdfast;

import static io.holdfast.IntrospectionTestSupport.block;
import static io.holdfast.IntrospectionTestSupport.turnUntil;
import static io.holdfast.IntrospectionTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** metrics() counts turns, events, tasks, idle time, lag and live handles by type. */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventLoopMetricsCountsIterationsTest {

  @Test
  void aNewLoopHasZeroCountersAndAName() {
    try (EventLoop loop = EventLoop.create()) {
      LoopMetrics m = loop.metrics();
      assertTrue(loop.name().startsWith("loop-"), loop.name());
      assertEquals(loop.name(), m.loopName());
      assertEquals(0, m.iterations());
      assertEquals(0, m.events());
      assertEquals(0, m.tasks());
      assertEquals(Duration.ZERO, m.idleInPoll());
      assertEquals(Duration.ZERO, m.lagMax());
      assertEquals(Duration.ZERO, m.lagMean());
      assertEquals(0, m.slowCallbacks());
      assertEquals(Map.of(), m.handlesByType());
      assertEquals(0, m.handleCount());
    }
    try (EventLoop named = EventLoop.create("metrics-named")) {
      assertEquals("metrics-named", named.name());
      assertEquals("metrics-named", named.metrics().loopName());
    }
  }

  @Test
  void turnsTimerEventsIdleTimeAndHandleTypesAreCounted() throws Exception {
    try (EventLoop loop = EventLoop.create("metrics-turns")) {
      Timer tick = Timer.create(loop);
      AtomicInteger fired = new AtomicInteger();
      tick.start(1, 1, fired::incrementAndGet);
      assertEquals(Map.of("Timer", 1), loop.metrics().handlesByType());
      turnUntil(loop, () -> fired.get() >= 20, "20 timer expiries");

      LoopMetrics m = loop.metrics();
      // A repeating timer fires at most once per poll: 20 expiries took 20 turns or more.
      assertTrue(m.iterations() >= 20, m.toString());
      assertTrue(m.events() >= fired.get(), m.toString());
      assertTrue(m.idleInPoll().toNanos() > 0, "a loop waiting for a timer was idle: " + m);
      assertFalse(m.lagMax().isNegative(), m.toString());
      assertTrue(m.lagMean().compareTo(m.lagMax()) <= 0, m.toString());

      TcpListener listener = TcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
      UdpSocket udp = UdpSocket.open(loop);
      assertEquals(Map.of("Timer", 1, "TcpListener", 1, "UdpSocket", 1),
          loop.metrics().handlesByType());
      assertEquals(3, loop.metrics().handleCount());
      listener.close();
      udp.close();
      tick.close();
      turnUntil(loop, () -> loop.metrics().handleCount() == 0, "the closes to be delivered");
      assertEquals(Map.of(), loop.metrics().handlesByType());

      LoopMetrics later = loop.metrics();
      assertTrue(later.iterations() >= m.iterations(), "counters never go back");
      assertTrue(later.events() >= m.events() + 3, "three close events more: " + later);
    }
  }

  @Test
  void lagOfAnEventIncludesTheCallbacksBeforeItInItsBatch() throws Exception {
    try (EventLoop loop = EventLoop.create("metrics-lag")) {
      loop.setSlowCallbackThreshold(Duration.ofHours(1));
      Timer first = Timer.create(loop);
      Timer second = Timer.create(loop);
      AtomicInteger fired = new AtomicInteger();
      // The loop is idle: both start now; both are due at the next poll, so they come in one
      // batch, in start order, and the second waits for the first's 100 ms.
      first.start(0, () -> {
        fired.incrementAndGet();
        block(100);
      });
      second.start(0, fired::incrementAndGet);
      turnUntil(loop, () -> fired.get() == 2, "both timers");
      LoopMetrics m = loop.metrics();
      assertTrue(m.lagMax().compareTo(Duration.ofMillis(100)) >= 0,
          "the second timer waited behind the first: " + m);
      assertTrue(m.lagMean().compareTo(Duration.ZERO) > 0, m.toString());
      assertTrue(m.lagMean().compareTo(m.lagMax()) <= 0, m.toString());
      assertEquals(0, m.slowCallbacks(), "nothing is slow against an hour");
    }
  }

  @Test
  void metricsAreReadableFromAnotherThreadWhileTheLoopRuns() throws Exception {
    try (EventLoop loop = EventLoop.create("metrics-running")) {
      loop.start("hf-metrics-running");
      Timer tick = Timer.create(loop);
      tick.start(1, 1, () -> {});
      AtomicLong lastIterations = new AtomicLong();
      AtomicLong lastEvents = new AtomicLong();
      waitUntil(() -> {
        LoopMetrics m = loop.metrics();
        assertTrue(m.iterations() >= lastIterations.get(), "iterations went back: " + m);
        assertTrue(m.events() >= lastEvents.get(), "events went back: " + m);
        lastIterations.set(m.iterations());
        lastEvents.set(m.events());
        return m.iterations() >= 50 && m.events() >= 20;
      }, () -> "50 turns and 20 events: " + loop.metrics());

      long tasksBefore = loop.metrics().tasks();
      CountDownLatch ran = new CountDownLatch(100);
      for (int i = 0; i < 100; i++) loop.execute(ran::countDown);
      assertTrue(ran.await(60, TimeUnit.SECONDS), "tasks ran");
      waitUntil(() -> loop.metrics().tasks() >= tasksBefore + 100,
          () -> "100 tasks counted: " + loop.metrics());
    }
  }
}
