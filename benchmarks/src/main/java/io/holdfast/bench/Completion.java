package io.holdfast.bench;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What the benchmark thread waits on while loop threads do a batch of work: parked, not spinning,
 * so the loops keep both cores. Reused across invocations (no allocation per batch).
 */
public final class Completion {
  /** No batch of the benchmarks takes nearly this long; a stall fails instead of hanging. */
  static final long TIMEOUT_NANOS = 30_000_000_000L;

  private final AtomicInteger remaining = new AtomicInteger();
  private volatile Thread waiter;
  private volatile Throwable failure;

  /** Arms for count parts; called by the waiting thread before the work starts. */
  public void reset(int count) {
    failure = null;
    waiter = Thread.currentThread();
    remaining.set(count);
  }

  /** One part is done (any thread). */
  public void countDown() {
    if (remaining.decrementAndGet() == 0) LockSupport.unpark(waiter);
  }

  /** The work failed: the waiter throws it. */
  public void fail(Throwable t) {
    failure = t;
    LockSupport.unpark(waiter);
  }

  /** Waits until every part is done; throws on failure or after the timeout. */
  public void await() throws Exception {
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (remaining.get() > 0) {
      Throwable t = failure;
      if (t != null) throw new IllegalStateException("benchmark work failed", t);
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new TimeoutException(remaining.get() + " parts still pending after 30 s");
      LockSupport.parkNanos(this, left);
    }
    Throwable t = failure;
    if (t != null) throw new IllegalStateException("benchmark work failed", t);
  }
}
