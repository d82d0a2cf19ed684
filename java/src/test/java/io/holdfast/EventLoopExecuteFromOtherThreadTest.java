package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** execute() from other threads: every task runs once, on the loop thread, in per-thread order. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventLoopExecuteFromOtherThreadTest {
  private static final int THREADS = 8;
  private static final int TASKS_PER_THREAD = 20_000;

  @Test
  void manyTasksFromManyThreadsRunInPerThreadOrderOnTheLoopThread() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      Thread loopThread = loop.start("hf-execute-test");
      int[] next = new int[THREADS]; // touched only on the loop thread
      AtomicInteger wrongThread = new AtomicInteger();
      AtomicInteger outOfOrder = new AtomicInteger();
      AtomicReference<String> firstProblem = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(THREADS * TASKS_PER_THREAD);
      CyclicBarrier go = new CyclicBarrier(THREADS);
      List<Thread> producers = new ArrayList<>();
      AtomicReference<Throwable> producerError = new AtomicReference<>();
      for (int p = 0; p < THREADS; p++) {
        final int producer = p;
        Thread t = new Thread(() -> {
          try {
            go.await();
            for (int i = 0; i < TASKS_PER_THREAD; i++) {
              final int seq = i;
              loop.execute(() -> {
                if (Thread.currentThread() != loopThread || !loop.inEventLoop()) {
                  wrongThread.incrementAndGet();
                }
                if (next[producer] != seq) {
                  outOfOrder.incrementAndGet();
                  firstProblem.compareAndSet(null,
                      "producer " + producer + ": expected task " + next[producer] + ", ran " + seq);
                }
                next[producer] = seq + 1;
                done.countDown();
              });
              if ((i & 1023) == 0) Thread.yield();
            }
          } catch (Throwable e) {
            producerError.compareAndSet(null, e);
          }
        }, "hf-producer-" + p);
        producers.add(t);
        t.start();
      }
      for (Thread t : producers) t.join(30_000);
      assertEquals(null, producerError.get(), "a producer failed");
      assertTrue(done.await(30, TimeUnit.SECONDS),
          "only " + (THREADS * TASKS_PER_THREAD - done.getCount()) + " of "
              + THREADS * TASKS_PER_THREAD + " tasks ran");
      assertEquals(0, wrongThread.get(), "tasks ran off the loop thread");
      assertEquals(0, outOfOrder.get(), "per-thread order broken: " + firstProblem.get());
      CountDownLatch check = new CountDownLatch(1);
      int[] snapshot = new int[THREADS];
      loop.execute(() -> {
        System.arraycopy(next, 0, snapshot, 0, THREADS);
        check.countDown();
      });
      assertTrue(check.await(10, TimeUnit.SECONDS));
      for (int p = 0; p < THREADS; p++) {
        assertEquals(TASKS_PER_THREAD, snapshot[p], "tasks of producer " + p + " ran");
      }
      assertFalse(loop.inEventLoop(), "the test thread is not the loop thread");
    }
  }

  @Test
  void executeWakesALoopBlockedInPoll() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      Thread loopThread = loop.start("hf-wake-test");
      long worstMillis = 0;
      for (int round = 0; round < 20; round++) {
        // Let the loop go to sleep in poll: it has no handles, so it waits without a timeout.
        awaitBlocked(loopThread);
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        long t0 = System.nanoTime();
        loop.execute(() -> {
          ranOn.set(Thread.currentThread());
          ran.countDown();
        });
        assertTrue(ran.await(5, TimeUnit.SECONDS), "round " + round + ": task did not wake the loop");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        worstMillis = Math.max(worstMillis, took);
        assertSame(loopThread, ranOn.get());
      }
      assertTrue(worstMillis < 1000, "slowest wakeup took " + worstMillis + " ms");
    }
  }

  @Test
  void executeWakesLoopSleepingUntilAFarTimer() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      Thread loopThread = loop.start("hf-wake-timer-test");
      CountDownLatch created = new CountDownLatch(1);
      loop.execute(() -> {
        try {
          Timer.create(loop).start(60_000, () -> fail("far timer fired"));
        } catch (HandleClosedException e) {
          throw new AssertionError(e);
        }
        created.countDown();
      });
      assertTrue(created.await(5, TimeUnit.SECONDS));
      awaitBlocked(loopThread);
      CountDownLatch ran = new CountDownLatch(1);
      long t0 = System.nanoTime();
      loop.execute(ran::countDown);
      assertTrue(ran.await(5, TimeUnit.SECONDS), "task did not wake the loop sleeping on a timer");
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(took < 1000, "wakeup took " + took + " ms");
    }
  }

  @Test
  void executeAfterCloseIsRejectedAndNullIsRefused() throws Exception {
    EventLoop loop = EventLoop.create();
    loop.start("hf-exec-close-test");
    assertThrows(NullPointerException.class, () -> loop.execute(null));
    loop.close();
    assertTrue(loop.isClosed());
    assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> loop.execute(() -> {}));
  }

  /** Waits until the loop thread sits in the native poll (it is blocked there, not spinning). */
  private static void awaitBlocked(Thread loopThread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int seenInPoll = 0;
    while (seenInPoll < 3) {
      assertTrue(loopThread.isAlive(), "loop thread died");
      assertTrue(System.nanoTime() < deadline, "loop thread never settled in poll");
      StackTraceElement[] stack = loopThread.getStackTrace();
      boolean inPoll = stack.length > 0
          && stack[0].getClassName().equals("io.holdfast.internal.LoopNative")
          && stack[0].getMethodName().equals("poll");
      seenInPoll = inPoll ? seenInPoll + 1 : 0;
      Thread.sleep(5);
    }
    assertNotNull(loopThread);
  }
}
