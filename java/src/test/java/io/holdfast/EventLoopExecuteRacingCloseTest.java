package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * execute() racing close(): a task execute() accepted (returned normally) always runs; once the
 * loop is closed, execute() throws. No task is silently dropped. Producers flooding the queue
 * faster than the loop runs tasks must not keep close() from finishing (a loop that drained the
 * queue whole before looking at its close request never closed under such a flood).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventLoopExecuteRacingCloseTest {

  @Test
  void everyAcceptedTaskRunsWhenTheLoopClosesUnderIt() throws Exception {
    long lostTotal = 0;
    StringBuilder detail = new StringBuilder();
    // The window is narrow: race for a few seconds (or 100 rounds), then judge.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
    for (int round = 0; round < 100 && System.nanoTime() < until; round++) {
      EventLoop loop = EventLoop.create();
      loop.start("hf-execute-close-race-" + round);
      AtomicLong accepted = new AtomicLong();
      AtomicLong ran = new AtomicLong();
      AtomicReference<Throwable> unexpected = new AtomicReference<>();
      CountDownLatch producing = new CountDownLatch(2);
      AtomicBoolean giveUp = new AtomicBoolean(); // set only when this test fails: no flood outlives it
      Thread[] producers = new Thread[2];
      for (int p = 0; p < producers.length; p++) {
        producers[p] = new Thread(() -> {
          producing.countDown();
          try {
            while (!giveUp.get()) {
              loop.execute(ran::incrementAndGet);
              accepted.incrementAndGet();
            }
          } catch (RejectedExecutionException expected) {
            // the loop is closed: the end of this producer
          } catch (Throwable t) {
            unexpected.set(t);
          }
        }, "hf-execute-close-producer-" + p);
        producers[p].setDaemon(true);
        producers[p].start();
      }
      try {
        assertTrue(producing.await(10, TimeUnit.SECONDS));
        Thread.sleep(2);
        closeWithin(loop, 30);
        for (Thread t : producers) {
          t.join(20_000);
          assertTrue(!t.isAlive(), "a producer kept going after close: execute() never refused");
        }
      } finally {
        giveUp.set(true);
      }
      assertEquals(null, unexpected.get(), "producer failed");
      assertTrue(loop.isClosed());
      assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> {}));
      long lost = accepted.get() - ran.get();
      if (lost != 0) {
        lostTotal += lost;
        detail.append(" round ").append(round).append(": ").append(accepted.get())
            .append(" accepted, ").append(ran.get()).append(" ran;");
      }
    }
    assertEquals(0, lostTotal, "tasks accepted by execute() but never run:" + detail);
  }

  /** Closes on another thread, so a close() that never returns fails the test instead of hanging it. */
  static void closeWithin(EventLoop loop, int seconds) throws InterruptedException {
    Thread closer = new Thread(loop::close, "hf-execute-close-closer");
    closer.setDaemon(true);
    closer.start();
    closer.join(TimeUnit.SECONDS.toMillis(seconds));
    assertTrue(!closer.isAlive(), "close() did not return within " + seconds + " s");
  }
}
