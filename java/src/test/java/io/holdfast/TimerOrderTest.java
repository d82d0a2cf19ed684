package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timers fire in deadline order, ties in start order, each exactly once, on the loop thread. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerOrderTest {

  @Test
  void timersFireInDeadlineOrderTiesInStartOrder() throws Exception {
    // {id, delay}: started in this order; several share a deadline.
    int[][] plan = {
      {0, 120}, {1, 30}, {2, 0}, {3, 60}, {4, 30}, {5, 90}, {6, 0}, {7, 60}, {8, 30}, {9, 150}
    };
    // Expected: by delay, then by start order.
    int[] expected = {2, 6, 1, 4, 8, 3, 7, 5, 0, 9};
    try (EventLoop loop = EventLoop.create()) {
      List<Integer> fired = new ArrayList<>();
      List<Long> firedAt = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int[] p : plan) {
        final int id = p[0];
        Timer t = Timer.create(loop);
        t.start(p[1], () -> {
          fired.add(id);
          firedAt.add(System.nanoTime() - t0);
          threads.add(Thread.currentThread());
        });
      }
      loop.run();
      List<Integer> want = new ArrayList<>();
      for (int id : expected) want.add(id);
      assertEquals(want, fired, "firing order");
      for (Thread t : threads) assertEquals(Thread.currentThread(), t, "callback thread");
      // No timer fires early (allow 1 ms for millisecond rounding of the loop clock).
      for (int i = 0; i < fired.size(); i++) {
        int delay = plan[fired.get(i)][1];
        long at = TimeUnit.NANOSECONDS.toMillis(firedAt.get(i));
        assertTrue(at >= delay - 1, "timer " + fired.get(i) + " (" + delay + " ms) fired at " + at);
      }
    }
  }

  @Test
  void manyTimersWithTheSameDeadlineFireInStartOrderInOneRun() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      List<Integer> fired = new ArrayList<>();
      int n = 500;
      // Start them from a task, in one go, so they share the loop's clock reading as far as possible.
      loop.execute(() -> {
        for (int i = 0; i < n; i++) {
          final int id = i;
          try {
            Timer.create(loop).start(20, () -> fired.add(id));
          } catch (HandleClosedException e) {
            throw new AssertionError(e);
          }
        }
      });
      loop.run();
      assertEquals(n, fired.size(), "timers that fired");
      for (int i = 0; i < n; i++) assertEquals(i, fired.get(i), "position " + i);
    }
  }

  @Test
  void restartingATimerMovesItInTheOrder() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      List<String> fired = new ArrayList<>();
      Timer a = Timer.create(loop);
      Timer b = Timer.create(loop);
      a.start(20, () -> fired.add("a"));
      b.start(60, () -> fired.add("b"));
      a.start(120, () -> fired.add("a-restarted")); // replaces the first arming
      loop.run();
      assertEquals(List.of("b", "a-restarted"), fired);
    }
  }

  @Test
  void timersStartedFromAnotherThreadOnAStartedLoopKeepOrder() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("hf-timer-order-test");
      List<Integer> fired = java.util.Collections.synchronizedList(new ArrayList<>());
      CountDownLatch all = new CountDownLatch(4);
      int[] delays = {80, 20, 50, 20};
      for (int i = 0; i < delays.length; i++) {
        final int id = i;
        Timer.create(loop).start(delays[i], () -> {
          fired.add(id);
          all.countDown();
        });
      }
      assertTrue(all.await(10, TimeUnit.SECONDS), "timers fired: " + fired);
      assertEquals(List.of(1, 3, 2, 0), fired);
    }
  }
}
