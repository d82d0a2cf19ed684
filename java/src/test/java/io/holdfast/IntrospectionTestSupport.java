package io.holdfast;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Helpers for the introspection tests (metrics, handles, JMX, JFR). Deadlines are generous (a
 * minute): these tests run on slow, shared machines and never assert an upper bound on time.
 */
final class IntrospectionTestSupport {
  private IntrospectionTestSupport() {}

  static final long DEADLINE_SECONDS = 60;

  /** Turns loop (on the calling thread) until cond holds; fails after the deadline. */
  static void turnUntil(EventLoop loop, BooleanSupplier cond, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) fail("timed out waiting for " + what);
      loop.runOnce();
    }
  }

  /** Polls cond from the calling thread (the loop runs elsewhere); fails after the deadline. */
  static void waitUntil(BooleanSupplier cond, Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) fail("timed out waiting for " + what.get());
      Thread.sleep(5);
    }
  }

  /**
   * The fd count to compare with after a leak-sensitive test, taken after one full cycle (a
   * connected pair, a UDP socket) so that fds the JVM opens lazily are already counted.
   */
  static int baselineFds() throws Exception {
    try (TcpTestSupport.RunningLoop rl = new TcpTestSupport.RunningLoop("hf-fd-warm-up")) {
      TcpTestSupport.pair(rl.loop).close();
      UdpSocket.open(rl.loop).close();
    }
    return CoreTestSupport.openFds();
  }

  /** Sleeps at least millis, whatever interrupts or early wake-ups happen. */
  static void block(long millis) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    long left;
    while ((left = until - System.nanoTime()) > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
