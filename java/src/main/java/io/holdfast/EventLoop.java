package io.holdfast;

import io.holdfast.internal.Errors;
import io.holdfast.internal.LoopNative;
import io.holdfast.internal.MemoryNative;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * An event loop: one thread polls the kernel, performs ready I/O and runs the callbacks of the
 * handles it owns (timers, listeners, streams).
 *
 * <p>Thread-safety: every method may be called from any thread. {@link #execute} hands work to
 * the loop thread and wakes it. Handles' operations called from other threads are handed to the
 * loop the same way; callbacks always run on the loop thread. An exception thrown by a callback
 * goes to the {@linkplain #setExceptionHandler exception handler} and never stops the loop.
 *
 * <p>Ownership: the loop owns every handle created on it; {@link #close()} closes them all,
 * completing their pending requests as canceled, and frees the native loop.
 *
 * <p>Introspection: {@link #metrics()} (counters, event-loop lag, slow callbacks),
 * {@link #handles()} and {@link #dump()} (the live handles); while the loop is open the same is
 * visible over JMX as an {@link EventLoopMXBean} named
 * {@code io.holdfast:type=EventLoop,name=<name>}, and the loop emits JFR events (category
 * {@code Holdfast}).
 */
public final class EventLoop implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());
  static final int EVENT_SIZE = 32;
  private static final int BATCH_CAPACITY = 1024;
  private static final int ARENA_SIZE = 512 * 1024;
  private static final int SCRATCH_SIZE = 64 * 1024;
  private static final AtomicLong IDS = new AtomicLong();
  /** Tasks a turn runs before polling again: producers outpacing the loop cannot starve it. */
  private static final int TASKS_PER_TURN = 4096;

  private final String name;
  final LoopStats stats;
  private final Object mbeanName;

  private final long ptr;
  private final ByteBuffer events;
  private final ByteBuffer arena;
  private final ByteBuffer arenaView;
  private final ByteBuffer scratch;
  private final long scratchAddress;
  private HandleBase[] bySlot = new HandleBase[64];
  private int handleCount;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakePending = new AtomicBoolean();
  /** Held by the running loop thread, or briefly by a caller touching an idle loop. */
  private final ReentrantLock runLock = new ReentrantLock();
  /** Claimed by run/runOnce/start: one runner at a time. */
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile Thread runner;
  private volatile boolean stopRequested;
  private volatile boolean closeRequested;
  private volatile boolean closed;
  /** Set by close() before its last drain of the task queue: execute() refuses from then on. */
  private volatile boolean refusing;
  private volatile Thread startedThread;
  private volatile BiConsumer<Handle, Throwable> exceptionHandler;
  /** Referenced active handles (loop thread). */
  int activeRefs;

  private EventLoop(String name) {
    Holdfast.ensureAvailable();
    long id = IDS.incrementAndGet();
    this.name = name != null ? name : "loop-" + id;
    events = ByteBuffer.allocateDirect(BATCH_CAPACITY * EVENT_SIZE).order(ByteOrder.nativeOrder());
    arena = ByteBuffer.allocateDirect(ARENA_SIZE);
    arenaView = arena.duplicate();
    scratch = ByteBuffer.allocateDirect(SCRATCH_SIZE).order(ByteOrder.nativeOrder());
    scratchAddress = MemoryNative.address(scratch);
    long rc = LoopNative.create(MemoryNative.address(events), BATCH_CAPACITY,
        MemoryNative.address(arena), ARENA_SIZE);
    if (rc < 0) throw new IllegalStateException("cannot create loop: " + Errors.name((int) rc));
    ptr = rc;
    stats = new LoopStats(this.name);
    mbeanName = LoopJmx.register(this, id); // null when JMX is unavailable: never fails
  }

  /**
   * Creates a loop. It runs when a thread calls {@link #run()} or {@link #start(String)}.
   *
   * @return the new loop
   * @throws UnsatisfiedLinkError if the native library cannot be loaded
   * @throws IllegalStateException if the kernel refuses the poller (e.g. out of fds)
   */
  public static EventLoop create() {
    return new EventLoop(null);
  }

  /**
   * Creates a loop with a name, shown by {@link #dump()}, {@link #metrics()}, JMX and JFR.
   *
   * @param name the loop's name, e.g. {@code worker-3}
   * @return the new loop
   * @throws NullPointerException if name is null
   * @throws IllegalArgumentException if name is empty
   * @throws UnsatisfiedLinkError if the native library cannot be loaded
   * @throws IllegalStateException if the kernel refuses the poller (e.g. out of fds)
   */
  public static EventLoop create(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) throw new IllegalArgumentException("empty loop name");
    return new EventLoop(name);
  }

  /** @return the loop's name: the one given to {@link #create(String)}, else {@code loop-<id>} */
  public String name() {
    return name;
  }

  long ptr() {
    return ptr;
  }

  ByteBuffer scratch() {
    return scratch;
  }

  long scratchAddress() {
    return scratchAddress;
  }

  /**
   * Runs the loop on the calling thread until {@link #stop()} is called or no referenced handle is
   * active and no task is queued.
   *
   * @throws IllegalStateException if another thread is running the loop or it is closed
   */
  public void run() {
    claim();
    runLoop(false, false);
  }

  private void claim() {
    if (closed) throw new IllegalStateException("loop is closed");
    if (!running.compareAndSet(false, true)) {
      throw new IllegalStateException("loop is already being run by another thread");
    }
  }

  /**
   * Runs one turn: queued tasks, then one poll (blocking while nothing is ready, if a referenced
   * handle is active), then the callbacks of what happened.
   *
   * @return true if referenced handles are still active or tasks are queued
   * @throws IllegalStateException if another thread is running the loop or it is closed
   */
  public boolean runOnce() {
    claim();
    return runLoop(true, false);
  }

  /**
   * Starts a new thread that runs this loop until {@link #stop()} or {@link #close()}, whether or
   * not handles are active.
   *
   * @param threadName the thread's name
   * @return the started thread
   * @throws NullPointerException if threadName is null
   * @throws IllegalStateException if the loop is already started, running or closed
   */
  public Thread start(String threadName) {
    Objects.requireNonNull(threadName, "threadName");
    synchronized (this) {
      if (closed || closeRequested) throw new IllegalStateException("loop is closed");
      claim();
      Thread t = new Thread(() -> runLoop(false, true), threadName);
      t.setDaemon(false);
      startedThread = t;
      t.start();
      return t;
    }
  }

  private boolean runLoop(boolean once, boolean untilStopped) {
    runLock.lock(); // waits only for a caller that is touching the idle loop
    try {
      if (closed) throw new IllegalStateException("loop is closed");
      runner = Thread.currentThread();
      try {
        do {
          runTasks(TASKS_PER_TURN);
          if (stopRequested || closeRequested) break;
          boolean alive = untilStopped || activeRefs > 0 || !tasks.isEmpty();
          if (!alive) break;
          turn(alive ? -1 : 0);
        } while (!once);
      } finally {
        stopRequested = false;
        if (closeRequested) closeNow();
        runner = null;
      }
      return !closed && (activeRefs > 0 || !tasks.isEmpty());
    } finally {
      runLock.unlock();
      running.set(false);
    }
  }

  private void turn(int timeout) {
    wakePending.set(false);
    if (!tasks.isEmpty() || stopRequested) timeout = 0;
    long entered = System.nanoTime();
    int n = LoopNative.poll(ptr, timeout);
    long polled = System.nanoTime();
    wakePending.set(true);
    if (n < 0) {
      report(null, new IllegalStateException("poll failed: " + Errors.name(n)));
      return;
    }
    dispatch(n, polled - entered, polled);
  }

  /**
   * Dispatches a batch. Per event: one nanoTime (the end of a callback is the start of the next)
   * and a few additions in locals; the sums reach {@link #stats} once per batch.
   */
  private void dispatch(int n, long idleNanos, long polled) {
    ByteBuffer ev = events;
    long threshold = stats.thresholdNanos();
    long now = polled;
    long lagSum = 0;
    long lagMax = 0;
    int dispatched = 0;
    for (int i = 0; i < n; i++) {
      int base = i * EVENT_SIZE;
      int kind = ev.getInt(base + 8);
      if (kind == 0) continue; // dropped: its handle closed after the batch was filled
      HandleBase h = lookup(ev.getLong(base));
      if (h == null) continue;
      long start = now;
      long lag = start - polled; // readiness approximated by the poll's return
      lagSum += lag;
      if (lag > lagMax) lagMax = lag;
      dispatched++;
      try {
        if (kind == HandleBase.EV_CLOSE) {
          h.onCloseEvent();
        } else {
          try {
            h.onEvent(kind, ev.getInt(base + 12), ev.getLong(base + 16), ev.getInt(base + 24),
                ev.getInt(base + 28));
          } finally {
            h.afterEvent(); // e.g. a move waiting for quiet retries, even after a throw
          }
        }
      } catch (Throwable t) {
        report(h, t);
      }
      now = System.nanoTime();
      if (now - start > threshold) stats.slow(h, kind, now - start, threshold);
    }
    stats.turn(idleNanos, dispatched, lagSum, lagMax);
  }

  /** Runs up to max queued tasks, in order; each is timed for the slow-callback report. */
  private void runTasks(int max) {
    Runnable task = tasks.poll();
    if (task == null) return;
    long threshold = stats.thresholdNanos();
    long now = System.nanoTime();
    int ran = 0;
    do {
      long start = now;
      ran++;
      runTask(task);
      now = System.nanoTime();
      if (now - start > threshold) stats.slow(null, -1, now - start, threshold);
    } while (ran < max && (task = tasks.poll()) != null);
    stats.tasks(ran);
  }

  /**
   * Runs queued tasks, in order, until done holds or the queue is empty (the caller holds
   * runLock, so nobody else takes tasks meanwhile). Bounded by the tasks queued ahead of the
   * caller's own, which is how the caller knows when to stop, whatever other threads add.
   */
  private void runTasksUntil(java.util.function.BooleanSupplier done) {
    Runnable task;
    while (!done.getAsBoolean() && (task = tasks.poll()) != null) runTask(task);
  }

  private void runTask(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      report(null, t);
    }
  }

  /** Runs the tasks queued before this call (holding runLock), then r. */
  private void runQueuedThen(Runnable r) {
    boolean[] reached = new boolean[1];
    tasks.add(() -> reached[0] = true);
    runTasksUntil(() -> reached[0]);
    r.run();
  }

  /** The read arena positioned on one read's data; valid until the callback returns. */
  ByteBuffer readView(int offset, int length) {
    arenaView.clear();
    arenaView.limit(offset + length).position(offset);
    return arenaView;
  }

  /**
   * Stops {@link #run()} after the current turn. The loop can be run again.
   */
  public void stop() {
    stopRequested = true;
    wakeup();
  }

  /**
   * Queues a task to run on the loop thread, in order, and wakes the loop.
   *
   * @param task the task
   * @throws NullPointerException if task is null
   * @throws RejectedExecutionException if the loop is closed
   */
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (refusing) throw new RejectedExecutionException("loop is closed");
    tasks.add(task);
    // close() may have started its last drain meanwhile: take the task back and refuse it,
    // unless that drain already ran it. Either way no accepted task is dropped.
    if (refusing && tasks.remove(task)) throw new RejectedExecutionException("loop is closed");
    if (Thread.currentThread() != runner) wakeup();
  }

  private void wakeup() {
    if (!wakePending.get() && wakePending.compareAndSet(false, true)) {
      synchronized (this) {
        if (!closed) LoopNative.wake(ptr);
      }
    }
  }

  /** @return true if the calling thread is the one running this loop */
  public boolean inEventLoop() {
    return Thread.currentThread() == runner;
  }

  /**
   * Runs r now if the caller may touch the native loop (it is the loop thread, or the loop is idle
   * and we hold it), else hands it to the loop.
   */
  void runOrSubmit(Runnable r) {
    if (Thread.currentThread() == runner) {
      r.run();
    } else if (runLock.tryLock()) {
      try {
        // Tasks queued while the loop was still running go first: operations keep their order.
        // On a closed loop r still runs: every handle is stale by then, so it only completes
        // callbacks and touches nothing native.
        runQueuedThen(r);
      } finally {
        runLock.unlock();
      }
    } else {
      try {
        execute(r);
      } catch (RejectedExecutionException e) {
        // The loop is closing: wait until it is closed, then run r (every handle is stale by
        // then, so r only completes callbacks and touches nothing native).
        runLock.lock();
        try {
          runQueuedThen(r);
        } finally {
          runLock.unlock();
        }
      }
    }
  }

  /** Runs c where the native loop may be touched and returns its result, waiting if needed. */
  <T> T call(Callable<T> c) throws Exception {
    if (Thread.currentThread() == runner) return c.call();
    if (closed) throw new IllegalStateException("loop is closed");
    CompletableFuture<T> f = new CompletableFuture<>();
    Runnable task = () -> {
      try {
        f.complete(c.call());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    };
    if (!runLock.tryLock()) {
      execute(task);
      // The runner may be leaving run() with our task still queued: whoever holds the idle loop
      // next runs the queue, so keep trying to become that holder while waiting. Holding it, we
      // fall through to the unlock below even if the task completed meanwhile.
      for (;;) {
        try {
          return Handles.unwrap(f, 10);
        } catch (java.util.concurrent.TimeoutException e) {
          if (runLock.tryLock()) break;
        }
      }
    } else {
      tasks.add(task);
    }
    try {
      if (closed && !f.isDone()) throw new IllegalStateException("loop is closed");
      runTasksUntil(f::isDone);
    } finally {
      runLock.unlock();
    }
    return Handles.unwrap(f, 0);
  }

  /**
   * Sets what receives exceptions thrown by callbacks (default: logged as a warning through
   * {@link System.Logger}).
   *
   * @param handler receives the handle whose callback threw (or null) and the exception
   * @throws NullPointerException if handler is null
   */
  public void setExceptionHandler(BiConsumer<Handle, Throwable> handler) {
    exceptionHandler = Objects.requireNonNull(handler, "handler");
  }

  void report(Handle h, Throwable t) {
    BiConsumer<Handle, Throwable> handler = exceptionHandler;
    try {
      if (handler != null) {
        handler.accept(h, t);
        return;
      }
    } catch (Throwable inner) {
      t.addSuppressed(inner);
    }
    LOG.log(System.Logger.Level.WARNING, "callback of " + h + " threw", t);
  }

  /** Runs a user callback; an exception goes to the exception handler. */
  void runUser(Handle h, Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      report(h, t);
    }
  }

  void register(HandleBase h) {
    int slot = (int) h.token;
    if (slot >= bySlot.length) {
      HandleBase[] bigger = new HandleBase[Math.max(slot + 1, bySlot.length * 2)];
      System.arraycopy(bySlot, 0, bigger, 0, bySlot.length);
      bySlot = bigger;
    }
    bySlot[slot] = h;
    handleCount++;
    stats.handleAdded(h);
  }

  void unregister(HandleBase h) {
    int slot = (int) h.token;
    if (slot < bySlot.length && bySlot[slot] == h) {
      bySlot[slot] = null;
      handleCount--;
      stats.handleRemoved(h);
    }
  }

  /** The Java object of a live token, or null (loop thread). */
  HandleBase lookup(long token) {
    int slot = (int) token;
    if (slot < 0 || slot >= bySlot.length) return null;
    HandleBase h = bySlot[slot];
    return h != null && h.token == token ? h : null;
  }

  /**
   * A snapshot of the loop's live handles, as the native table sees them, with what Java knows
   * of each (addresses, byte counters, age). Taken on the loop thread: from another thread it
   * waits for the current turn's callbacks to finish.
   *
   * @return one entry per live handle, in slot order
   * @throws IllegalStateException if the loop is closed
   */
  public List<HandleInfo> handles() {
    try {
      return call(() -> LoopHandles.snapshot(this));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A readable report: a header line with the loop's name, backend and metrics, then one line
   * per live handle (type, token, state, addresses, bytes read and written, age).
   *
   * @return the multi-line report
   * @throws IllegalStateException if the loop is closed
   */
  public String dump() {
    return LoopHandles.dump(this, handles());
  }

  /**
   * An immutable snapshot of the loop's counters. Never blocks the loop and may be called from
   * any thread, also while the loop runs; see {@link LoopMetrics} for what each counter means.
   *
   * @return the counters since the loop was created (still readable after close)
   */
  public LoopMetrics metrics() {
    return stats.snapshot();
  }

  /**
   * Sets how long a callback (or task) may hold the loop thread before it is reported as slow in
   * {@link #metrics()} and as a JFR {@code io.holdfast.SlowCallback} event. The default is 50 ms,
   * or the system property {@code holdfast.slowCallbackThresholdMillis}.
   *
   * @param threshold the threshold, positive
   * @throws NullPointerException if threshold is null
   * @throws IllegalArgumentException if threshold is zero or negative
   */
  public void setSlowCallbackThreshold(Duration threshold) {
    stats.setThreshold(threshold);
  }

  /** @return the current slow-callback threshold (see {@link #setSlowCallbackThreshold}) */
  public Duration slowCallbackThreshold() {
    return Duration.ofNanos(stats.thresholdNanos());
  }

  /** @return the name of the poller backend, e.g. {@code epoll} */
  public String backend() {
    return LoopHandles.backendName();
  }

  /** @return true once {@link #close()} finished */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Closes every handle (their pending requests complete as canceled, their close callbacks run),
   * then frees the native loop. From the loop thread (a callback) it takes effect when the current
   * turn ends; from another thread it waits until then. Idempotent.
   */
  @Override
  public void close() {
    if (closed) return;
    closeRequested = true;
    if (Thread.currentThread() == runner) {
      stopRequested = true;
      return;
    }
    stopRequested = true;
    wakeup();
    Thread started = startedThread;
    if (started != null && started != Thread.currentThread()) {
      try {
        started.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    runLock.lock();
    try {
      closeNow();
    } finally {
      runLock.unlock();
    }
  }

  /** Closes all handles, delivers their last events, frees the loop (holding runLock). */
  private void closeNow() {
    if (closed) return;
    Thread previous = runner;
    runner = Thread.currentThread();
    try {
      // While execute() still accepts, other threads may keep adding: a bounded number of turns.
      closeAll(16, TASKS_PER_TURN);
      // From here execute() refuses; every task that got in before still runs, then the loop is
      // freed. No new task arrives, so draining the queue whole is bounded.
      refusing = true;
      closeAll(1000, Integer.MAX_VALUE);
    } finally {
      refusing = true;
      synchronized (this) {
        closed = true;
        LoopNative.close(ptr);
      }
      LoopJmx.unregister(mbeanName);
      runner = previous;
    }
  }

  /** Runs tasks and closes handles until none is left (bounded), delivering their events. */
  private void closeAll(int rounds, int tasksPerRound) {
    for (int round = 0; round < rounds; round++) {
      runTasks(tasksPerRound);
      for (HandleBase h : bySlot) {
        if (h == null) continue;
        h.loopClosing(); // e.g. a move still waiting for its stream to be quiet gives up
        h.closeWith(false, "its loop was closed");
      }
      if (handleCount == 0 && tasks.isEmpty()) break;
      int n = LoopNative.poll(ptr, 0);
      if (n > 0) dispatch(n, 0, System.nanoTime());
    }
  }

  /** Bytes accepted by write and not completed, over every stream of this loop (loop thread). */
  long queuedWriteBytes() {
    long total = 0;
    for (HandleBase h : bySlot) {
      if (h instanceof StreamBase && h.isOpen()) total += ((StreamBase) h).writeQueueSize();
    }
    return total;
  }

  /** @return number of handles Java knows as live on this loop (for tests) */
  int liveHandleCount() {
    return handleCount;
  }
}
