package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * execute() racing close(): a task execute() accepted (returned normally) always runs; once the
 * loop is closed, execute() throws. No task is silently dropped.
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
      Thread[] producers = new Thread[2];
      for (int p = 0; p < producers.length; p++) {
        producers[p] = new Thread(() -> {
          producing.countDown();
          try {
            for (;;) {
              loop.execute(ran::incrementAndGet);
              accepted.incrementAndGet();
            }
          } catch (RejectedExecutionException expected) {
            // the loop is closed: the end of this producer
          } catch (Throwable t) {
            unexpected.set(t);
          }
        }, "hf-execute-close-producer-" + p);
        producers[p].start();
      }
      assertTrue(producing.await(10, TimeUnit.SECONDS));
      Thread.sleep(2);
      loop.close();
      for (Thread t : producers) {
        t.join(10_000);
        assertTrue(!t.isAlive(), "a producer kept going after close: execute() never refused");
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
}
