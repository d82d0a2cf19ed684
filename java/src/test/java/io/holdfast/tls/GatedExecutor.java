package io.holdfast.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A task executor for tests: runs each task on a new daemon thread, records the threads, and
 * while closed holds tasks back until {@link #open()}.
 */
final class GatedExecutor implements Executor {
  private final List<Runnable> held = new ArrayList<>();
  private boolean closed;
  final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  volatile int executed;

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      if (closed) {
        held.add(task);
        return;
      }
    }
    start(task);
  }

  private void start(Runnable task) {
    Thread t = new Thread(() -> {
      threads.add(Thread.currentThread());
      executed++;
      task.run();
    }, "tls-test-task");
    t.setDaemon(true);
    t.start();
  }

  synchronized void close() {
    closed = true;
  }

  synchronized int heldCount() {
    return held.size();
  }

  void open() {
    List<Runnable> release;
    synchronized (this) {
      closed = false;
      release = new ArrayList<>(held);
      held.clear();
    }
    for (Runnable r : release) start(r);
  }
}
