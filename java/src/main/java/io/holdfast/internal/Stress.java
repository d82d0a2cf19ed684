package io.holdfast.internal;

import io.holdfast.Callback;
import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.NativeIOException;
import io.holdfast.OperationCanceledException;
import io.holdfast.ReadHandler;
import io.holdfast.Stream;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proof a user can run: K threads race random operations (readStart, readStop, write,
 * shutdown, setNoDelay, transfer, transferTo, close, closeReset) on a shared set of live loopback
 * streams. The only failure a closed or moved handle may produce is
 * {@link HandleClosedException}; every write callback must run exactly once; every fd must be
 * closed and every loop's table empty at the end.
 */
public final class Stress {
  private static final int SLOTS = 48;
  /** Errors that mean a handle reached the kernel in a bad state, or a bug. */
  private static final List<String> FORBIDDEN = List.of("EBADF", "EINVAL", "EFAULT", "ENOTSOCK");
  /**
   * The state errors a live stream may give under this workload (a racing thread shut it down
   * first). Any other IllegalStateException, e.g. one for a closed or moved handle, is a failure:
   * those must be HandleClosedException.
   */
  private static final List<String> EXPECTED_STATE_ERRORS =
      List.of("write after shutdown", "shutdown already requested");

  /** What a run saw. */
  public static final class Result {
    public final LongAdder operations = new LongAdder();
    public final Map<String, LongAdder> rejections = new ConcurrentHashMap<>();
    public final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    public final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    public final AtomicLong writesIssued = new AtomicLong();
    public final AtomicLong writesCompleted = new AtomicLong();
    public final AtomicLong writesCanceled = new AtomicLong();
    public final AtomicLong doubleCallbacks = new AtomicLong();
    public long fdsBefore;
    public long fdsAfter;

    void count(Map<String, LongAdder> map, String key) {
      map.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** @return true if nothing but clean rejections and expected peer errors happened */
    public boolean ok() {
      return failures.isEmpty();
    }
  }

  private Stress() {}

  /**
   * Runs the {@code stress} command.
   *
   * @param argv {@code --seconds N --threads K}
   * @param out where the report goes
   * @return exit status: 0 when only clean rejections occurred
   * @throws Exception if the setup fails
   */
  public static int main(String[] argv, PrintStream out) throws Exception {
    int seconds = 5;
    int threads = 4;
    for (int i = 0; i < argv.length; i++) {
      String flag = argv[i];
      if (i + 1 >= argv.length) return usage(out, flag + " needs a value");
      String v = argv[++i];
      try {
        if (flag.equals("--seconds")) {
          seconds = Integer.parseInt(v);
        } else if (flag.equals("--threads")) {
          threads = Integer.parseInt(v);
        } else {
          return usage(out, "unknown option " + flag);
        }
      } catch (NumberFormatException e) {
        return usage(out, flag + " takes a number, got " + v);
      }
    }
    if (seconds < 1 || seconds > 86_400) return usage(out, "--seconds must be 1..86400");
    if (threads < 1 || threads > 256) return usage(out, "--threads must be 1..256");
    Result r = run(seconds * 1000L, threads);
    report(r, out);
    return r.ok() ? 0 : 1;
  }

  private static int usage(PrintStream out, String problem) {
    out.println("stress: " + problem);
    out.println("usage: stress [--seconds N] [--threads K]");
    return 2;
  }

  /** Prints the report of a run. */
  public static void report(Result r, PrintStream out) {
    out.printf("operations: %,d%n", r.operations.sum());
    out.println("rejections: " + sorted(r.rejections));
    out.println("errors by code: " + sorted(r.errors));
    out.printf("writes: %,d issued, %,d completed (%,d canceled), %d completed twice%n",
        r.writesIssued.get(), r.writesCompleted.get(), r.writesCanceled.get(),
        r.doubleCallbacks.get());
    out.println("fds: " + r.fdsBefore + " before, " + r.fdsAfter + " after");
    if (r.ok()) {
      out.println("RESULT: ok (only clean rejections)");
    } else {
      out.println("RESULT: FAILED");
      synchronized (r.failures) {
        for (String f : r.failures.subList(0, Math.min(20, r.failures.size()))) {
          out.println("  " + f);
        }
      }
    }
  }

  private static Map<String, Long> sorted(Map<String, LongAdder> m) {
    Map<String, Long> s = new TreeMap<>();
    m.forEach((k, v) -> s.put(k, v.sum()));
    return s;
  }

  static long openFds() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  /**
   * Runs the race workload.
   *
   * @param millis how long the threads race
   * @param threadCount how many racing threads
   * @return what happened
   * @throws Exception if the setup fails
   */
  public static Result run(long millis, int threadCount) throws Exception {
    Result r = new Result();
    warmUp();
    r.fdsBefore = openFds();
    EventLoop main = EventLoop.create();
    EventLoop other = EventLoop.create();
    main.setExceptionHandler((h, t) -> r.failures.add("callback of " + h + " threw " + t));
    other.setExceptionHandler((h, t) -> r.failures.add("callback of " + h + " threw " + t));
    main.start("holdfast-stress-main");
    other.start("holdfast-stress-other");
    AtomicReferenceArray<Stream> slots = new AtomicReferenceArray<>(SLOTS);
    ReadHandler sink = new ReadHandler() {
      @Override
      public void onData(Stream stream, ByteBuffer data) {
        data.position(data.limit());
      }

      @Override
      public void onError(Stream stream, IOException error) {
        classify(r, error, "read");
      }
    };
    TcpListener listener = TcpListener.bind(main, new InetSocketAddress("127.0.0.1", 0));
    AtomicLong acceptSlot = new AtomicLong();
    listener.listen(s -> {
      s.tryReadStart(sink);
      Stream old = slots.getAndSet((int) (acceptSlot.getAndIncrement() % SLOTS), s);
      if (old != null) old.close();
    });
    InetSocketAddress address = listener.localAddress();
    for (int i = 0; i < SLOTS; i++) slots.set(i, connect(main, address, r));
    ByteBuffer payload = ByteBuffer.allocateDirect(256);
    long deadline = System.nanoTime() + millis * 1_000_000L;
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < threadCount; t++) {
      Thread th = new Thread(() -> {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (System.nanoTime() < deadline) {
          int i = rnd.nextInt(SLOTS);
          Stream s = slots.get(i);
          if (s == null) continue;
          r.operations.increment();
          try {
            operate(rnd.nextInt(100), s, i, slots, sink, payload, main, other, address, r);
          } catch (HandleClosedException e) {
            r.count(r.rejections, e.reason().name());
          } catch (IllegalStateException e) {
            if (EXPECTED_STATE_ERRORS.contains(e.getMessage())) {
              r.count(r.rejections, "state: " + e.getMessage());
            } else {
              r.failures.add("unexpected " + e);
            }
          } catch (IOException e) {
            classify(r, e, "op");
          } catch (Throwable e) {
            r.failures.add("unexpected " + e);
          }
        }
      }, "holdfast-stress-" + t);
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) th.join();
    // Tear down: close everything, then every write callback must have run exactly once.
    listener.close();
    for (int i = 0; i < SLOTS; i++) {
      Stream s = slots.getAndSet(i, null);
      if (s != null) s.close();
    }
    long waitUntil = System.nanoTime() + 10_000_000_000L;
    while (r.writesCompleted.get() < r.writesIssued.get() && System.nanoTime() < waitUntil) {
      Thread.sleep(10);
    }
    // Every stream the workload made is in a slot or was closed by it: once the slots are swept
    // (a late accept or move may refill one), both loops' native tables must empty.
    long tablesBy = System.nanoTime() + 10_000_000_000L;
    int live;
    do {
      for (int i = 0; i < SLOTS; i++) {
        Stream s = slots.getAndSet(i, null);
        if (s != null) s.close();
      }
      live = main.handles().size() + other.handles().size();
      if (live > 0) Thread.sleep(10);
    } while (live > 0 && System.nanoTime() < tablesBy);
    if (live != 0) {
      r.failures.add("handle tables not empty after every handle closed: " + main.handles()
          + " " + other.handles());
    }
    main.close();
    other.close();
    if (r.writesCompleted.get() != r.writesIssued.get()) {
      r.failures.add("write callbacks: " + r.writesIssued.get() + " issued, "
          + r.writesCompleted.get() + " completed");
    }
    if (r.doubleCallbacks.get() > 0) r.failures.add(r.doubleCallbacks.get() + " double callbacks");
    r.fdsAfter = openFds();
    if (r.fdsAfter > r.fdsBefore) {
      r.failures.add("fd leak: " + r.fdsBefore + " before, " + r.fdsAfter + " after");
    }
    return r;
  }

  /**
   * One connection cycle before counting fds, so the JVM's lazily opened fds (class path jars,
   * entropy devices, its IPv6 probe socket) are not mistaken for leaks.
   */
  private static void warmUp() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      TcpListener l = TcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
      l.listen(Stream::close);
      TcpStream.connect(loop, l.localAddress(), (s, err) -> {
        s.close();
        l.close();
      });
      loop.run();
    }
  }

  private static TcpStream connect(EventLoop loop, InetSocketAddress address, Result r)
      throws IOException {
    return TcpStream.connect(loop, address, (s, err) -> {
      if (err != null && !(err instanceof OperationCanceledException)) classify(r, err, "connect");
    });
  }

  private static void operate(int dice, Stream s, int i, AtomicReferenceArray<Stream> slots,
      ReadHandler sink, ByteBuffer payload, EventLoop main, EventLoop other,
      InetSocketAddress address, Result r) throws IOException {
    if (dice < 20) {
      s.readStart(sink);
    } else if (dice < 30) {
      s.readStop();
    } else if (dice < 60) {
      AtomicBoolean done = new AtomicBoolean();
      Callback cb = err -> {
        if (!done.compareAndSet(false, true)) {
          r.doubleCallbacks.incrementAndGet();
          return;
        }
        if (err instanceof OperationCanceledException) {
          r.writesCanceled.incrementAndGet();
        } else if (err != null) {
          classify(r, err, "write");
        }
        r.writesCompleted.incrementAndGet();
      };
      // Count the write only once write() accepted it: a rejected write has no callback.
      r.writesIssued.incrementAndGet();
      try {
        s.write(payload.duplicate(), cb);
      } catch (HandleClosedException | IllegalStateException e) {
        r.writesIssued.decrementAndGet();
        throw e;
      }
    } else if (dice < 65) {
      s.shutdown(null);
    } else if (dice < 75) {
      if (s instanceof TcpStream) ((TcpStream) s).setNoDelay(dice % 2 == 0);
    } else if (dice < 83) {
      Stream moved = s.transfer();
      if (!slots.compareAndSet(i, s, moved)) moved.close();
    } else if (dice < 87 && s instanceof TcpStream && s.loop() != other) {
      ((TcpStream) s).transferTo(other, n -> {
        if (!slots.compareAndSet(i, s, n)) n.close();
      });
    } else if (dice < 95) {
      s.close();
      replace(slots, i, s, main, address, r);
    } else {
      if (s instanceof TcpStream) ((TcpStream) s).closeReset();
      replace(slots, i, s, main, address, r);
    }
  }

  private static void replace(AtomicReferenceArray<Stream> slots, int i, Stream old,
      EventLoop loop, InetSocketAddress address, Result r) throws IOException {
    TcpStream fresh = connect(loop, address, r);
    if (!slots.compareAndSet(i, old, fresh)) fresh.close();
  }

  /** Sorts an error into expected peer errors and forbidden ones. */
  static void classify(Result r, Throwable e, String where) {
    if (e instanceof HandleClosedException) {
      r.count(r.rejections, ((HandleClosedException) e).reason().name());
      return;
    }
    NativeIOException facts = Errors.facts(e);
    if (facts == null) {
      r.failures.add(where + ": unexpected " + e);
      return;
    }
    r.count(r.errors, facts.code());
    if (FORBIDDEN.contains(facts.code()) || facts.code().startsWith("UNKNOWN")) {
      r.failures.add(where + ": " + facts.getMessage());
    }
  }
}
