package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** run() returns once nothing referenced is active; unref'd handles do not keep it alive. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventLoopRunReturnsWhenIdleTest {

  @Test
  void emptyLoopRunReturnsAtOnce() {
    try (EventLoop loop = EventLoop.create()) {
      long t0 = System.nanoTime();
      loop.run();
      loop.run(); // and again: run() is repeatable
      assertTrue(elapsedMillis(t0) < 1000, "run() of an empty loop took " + elapsedMillis(t0));
      assertFalse(loop.runOnce(), "runOnce() of an empty loop reports work");
    }
  }

  @Test
  void stoppedTimerDoesNotKeepLoopAlive() {
    try (EventLoop loop = EventLoop.create()) {
      Timer.create(loop); // created, never started
      long t0 = System.nanoTime();
      loop.run();
      assertTrue(elapsedMillis(t0) < 1000, "run() took " + elapsedMillis(t0) + " ms");
    }
  }

  @Test
  void unrefdStartedTimerDoesNotKeepLoopAlive() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      AtomicInteger fired = new AtomicInteger();
      Timer timer = Timer.create(loop);
      timer.start(10_000, fired::incrementAndGet);
      timer.unref();
      assertFalse(timer.hasRef());
      assertTrue(timer.isScheduled());
      long t0 = System.nanoTime();
      loop.run();
      long took = elapsedMillis(t0);
      assertTrue(took < 1000, "run() with only an unref'd timer took " + took + " ms");
      assertEquals(0, fired.get(), "the unref'd timer fired although it was 10 s away");
      assertTrue(timer.isScheduled(), "run() returning must not stop the timer");
    }
  }

  @Test
  void refdTimerKeepsLoopAliveUntilItFires() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      AtomicInteger fired = new AtomicInteger();
      Timer timer = Timer.create(loop);
      long t0 = System.nanoTime();
      timer.start(200, fired::incrementAndGet);
      loop.run();
      long took = elapsedMillis(t0);
      assertEquals(1, fired.get(), "run() returned before the referenced timer fired");
      assertTrue(took >= 190, "run() returned after " + took + " ms, before the 200 ms timer");
      assertTrue(took < 5000, "run() returned only after " + took + " ms");
      assertFalse(timer.isScheduled());
    }
  }

  @Test
  void unrefThenRefKeepsLoopAliveAgain() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      AtomicInteger fired = new AtomicInteger();
      Timer timer = Timer.create(loop);
      timer.start(100, fired::incrementAndGet);
      timer.unref();
      timer.ref();
      assertTrue(timer.hasRef());
      loop.run();
      assertEquals(1, fired.get(), "a re-ref'd timer did not keep run() alive");
    }
  }

  @Test
  void unrefdTimerStillFiresWhileSomethingElseKeepsLoopAlive() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      AtomicInteger order = new AtomicInteger();
      int[] seen = new int[2];
      Timer unrefd = Timer.create(loop);
      unrefd.start(50, () -> seen[0] = order.incrementAndGet());
      unrefd.unref();
      Timer refd = Timer.create(loop);
      refd.start(300, () -> seen[1] = order.incrementAndGet());
      loop.run();
      assertEquals(1, seen[0], "unref'd timer due earlier did not fire while the loop ran");
      assertEquals(2, seen[1]);
    }
  }

  @Test
  void closingTheLastReferencedHandleLetsRunReturn() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      AtomicInteger fired = new AtomicInteger();
      Timer far = Timer.create(loop);
      far.start(60_000, fired::incrementAndGet);
      Timer closer = Timer.create(loop);
      closer.start(50, far::close);
      long t0 = System.nanoTime();
      loop.run();
      assertTrue(elapsedMillis(t0) < 5000, "run() kept running after the last handle closed");
      assertEquals(0, fired.get());
    }
  }

  private static long elapsedMillis(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }
}
