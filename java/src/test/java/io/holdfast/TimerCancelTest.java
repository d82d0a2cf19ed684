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

/** A stopped or closed timer never fires; a closed timer's close callbacks run exactly once. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerCancelTest {

  @Test
  void stoppedTimerNeverFires() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      AtomicInteger fired = new AtomicInteger();
      AtomicInteger sentinel = new AtomicInteger();
      Timer t = Timer.create(loop);
      t.start(20, fired::incrementAndGet);
      assertTrue(t.isScheduled());
      t.stop();
      assertFalse(t.isScheduled());
      t.stop(); // stopping a stopped timer does nothing
      Timer.create(loop).start(150, sentinel::incrementAndGet);
      loop.run();
      assertEquals(1, sentinel.get(), "sentinel timer");
      assertEquals(0, fired.get(), "stopped timer fired");
      assertTrue(t.isOpen(), "stop must not close");
    }
  }

  @Test
  void stoppedTimerCanBeStartedAgain() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      List<String> fired = new ArrayList<>();
      Timer t = Timer.create(loop);
      t.start(20, () -> fired.add("first"));
      t.stop();
      t.start(40, () -> fired.add("second"));
      loop.run();
      assertEquals(List.of("second"), fired);
    }
  }

  @Test
  void closedTimerNeverFiresAndCloseCallbackRunsOnce() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      AtomicInteger fired = new AtomicInteger();
      AtomicInteger closed = new AtomicInteger();
      AtomicInteger sentinel = new AtomicInteger();
      Timer t = Timer.create(loop);
      t.onClose(closed::incrementAndGet);
      t.start(20, fired::incrementAndGet);
      t.close();
      t.close(); // idempotent
      assertFalse(t.isOpen());
      Timer.create(loop).start(150, sentinel::incrementAndGet);
      loop.run();
      assertEquals(1, sentinel.get(), "sentinel timer");
      assertEquals(0, fired.get(), "closed timer fired");
      assertEquals(1, closed.get(), "close callback runs");
      t.close();
      loop.run();
      assertEquals(1, closed.get(), "close callback after a repeated close");
      // Registered after the handle fully closed: runs (once) right away on the loop.
      AtomicInteger late = new AtomicInteger();
      t.onClose(late::incrementAndGet);
      loop.runOnce();
      assertEquals(1, late.get(), "onClose after full close");
      assertEquals(1, closed.get());
    }
  }

  @Test
  void timerStoppedOrClosedByAnEarlierCallbackInTheSameTurnDoesNotFire() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      List<String> fired = new ArrayList<>();
      Timer first = Timer.create(loop);
      Timer stopped = Timer.create(loop);
      Timer closed = Timer.create(loop);
      Timer last = Timer.create(loop);
      // Their expiries arrive in one batch, in start order (see the sleep below).
      loop.execute(() -> {
        try {
          first.start(30, () -> {
            fired.add("first");
            try {
              stopped.stop();
            } catch (HandleClosedException e) {
              throw new AssertionError(e);
            }
            closed.close();
          });
          stopped.start(30, () -> fired.add("stopped"));
          closed.start(30, () -> fired.add("closed"));
          last.start(30, () -> fired.add("last"));
          // Hold the loop past the deadline: the next poll finds all four due, in one batch.
          Thread.sleep(60);
        } catch (HandleClosedException | InterruptedException e) {
          throw new AssertionError(e);
        }
      });
      loop.run();
      assertEquals(List.of("first", "last"), fired);
    }
  }

  @Test
  void stopAndCloseFromAnotherThreadWhileTheLoopRuns() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("hf-timer-cancel-test");
      AtomicInteger fired = new AtomicInteger();
      AtomicInteger closeCallbacks = new AtomicInteger();
      CountDownLatch closedLatch = new CountDownLatch(1);
      Timer stopped = Timer.create(loop);
      Timer closed = Timer.create(loop);
      closed.onClose(() -> {
        closeCallbacks.incrementAndGet();
        closedLatch.countDown();
      });
      stopped.start(200, fired::incrementAndGet);
      closed.start(200, fired::incrementAndGet);
      stopped.stop();
      closed.close();
      CountDownLatch sentinel = new CountDownLatch(1);
      Timer.create(loop).start(400, sentinel::countDown);
      assertTrue(sentinel.await(10, TimeUnit.SECONDS), "sentinel timer did not fire");
      assertTrue(closedLatch.await(10, TimeUnit.SECONDS), "close callback did not run");
      assertEquals(0, fired.get(), "a stopped or closed timer fired");
      assertEquals(1, closeCallbacks.get());
    }
  }
}
