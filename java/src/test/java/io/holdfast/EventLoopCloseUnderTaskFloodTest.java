package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Other threads queue tasks faster than the loop runs them: the loop still sees its close request
 * (and its I/O) between bounded batches of tasks, so close() returns, and every task execute()
 * accepted has run by then. A loop that ran the queue until empty before looking at anything else
 * never got there.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventLoopCloseUnderTaskFloodTest {
  @Test
  void closeFinishesWhileProducersOutpaceTheLoop() throws Exception {
    EventLoop loop = EventLoop.create();
    loop.start("hf-task-flood");
    AtomicLong accepted = new AtomicLong();
    AtomicLong ran = new AtomicLong();
    AtomicBoolean giveUp = new AtomicBoolean();
    CountDownLatch producing = new CountDownLatch(2);
    // Each task costs the loop more than queuing it costs a producer.
    Runnable slowTask = () -> {
      long until = System.nanoTime() + 1_000;
      while (System.nanoTime() < until) Thread.onSpinWait();
      ran.incrementAndGet();
    };
    Thread[] producers = new Thread[2];
    for (int p = 0; p < producers.length; p++) {
      producers[p] = new Thread(() -> {
        producing.countDown();
        try {
          while (!giveUp.get()) {
            loop.execute(slowTask);
            accepted.incrementAndGet();
          }
        } catch (RejectedExecutionException closed) {
          // the end of this producer
        }
      }, "hf-task-flood-producer-" + p);
      producers[p].setDaemon(true);
      producers[p].start();
    }
    try {
      assertTrue(producing.await(10, TimeUnit.SECONDS));
      Thread.sleep(50);
      EventLoopExecuteRacingCloseTest.closeWithin(loop, 30);
      for (Thread t : producers) {
        t.join(20_000);
        assertTrue(!t.isAlive(), "a producer kept going after close: execute() never refused");
      }
      assertTrue(loop.isClosed());
      assertEquals(accepted.get(), ran.get(), "tasks accepted by execute() but never run");
    } finally {
      giveUp.set(true); // only matters when the test failed: no flood outlives it
    }
  }
}
