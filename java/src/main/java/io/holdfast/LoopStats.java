package io.holdfast;

import io.holdfast.internal.jfr.Jfr;
import io.holdfast.internal.jfr.JfrEvents;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bookkeeping behind {@link EventLoop#metrics()}.
 *
 * <p>Writers are whoever drives the native loop: the loop thread, or a caller holding the idle
 * loop's run lock; so there is one writer at a time, and the lock orders successive writers.
 * Readers are any thread. The counters are published with a sequence lock: the writer makes the
 * sequence odd, stores the counters (opaque stores), and makes it even again (release store);
 * a reader retries until it read the same even sequence before and after its (opaque) loads, so
 * a snapshot is never torn and never blocks the loop. On x86 the writer's barriers cost nothing
 * but compiler ordering (plain stores); on ARM a store barrier and a release store. A section
 * never contains user code, so a callback reading metrics() on the loop thread never spins.
 *
 * <p>The hot path (the dispatch of one event) keeps its sums in locals of
 * {@link EventLoop#dispatch} and publishes them once per turn; it allocates nothing. Slow
 * callbacks (rare by definition) allocate their record and take a lock.
 */
final class LoopStats {
  static final String THRESHOLD_PROPERTY = "holdfast.slowCallbackThresholdMillis";
  static final long DEFAULT_THRESHOLD_MILLIS = 50;
  static final int RECENT_SLOW = 8;

  private static final VarHandle SEQ;
  private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);

  static {
    try {
      SEQ = MethodHandles.lookup().findVarHandle(LoopStats.class, "seq", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int ITERATIONS = 0;
  private static final int EVENTS = 1;
  private static final int TASKS = 2;
  private static final int IDLE_NANOS = 3;
  private static final int LAG_SUM = 4;
  private static final int LAG_MAX = 5;
  /** Live handles by type index: see {@link #typeIndex}. */
  private static final int HANDLES = 6;
  private static final String[] TYPES = {
    "Timer", "TcpListener", "TcpStream", "PipeListener", "PipeStream", "UdpSocket", "Handle"
  };
  private static final int COUNTERS = HANDLES + TYPES.length;

  private final String loopName;
  @SuppressWarnings("unused") // through SEQ
  private long seq;
  private final long[] counters = new long[COUNTERS];
  private volatile long thresholdNanos = defaultThresholdNanos();
  /* Slow callbacks: guarded by recent. */
  private final LoopMetrics.SlowCallback[] recent = new LoopMetrics.SlowCallback[RECENT_SLOW];
  private long slowCount;

  LoopStats(String loopName) {
    this.loopName = loopName;
  }

  static long defaultThresholdNanos() {
    String v = System.getProperty(THRESHOLD_PROPERTY);
    long millis = DEFAULT_THRESHOLD_MILLIS;
    if (v != null) {
      try {
        long parsed = Long.parseLong(v.trim());
        if (parsed > 0) millis = parsed;
      } catch (NumberFormatException e) {
        // keep the default: a bad property must not break loop creation
      }
    }
    return Duration.ofMillis(millis).toNanos();
  }

  long thresholdNanos() {
    return thresholdNanos;
  }

  void setThreshold(Duration threshold) {
    java.util.Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative() || threshold.isZero()) {
      throw new IllegalArgumentException("slow-callback threshold must be positive: " + threshold);
    }
    long nanos;
    try {
      nanos = threshold.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE; // centuries: never slow
    }
    thresholdNanos = nanos;
  }

  // ---- writer side ----

  private void begin() {
    SEQ.setOpaque(this, seq + 1);
    VarHandle.storeStoreFence();
  }

  private void end() {
    SEQ.setRelease(this, seq + 1);
  }

  private void add(int i, long delta) {
    COUNTER.setOpaque(counters, i, counters[i] + delta);
  }

  /** One poll and the dispatch of its events. */
  void turn(long idleNanos, int events, long lagSum, long lagMax) {
    begin();
    add(ITERATIONS, 1);
    add(IDLE_NANOS, idleNanos);
    add(EVENTS, events);
    add(LAG_SUM, lagSum);
    if (lagMax > counters[LAG_MAX]) COUNTER.setOpaque(counters, LAG_MAX, lagMax);
    end();
  }

  void tasks(int n) {
    begin();
    add(TASKS, n);
    end();
  }

  /** h joined the loop's table (created, accepted, adopted, or a new owner after a move). */
  void handleAdded(HandleBase h) {
    begin();
    add(HANDLES + typeIndex(h.typeName()), 1);
    end();
    if (Jfr.AVAILABLE) JfrEvents.handleOpened(loopName, h.typeName(), h.token);
  }

  /** h left the table: its close was delivered, or it moved to a new owner or loop. */
  void handleRemoved(HandleBase h) {
    begin();
    add(HANDLES + typeIndex(h.typeName()), -1);
    end();
    if (Jfr.AVAILABLE) {
      JfrEvents.handleClosed(loopName, h.typeName(), h.token, h.isMoved() ? "moved" : "closed",
          h.infoBytesRead(), h.infoBytesWritten(), System.nanoTime() - h.createdNanos);
    }
  }

  private static int typeIndex(String type) {
    for (int i = 0; i < TYPES.length - 1; i++) {
      if (TYPES[i].equals(type)) return i;
    }
    return TYPES.length - 1;
  }

  /** A callback of h (null for a task) of the given event kind ran for nanos (the slow path). */
  void slow(HandleBase h, int kind, long nanos, long threshold) {
    String handle = h == null ? "task" : h.typeName() + " " + Handles.tokenString(h.token);
    String kindName = kindName(kind);
    LoopMetrics.SlowCallback s = new LoopMetrics.SlowCallback(handle, h == null ? 0 : h.token,
        kindName, Duration.ofNanos(nanos), Instant.now());
    synchronized (recent) {
      recent[(int) (slowCount % RECENT_SLOW)] = s;
      slowCount++;
    }
    if (Jfr.AVAILABLE) JfrEvents.slowCallback(loopName, handle, kindName, nanos, threshold);
  }

  static String kindName(int kind) {
    switch (kind) {
      case HandleBase.EV_READ:
        return "read";
      case HandleBase.EV_WRITE:
        return "write";
      case HandleBase.EV_CONNECT:
        return "connect";
      case HandleBase.EV_ACCEPT:
        return "accept";
      case HandleBase.EV_SHUTDOWN:
        return "shutdown";
      case HandleBase.EV_TIMER:
        return "timer";
      case HandleBase.EV_CLOSE:
        return "close";
      case UdpSocket.EV_RECV:
        return "recv";
      case UdpSocket.EV_SEND:
        return "send";
      case HandleBase.EV_HANDLE:
        return "handle";
      default:
        return kind < 0 ? "task" : "event " + kind;
    }
  }

  // ---- reader side (any thread) ----

  LoopMetrics snapshot() {
    long[] c = new long[COUNTERS];
    for (int spins = 0; ; spins++) {
      long s = (long) SEQ.getAcquire(this);
      if ((s & 1) == 0) {
        for (int i = 0; i < COUNTERS; i++) c[i] = (long) COUNTER.getOpaque(counters, i);
        VarHandle.loadLoadFence();
        if ((long) SEQ.getOpaque(this) == s) break;
      }
      // A writer descheduled inside its (tiny) section: let it run.
      if (spins < 100) Thread.onSpinWait();
      else Thread.yield();
    }
    List<LoopMetrics.SlowCallback> last = new ArrayList<>(RECENT_SLOW);
    long slow;
    synchronized (recent) {
      slow = slowCount;
      long first = Math.max(0, slow - RECENT_SLOW);
      for (long i = first; i < slow; i++) last.add(recent[(int) (i % RECENT_SLOW)]);
    }
    Map<String, Integer> byType = new HashMap<>();
    for (int i = 0; i < TYPES.length; i++) {
      if (c[HANDLES + i] > 0) byType.put(TYPES[i], (int) c[HANDLES + i]);
    }
    long events = c[EVENTS];
    return new LoopMetrics(loopName, c[ITERATIONS], events, c[TASKS],
        Duration.ofNanos(c[IDLE_NANOS]), Duration.ofNanos(c[LAG_MAX]),
        Duration.ofNanos(events == 0 ? 0 : c[LAG_SUM] / events), slow,
        Duration.ofNanos(thresholdNanos), last, byType);
  }
}
