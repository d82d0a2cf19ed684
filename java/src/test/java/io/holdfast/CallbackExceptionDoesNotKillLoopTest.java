package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A throwing callback goes to the exception handler; the turn and the loop carry on. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CallbackExceptionDoesNotKillLoopTest {

  /** One report to the exception handler. */
  private static final class Report {
    final Handle handle;
    final Throwable error;
    final Thread thread;

    Report(Handle handle, Throwable error) {
      this.handle = handle;
      this.error = error;
      this.thread = Thread.currentThread();
    }
  }

  @Test
  void throwingTimerIsReportedAndOtherTimersInTheSameTurnStillFire() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      Thread loopThread = loop.start("hf-callback-exception-test");
      List<Report> reports = new CopyOnWriteArrayList<>();
      loop.setExceptionHandler((h, e) -> reports.add(new Report(h, e)));
      List<String> fired = new CopyOnWriteArrayList<>();
      CountDownLatch turnDone = new CountDownLatch(1);
      Timer[] timers = new Timer[4];
      for (int i = 0; i < timers.length; i++) timers[i] = Timer.create(loop);
      RuntimeException boom = new IllegalStateException("boom from a timer");
      // All four are due when the loop next polls (see the sleep), so they fire in one turn.
      loop.execute(() -> {
        try {
          timers[0].start(30, () -> fired.add("t0"));
          timers[1].start(30, () -> {
            fired.add("t1");
            throw boom;
          });
          timers[2].start(30, () -> {
            fired.add("t2");
            throw new AssertionError("an Error from a callback");
          });
          timers[3].start(30, () -> {
            fired.add("t3");
            turnDone.countDown();
          });
          Thread.sleep(60); // hold the loop: the next poll finds all four due, in one batch
        } catch (HandleClosedException | InterruptedException e) {
          throw new AssertionError(e);
        }
      });
      assertTrue(turnDone.await(10, TimeUnit.SECONDS), "the turn stopped after a throw: " + fired);
      assertEquals(List.of("t0", "t1", "t2", "t3"), fired);
      assertEquals(2, reports.size(), "reports to the exception handler");
      assertSame(timers[1], reports.get(0).handle);
      assertSame(boom, reports.get(0).error);
      assertSame(timers[2], reports.get(1).handle);
      assertEquals(AssertionError.class, reports.get(1).error.getClass());
      for (Report r : reports) assertSame(loopThread, r.thread, "handler ran off the loop thread");

      // The loop keeps running: tasks and new timers still work.
      CountDownLatch later = new CountDownLatch(2);
      loop.execute(later::countDown);
      Timer.create(loop).start(10, later::countDown);
      assertTrue(later.await(10, TimeUnit.SECONDS), "the loop stopped after callback exceptions");
      assertTrue(loopThread.isAlive());
    }
  }

  @Test
  void throwingTaskIsReportedWithoutHandleAndLaterTasksRun() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("hf-task-exception-test");
      List<Report> reports = new CopyOnWriteArrayList<>();
      loop.setExceptionHandler((h, e) -> reports.add(new Report(h, e)));
      List<Integer> ran = new CopyOnWriteArrayList<>();
      CountDownLatch done = new CountDownLatch(1);
      loop.execute(() -> ran.add(1));
      loop.execute(() -> {
        throw new UnsupportedOperationException("task boom");
      });
      loop.execute(() -> ran.add(3));
      loop.execute(done::countDown);
      assertTrue(done.await(10, TimeUnit.SECONDS));
      assertEquals(List.of(1, 3), ran);
      assertEquals(1, reports.size());
      assertNull(reports.get(0).handle);
      assertEquals("task boom", reports.get(0).error.getMessage());
    }
  }

  @Test
  void throwingExceptionHandlerDoesNotKillTheLoopEither() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.setExceptionHandler((h, e) -> {
        throw new IllegalStateException("handler boom");
      });
      List<String> fired = new ArrayList<>();
      Timer.create(loop).start(5, () -> {
        fired.add("a");
        throw new RuntimeException("callback boom (expected in this test's log)");
      });
      Timer.create(loop).start(20, () -> fired.add("b"));
      loop.run();
      assertEquals(List.of("a", "b"), fired);
    }
  }

  @Test
  void nullExceptionHandlerIsRefused() {
    try (EventLoop loop = EventLoop.create()) {
      assertThrows(NullPointerException.class, () -> loop.setExceptionHandler(null));
    }
  }
}
