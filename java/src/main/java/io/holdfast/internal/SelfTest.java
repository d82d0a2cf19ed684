package io.holdfast.internal;

import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.Holdfast;
import io.holdfast.NativeIOException;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import io.holdfast.Timer;
import io.holdfast.UdpSocket;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code selftest}: prints the platform, the poller backend and where the native library came
 * from, then runs a quick battery of checks on loopback, each printed as {@code ok   <name>} or
 * {@code FAIL <name>: <reason>}, and ends with {@code N passed, M failed}. The whole run is bounded
 * (under 5 s): a check that does not finish in its share of the time fails as timed out.
 */
public final class SelfTest {
  private SelfTest() {}

  /** Time for the whole battery. */
  private static final long BUDGET_MILLIS = 4_500;
  /** Longest one check may take, so that a hung check leaves time for the others. */
  private static final long CHECK_MILLIS = 1_200;

  /** One check; throws (anything) to fail, with the message as the reason. */
  @FunctionalInterface
  private interface Check {
    void run() throws Exception;
  }

  /** End of the whole battery (System.nanoTime). */
  private static volatile long deadline;
  /** End of the running check's waits: a little before its thread is given up on. */
  private static volatile long checkDeadline;

  /**
   * Runs the selftest.
   *
   * @param out where the report goes
   * @return 0 when every check passed, 1 otherwise
   */
  public static int run(PrintStream out) {
    deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUDGET_MILLIS);
    out.println("holdfast selftest");
    out.println("jdk:      " + System.getProperty("java.version") + " ("
        + System.getProperty("java.vm.name") + ")");
    out.println("os:       " + System.getProperty("os.name"));
    out.println("arch:     " + System.getProperty("os.arch"));
    out.println("kernel:   " + System.getProperty("os.version"));
    if (!Holdfast.isAvailable()) {
      Throwable cause = Holdfast.unavailabilityCause();
      out.println("backend:  unknown");
      out.println("library:  not loaded");
      for (String line : Holdfast.loadReport()) out.println("  " + line);
      out.println("FAIL load native library: " + (cause == null ? "unknown cause" : oneLine(cause)));
      out.println("0 passed, 1 failed");
      return 1;
    }
    String backend;
    try (EventLoop probe = EventLoop.create()) {
      backend = probe.backend();
    } catch (RuntimeException | Error e) {
      backend = "unknown (" + oneLine(e) + ")";
    }
    out.println("backend:  " + backend);
    out.println("library:  " + Holdfast.libraryPath());
    out.flush();

    int baselineFds = openFds();
    int passed = 0;
    int failed = 0;
    Object[][] checks = {
      {"loop create/close", (Check) SelfTest::loopCreateClose},
      {"timers fire in deadline order", (Check) SelfTest::timerOrder},
      {"wakeup from another thread", (Check) SelfTest::wakeup},
      {"closed handle rejected (stale token)", (Check) SelfTest::staleToken},
      {"tcp loopback echo round trip", (Check) SelfTest::tcpEcho},
      {"refused connect gives ConnectException", (Check) SelfTest::refusedConnect},
      {"udp loopback round trip (sender address, order)", (Check) SelfTest::udpRoundTrip},
      {"fd count back to baseline", (Check) () -> fdsBackTo(baselineFds)},
    };
    for (Object[] c : checks) {
      String name = (String) c[0];
      String failure = runBounded((Check) c[1]);
      if (failure == null) {
        out.println("ok   " + name);
        passed++;
      } else {
        out.println("FAIL " + name + ": " + failure);
        failed++;
      }
      out.flush();
    }
    out.println(passed + " passed, " + failed + " failed");
    out.flush();
    return failed == 0 ? 0 : 1;
  }

  /** Runs a check on its own daemon thread; returns null on success, else the reason. */
  private static String runBounded(Check check) {
    long cap = Math.max(1, Math.min(CHECK_MILLIS, remainingMillis()));
    checkDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cap * 7 / 8);
    AtomicReference<Throwable> error = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        check.run();
      } catch (Throwable e) {
        error.set(e);
      }
    }, "holdfast-selftest");
    t.setDaemon(true);
    t.start();
    try {
      t.join(cap);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    if (t.isAlive()) {
      return remainingMillis() <= 0 ? "timed out (the selftest's " + BUDGET_MILLIS + " ms are used up)"
          : "timed out after " + CHECK_MILLIS + " ms";
    }
    Throwable e = error.get();
    return e == null ? null : oneLine(e);
  }

  private static long remainingMillis() {
    return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
  }

  /** How long one wait inside a check may take: up to the check's own deadline. */
  private static long waitMillis() {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(checkDeadline - System.nanoTime()));
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(waitMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError(what);
  }

  private static <T> T await(CompletableFuture<T> f, String what) throws Exception {
    try {
      return f.get(waitMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception) throw (Exception) cause;
      throw e;
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) throw new AssertionError(what);
  }

  private static String oneLine(Throwable e) {
    String msg = e.getMessage();
    String text = e instanceof AssertionError && msg != null ? msg
        : e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl) + " ...";
  }

  // ---- checks ----

  private static void loopCreateClose() throws Exception {
    for (int i = 0; i < 20; i++) {
      EventLoop loop = EventLoop.create();
      loop.run(); // nothing to do: returns at once
      loop.close();
      check(loop.isClosed(), "loop not closed after close()");
    }
    EventLoop started = EventLoop.create();
    Thread t = started.start("holdfast-selftest-loop");
    started.close();
    t.join(waitMillis());
    check(!t.isAlive(), "started loop's thread still alive after close()");
    check(started.isClosed(), "started loop not closed after close()");
  }

  private static void timerOrder() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("holdfast-selftest-timers");
      int[] delays = {60, 20, 40, 20, 0};
      List<Integer> fired = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch all = new CountDownLatch(delays.length);
      CompletableFuture<Void> started = new CompletableFuture<>();
      loop.execute(() -> {
        try {
          for (int i = 0; i < delays.length; i++) {
            final int id = i;
            Timer.create(loop).start(delays[i], () -> {
              fired.add(id);
              all.countDown();
            });
          }
          started.complete(null);
        } catch (Throwable e) {
          started.completeExceptionally(e);
        }
      });
      await(started, "timers were not started");
      await(all, "timers fired: " + fired + " of " + delays.length);
      check(fired.equals(List.of(4, 1, 3, 2, 0)), "fired in order " + fired + ", expected [4, 1, 3, 2, 0]");
    }
  }

  private static void wakeup() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      Thread loopThread = loop.start("holdfast-selftest-wakeup");
      // With nothing to do, the loop sleeps in the kernel without a timeout: only a wakeup helps.
      Thread.sleep(20);
      CompletableFuture<Thread> ranOn = new CompletableFuture<>();
      long t0 = System.nanoTime();
      loop.execute(() -> ranOn.complete(Thread.currentThread()));
      Thread on = await(ranOn, "task from another thread did not wake the sleeping loop");
      long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
      check(on == loopThread, "task ran on " + on.getName() + ", not the loop thread");
      check(micros < 500_000, "wakeup took " + micros / 1000 + " ms");
      // Several threads at once: every task runs, in each thread's order.
      int threads = 4;
      int tasks = 2_000;
      int[] next = new int[threads];
      CountDownLatch done = new CountDownLatch(threads * tasks);
      AtomicReference<String> problem = new AtomicReference<>();
      List<Thread> producers = new ArrayList<>();
      for (int p = 0; p < threads; p++) {
        final int producer = p;
        Thread t = new Thread(() -> {
          for (int i = 0; i < tasks; i++) {
            final int seq = i;
            loop.execute(() -> {
              if (next[producer] != seq) {
                problem.compareAndSet(null, "thread " + producer + ": task " + seq
                    + " ran when " + next[producer] + " was due");
              }
              next[producer] = seq + 1;
              done.countDown();
            });
          }
        }, "holdfast-selftest-producer-" + p);
        t.setDaemon(true);
        producers.add(t);
      }
      for (Thread t : producers) t.start();
      await(done, (threads * tasks - done.getCount()) + " of " + threads * tasks + " tasks ran");
      check(problem.get() == null, "order broken: " + problem.get());
    }
  }

  private static void staleToken() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("holdfast-selftest-stale");
      Timer old = Timer.create(loop);
      long oldToken = old.token();
      old.close();
      // Let the close complete so the slot can be reused by the next timer.
      CountDownLatch turned = new CountDownLatch(1);
      Timer.create(loop).start(5, turned::countDown);
      await(turned, "loop did not turn");
      Timer fresh = Timer.create(loop);
      check(fresh.token() != oldToken, "a new timer got the closed timer's token");
      // Keep the loop thread busy: a rejection that needed the loop (or the kernel) would hang.
      CountDownLatch release = new CountDownLatch(1);
      loop.execute(() -> {
        try {
          release.await(waitMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      try {
        try {
          old.start(1, () -> {});
          throw new AssertionError("start on a closed timer did not throw");
        } catch (HandleClosedException e) {
          check(e.getMessage().contains("closed"), "message: " + e.getMessage());
          check(e.token() == oldToken, "exception names token " + e.token());
        }
        try {
          old.stop();
          throw new AssertionError("stop on a closed timer did not throw");
        } catch (HandleClosedException expected) {
          // rejected in Java, on this thread, while the loop thread is busy
        }
        check(!old.isOpen() && old.token() == oldToken, "closed timer's facts changed");
      } finally {
        release.countDown();
      }
      CountDownLatch fired = new CountDownLatch(1);
      fresh.start(5, fired::countDown);
      await(fired, "the live timer in the reused slot did not fire");
    }
  }

  private static void tcpEcho() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("holdfast-selftest-tcp");
      TcpListener listener = TcpListener.bind(loop,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      listener.listen(s -> s.tryReadStart((st, data) -> {
        ByteBuffer copy = ByteBuffer.allocateDirect(data.remaining()).put(data).flip();
        try {
          st.write(copy, null);
        } catch (IOException e) {
          st.close();
        }
      }));
      int size = 256 * 1024;
      ByteBuffer message = ByteBuffer.allocateDirect(size);
      for (int i = 0; i < size; i++) message.put(i, (byte) (i * 31 + 7));
      ByteBuffer received = ByteBuffer.allocate(size);
      CompletableFuture<Void> echoed = new CompletableFuture<>();
      CompletableFuture<IOException> written = new CompletableFuture<>();
      TcpStream.connect(loop, listener.localAddress(), (s, err) -> {
        if (err != null) {
          echoed.completeExceptionally(err);
          return;
        }
        try {
          s.readStart((st, data) -> {
            if (data.remaining() > received.remaining()) {
              echoed.completeExceptionally(new AssertionError("more bytes echoed than sent"));
              return;
            }
            received.put(data);
            if (!received.hasRemaining()) echoed.complete(null);
          });
          s.write(message.duplicate(), written::complete);
        } catch (IOException e) {
          echoed.completeExceptionally(e);
        }
      });
      await(echoed, "echo incomplete: " + received.position() + " of " + size + " bytes back");
      IOException writeError = await(written, "write callback did not run");
      check(writeError == null, "write failed: " + writeError);
      received.flip();
      for (int i = 0; i < size; i++) {
        if (received.get(i) != message.get(i)) throw new AssertionError("byte " + i + " differs");
      }
    }
  }

  private static void udpRoundTrip() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("holdfast-selftest-udp");
      InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
      UdpSocket rx = UdpSocket.open(loop);
      rx.bind(any);
      UdpSocket tx = UdpSocket.open(loop); // bound by its first send
      int count = 32;
      CompletableFuture<Void> all = new CompletableFuture<>();
      AtomicReference<String> problem = new AtomicReference<>();
      int[] next = {0};
      rx.recvStart((s, data, from, truncated) -> {
        int seq = data.remaining() == 4 ? data.getInt(data.position()) : -1;
        if (seq != next[0] || truncated || from.getPort() != tx.localAddress().getPort()) {
          problem.compareAndSet(null, "datagram " + seq + " from " + from + ", expected "
              + next[0] + " from " + tx.localAddress());
        }
        if (++next[0] == count) all.complete(null);
      });
      for (int i = 0; i < count; i++) {
        tx.send(ByteBuffer.allocate(4).putInt(0, i), rx.localAddress(), null);
      }
      await(all, next[0] + " of " + count + " datagrams arrived");
      check(problem.get() == null, String.valueOf(problem.get()));
    }
  }

  private static void refusedConnect() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("holdfast-selftest-refused");
      // A bound socket that does not listen holds the port: a connect to it is refused.
      TcpListener notListening = TcpListener.bind(loop,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      CompletableFuture<IOException> outcome = new CompletableFuture<>();
      TcpStream.connect(loop, notListening.localAddress(), (s, err) -> outcome.complete(err));
      IOException e = await(outcome, "connect did not complete");
      check(e != null, "connect to a port nobody listens on succeeded");
      check(e instanceof ConnectException, "got " + e.getClass().getName() + ": " + e.getMessage());
      NativeIOException facts = Errors.facts(e);
      check(facts != null && facts.code().equals("ECONNREFUSED"),
          "facts: " + (facts == null ? "none" : facts.code()));
    }
  }

  private static void fdsBackTo(int baseline) throws Exception {
    if (baseline < 0) return; // no /proc/self/fd or /dev/fd here: nothing to compare
    int now = openFds();
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(500, waitMillis()));
    while (now != baseline && System.nanoTime() < until) {
      Thread.sleep(10);
      now = openFds();
    }
    check(now == baseline, now + " fds open, " + baseline + " before the checks");
  }

  /** @return the process's open fd count, or -1 where it cannot be listed */
  private static int openFds() {
    for (String dir : new String[] {"/proc/self/fd", "/dev/fd"}) {
      String[] names = new File(dir).list();
      if (names != null) return names.length;
    }
    return -1;
  }
}
