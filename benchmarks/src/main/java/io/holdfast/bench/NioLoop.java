package io.holdfast.bench;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A minimal java.nio event loop: one Selector on one thread, tasks from other threads, each key's
 * attachment told when its channel is ready. What a careful hand-written NIO server does.
 */
final class NioLoop implements AutoCloseable {
  /** What a key's attachment implements. */
  interface Ready {
    void ready(SelectionKey key) throws IOException;
  }

  final Selector selector;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private final Consumer<SelectionKey> dispatch = this::dispatch; // one allocation, not per select
  private volatile boolean closing;
  private volatile Throwable failure;

  NioLoop(String name) throws IOException {
    selector = Selector.open();
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs task on the loop thread, in order. */
  void execute(Runnable task) {
    tasks.add(task);
    if (Thread.currentThread() != thread) selector.wakeup();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  Throwable failure() {
    return failure;
  }

  private void run() {
    try {
      while (!closing) {
        runTasks();
        if (tasks.isEmpty()) selector.select(dispatch, 1000);
        else selector.selectNow(dispatch);
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      for (SelectionKey k : selector.keys()) closeQuietly(k);
      closeQuietly(selector);
    }
  }

  private void runTasks() {
    Runnable r;
    while ((r = tasks.poll()) != null) r.run();
  }

  private void dispatch(SelectionKey key) {
    try {
      ((Ready) key.attachment()).ready(key);
    } catch (IOException e) {
      closeQuietly(key);
    }
  }

  static void closeQuietly(SelectionKey key) {
    key.cancel();
    closeQuietly(key.channel());
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // tearing down: nothing to do about it
    }
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    selector.wakeup();
    thread.join(10_000);
  }
}
