package io.holdfast;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Diagnostics for the whole test JVM (registered as a JUnit platform listener): after each test
 * class it names the threads the class left alive, and any thread that burned more than a second
 * of CPU while a later class ran. A thread that outlives its test and spins slows every test
 * after it on a 2-core machine, which looks like unrelated timeouts; this says which class is to
 * blame. It reports; it never fails a test.
 */
public final class ThreadLeakReport implements TestExecutionListener {
  private static final long SPIN_NANOS = TimeUnit.SECONDS.toNanos(1);
  private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
  private final Map<Long, String> before = new HashMap<>();
  /** Threads left alive by an earlier class: id -> CPU time when last looked at. */
  private final Map<Long, Long> leftovers = new HashMap<>();
  private final Map<Long, String> leftoverOwner = new HashMap<>();

  @Override
  public void executionStarted(TestIdentifier id) {
    if (!isClass(id)) return;
    before.clear();
    for (Thread t : Thread.getAllStackTraces().keySet()) before.put(t.getId(), t.getName());
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    if (!isClass(id)) return;
    String cls = ((ClassSource) id.getSource().get()).getClassName();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      long tid = t.getId();
      long cpu = mx.isThreadCpuTimeSupported() ? mx.getThreadCpuTime(tid) : -1;
      Long last = leftovers.get(tid);
      if (last != null && cpu >= 0 && cpu - last > SPIN_NANOS) {
        System.err.printf("[thread-report] SPINNING during %s: '%s' (left by %s) used %d ms CPU%n",
            cls, t.getName(), leftoverOwner.get(tid), (cpu - last) / 1_000_000);
      }
      if (last != null) {
        leftovers.put(tid, cpu);
        continue;
      }
      if (before.containsKey(tid) || isJvmPool(t) || t.getState() == Thread.State.TERMINATED) {
        continue;
      }
      leftovers.put(tid, cpu);
      leftoverOwner.put(tid, cls);
      System.err.printf("[thread-report] %s left thread '%s' alive (daemon=%s, state=%s)%n",
          cls, t.getName(), t.isDaemon(), t.getState());
    }
    leftovers.keySet().removeIf(tid -> mx.getThreadInfo(tid) == null);
  }

  private static boolean isJvmPool(Thread t) {
    String n = t.getName();
    return n.startsWith("ForkJoinPool") || n.startsWith("junit-") || n.startsWith("Common-Cleaner")
        || n.startsWith("process reaper") || n.startsWith("Attach Listener");
  }

  private static boolean isClass(TestIdentifier id) {
    return id.getSource().filter(s -> s instanceof ClassSource).isPresent() && id.isContainer();
  }
}
