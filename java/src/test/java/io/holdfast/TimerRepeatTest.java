package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A repeating timer fires every period until stopped, neither early nor in bursts. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerRepeatTest {

  @Test
  void repeatsUntilStoppedFromItsOwnCallback() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      List<Long> at = new ArrayList<>();
      Timer t = Timer.create(loop);
      long t0 = System.nanoTime();
      t.start(30, 25, () -> {
        at.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        if (at.size() == 6) {
          try {
            t.stop();
          } catch (HandleClosedException e) {
            throw new AssertionError(e);
          }
        }
      });
      loop.run(); // returns once the stop leaves nothing active
      assertEquals(6, at.size(), "fires before stop: " + at);
      assertFalse(t.isScheduled());
      assertTrue(at.get(0) >= 29, "first fire at " + at.get(0) + " ms, delay was 30");
      // Each next deadline is at least a period after the previous one: never early, in total.
      long total = at.get(at.size() - 1);
      assertTrue(total >= 30 + 5 * 25 - 2, "six fires took only " + total + " ms: " + at);
      for (int i = 1; i < at.size(); i++) {
        long gap = at.get(i) - at.get(i - 1);
        // A burst (catch-up fires in one turn) shows as fires under a millisecond apart. The
        // next deadline counts from when the loop saw the fire, so a callback that ran late
        // on a loaded machine narrows one gap without being a burst: no tighter bound here.
        assertTrue(gap >= 1, "fires " + (i - 1) + " and " + i + " only " + gap + " ms apart: " + at);
      }
    }
  }

  @Test
  void repeatingTimerKeepsLoopAliveUntilClosed() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      AtomicInteger fired = new AtomicInteger();
      AtomicInteger closed = new AtomicInteger();
      Timer t = Timer.create(loop);
      t.onClose(closed::incrementAndGet);
      t.start(0, 10, () -> {
        if (fired.incrementAndGet() == 4) t.close();
      });
      loop.run();
      assertEquals(4, fired.get());
      assertEquals(1, closed.get());
      assertFalse(t.isOpen());
    }
  }

  @Test
  void restartAsOneShotEndsTheRepetition() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      List<String> fired = new ArrayList<>();
      Timer t = Timer.create(loop);
      t.start(10, 10, () -> {
        fired.add("repeat");
        if (fired.size() == 2) {
          try {
            t.start(30, () -> fired.add("once"));
          } catch (HandleClosedException e) {
            throw new AssertionError(e);
          }
        }
      });
      loop.run();
      assertEquals(List.of("repeat", "repeat", "once"), fired);
      assertFalse(t.isScheduled());
    }
  }

  @Test
  void slowCallbackDoesNotCauseABurstOfCatchUpFires() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("hf-timer-repeat-test");
      List<Long> at = java.util.Collections.synchronizedList(new ArrayList<>());
      long[] blockEnd = new long[1];
      CountDownLatch done = new CountDownLatch(1);
      Timer t = Timer.create(loop);
      long t0 = System.nanoTime();
      t.start(10, 10, () -> {
        long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        at.add(now);
        if (at.size() == 1) {
          try {
            Thread.sleep(100); // blocks the loop for ten periods
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          blockEnd[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        } else if (now >= blockEnd[0] + 45) {
          t.close();
          done.countDown();
        }
      });
      assertTrue(done.await(10, TimeUnit.SECONDS), "repeating timer stalled: " + at);
      // The ten missed periods are not made up in a burst: in the 45 ms after the block, a
      // 10 ms timer fires about five times (never more than six), not fifteen.
      int after = 0;
      for (long a : at) {
        if (a >= blockEnd[0] && a < blockEnd[0] + 45) after++;
      }
      assertTrue(after >= 1 && after <= 6, after + " fires in the 45 ms after the block: " + at);
    }
  }
}
