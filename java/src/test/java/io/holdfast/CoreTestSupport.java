package io.holdfast;

import java.io.File;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the loop-core tests (not a test itself). */
final class CoreTestSupport {
  private CoreTestSupport() {}

  /** @return the number of open file descriptors of this process (Linux: /proc/self/fd) */
  static int openFds() {
    String[] names = new File("/proc/self/fd").list();
    if (names == null) throw new IllegalStateException("/proc/self/fd is not readable");
    return names.length;
  }

  /**
   * Waits until the fd count is back to baseline (the JVM itself may briefly hold one, e.g. while
   * listing /proc/self/fd); returns the last count seen.
   */
  static int awaitFds(int baseline, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    int n = openFds();
    while (n != baseline && System.nanoTime() < deadline) {
      Thread.sleep(10);
      n = openFds();
    }
    return n;
  }
}
