package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A loop waiting for a timer sleeps in the kernel: it burns (almost) no CPU. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IdleLoopUsesNoCpuTest {
  private static final long LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  @Test
  void loopWaitingOnATimerOneSecondAwayUsesLittleCpu() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isThreadCpuTimeSupported(), "thread CPU time not supported by this JVM");
    if (!mx.isThreadCpuTimeEnabled()) mx.setThreadCpuTimeEnabled(true);
    try (EventLoop loop = EventLoop.create()) {
      Thread loopThread = loop.start("hf-idle-cpu-test");
      // Warm up: create the timer from the loop and let the thread settle.
      Timer timer = Timer.create(loop);
      CountDownLatch warm = new CountDownLatch(1);
      timer.start(0, warm::countDown);
      assertTrue(warm.await(5, TimeUnit.SECONDS), "warm-up timer did not fire");

      CountDownLatch fired = new CountDownLatch(1);
      long wall0 = System.nanoTime();
      long cpu0 = mx.getThreadCpuTime(loopThread.getId());
      timer.start(1000, fired::countDown);
      assertTrue(fired.await(10, TimeUnit.SECONDS), "1 s timer did not fire");
      long cpu1 = mx.getThreadCpuTime(loopThread.getId());
      long wall = System.nanoTime() - wall0;
      assertTrue(cpu0 >= 0 && cpu1 >= 0, "loop thread CPU time unavailable");
      long used = cpu1 - cpu0;
      assertTrue(wall >= TimeUnit.MILLISECONDS.toNanos(990),
          "the timer fired after only " + TimeUnit.NANOSECONDS.toMillis(wall) + " ms");
      assertTrue(used < LIMIT_NANOS, "the idle loop thread used "
          + TimeUnit.NANOSECONDS.toMillis(used) + " ms of CPU in "
          + TimeUnit.NANOSECONDS.toMillis(wall) + " ms: it busy-waits");
    }
  }

  @Test
  void loopWithNoHandlesUsesLittleCpu() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isThreadCpuTimeSupported(), "thread CPU time not supported by this JVM");
    if (!mx.isThreadCpuTimeEnabled()) mx.setThreadCpuTimeEnabled(true);
    try (EventLoop loop = EventLoop.create()) {
      Thread loopThread = loop.start("hf-idle-cpu-empty-test");
      CountDownLatch warm = new CountDownLatch(1);
      loop.execute(warm::countDown);
      assertTrue(warm.await(5, TimeUnit.SECONDS));
      long cpu0 = mx.getThreadCpuTime(loopThread.getId());
      Thread.sleep(1000);
      long used = mx.getThreadCpuTime(loopThread.getId()) - cpu0;
      assertTrue(used < LIMIT_NANOS, "the started loop with nothing to do used "
          + TimeUnit.NANOSECONDS.toMillis(used) + " ms of CPU in 1 s: it busy-waits");
    }
  }
}
