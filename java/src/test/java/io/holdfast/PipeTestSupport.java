package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.holdfast.internal.Errors;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Shared helpers of the pipe tests: a running loop, temp dirs for socket files, fd counting. */
final class PipeTestSupport {
  private PipeTestSupport() {}

  static final long WAIT_SECONDS = 10;

  /** A loop on its own thread; callback exceptions are recorded and fail {@link #close()}. */
  static final class Running implements AutoCloseable {
    final EventLoop loop = EventLoop.create();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final Thread thread;

    Running(String name) {
      loop.setExceptionHandler((h, t) -> errors.add(t));
      thread = loop.start(name);
    }

    /** Runs c on the loop thread and returns its result. */
    <T> T call(Callable<T> c) throws Exception {
      CompletableFuture<T> f = new CompletableFuture<>();
      loop.execute(() -> {
        try {
          f.complete(c.call());
        } catch (Throwable t) {
          f.completeExceptionally(t);
        }
      });
      try {
        return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception) throw (Exception) e.getCause();
        throw e;
      }
    }

    @Override
    public void close() throws InterruptedException {
      loop.close();
      thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertFalse(thread.isAlive(), "loop thread still running");
      if (!errors.isEmpty()) {
        AssertionError e = new AssertionError("callbacks threw: " + errors);
        errors.forEach(e::addSuppressed);
        throw e;
      }
    }
  }

  /** A fresh directory for socket files (short: sun_path holds 107 bytes). */
  static Path tempDir() throws IOException {
    return Files.createTempDirectory(Path.of("/tmp"), "hf-pipe-");
  }

  static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) return;
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  static int fdCount() {
    String[] fds = new File("/proc/self/fd").list();
    if (fds == null) throw new IllegalStateException("/proc/self/fd is not readable");
    return fds.length;
  }

  /** Waits until the fd count is at most expected (closing happens on loop threads). */
  static int awaitFdCount(int expected) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int n;
    while ((n = fdCount()) > expected && System.nanoTime() < until) Thread.sleep(10);
    return n;
  }

  /**
   * The fd count to compare against, taken after one loop with a TCP and a pipe connection was
   * opened and closed, so the JVM's lazily opened fds are already counted.
   */
  static int baselineFdCount() throws Exception {
    Path dir = tempDir();
    try (Running r = new Running("fd-warm-up")) {
      PipeListener l = PipeListener.bind(r.loop, dir.resolve("warm.sock").toString());
      CompletableFuture<PipeStream> accepted = new CompletableFuture<>();
      l.listen(accepted::complete);
      PipeStream c = connect(r.loop, l.localAddress());
      accepted.get(WAIT_SECONDS, TimeUnit.SECONDS).close();
      c.close();
      l.close();
      TcpListener tl = TcpListener.bind(r.loop, new InetSocketAddress("127.0.0.1", 0));
      CompletableFuture<TcpStream> tAccepted = new CompletableFuture<>();
      tl.listen(tAccepted::complete);
      CompletableFuture<TcpStream> tc = new CompletableFuture<>();
      TcpStream.connect(r.loop, tl.localAddress(), (s, e) -> tc.complete(s));
      tc.get(WAIT_SECONDS, TimeUnit.SECONDS).close();
      tAccepted.get(WAIT_SECONDS, TimeUnit.SECONDS).close();
      tl.close();
    } finally {
      deleteTree(dir);
    }
    return fdCount();
  }

  /** Connects and waits; fails on a connect error. */
  static PipeStream connect(EventLoop loop, PipeAddress address) throws Exception {
    CompletableFuture<java.io.IOException> done = new CompletableFuture<>();
    PipeStream s = PipeStream.connect(loop, address, (st, e) -> done.complete(e),
        PipeStream.Options.defaults());
    java.io.IOException e = done.get(WAIT_SECONDS, TimeUnit.SECONDS);
    if (e != null) throw new AssertionError("connect to " + address + " failed", e);
    return s;
  }

  static void waitUntil(BooleanSupplier cond, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) fail("timed out: " + what);
      Thread.sleep(5);
    }
  }

  static void waitUntil(BooleanSupplier cond, java.util.function.Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) fail("timed out: " + what.get());
      Thread.sleep(5);
    }
  }

  static byte[] bytes(ByteBuffer data) {
    byte[] b = new byte[data.remaining()];
    data.duplicate().get(b);
    return b;
  }

  static ByteBuffer direct(byte[] b) {
    return ByteBuffer.allocateDirect(b.length).put(b).flip();
  }

  /** Asserts that e (or its cause) carries the native facts code and syscall. */
  static NativeIOException assertFacts(Throwable e, String code, String syscall) {
    NativeIOException facts = Errors.facts(e);
    assertNotNull(facts, () -> "no NativeIOException in " + e);
    assertEquals(code, facts.code(), () -> "code of " + e);
    assertEquals(syscall, facts.syscall(), () -> "syscall of " + e);
    return facts;
  }
}
