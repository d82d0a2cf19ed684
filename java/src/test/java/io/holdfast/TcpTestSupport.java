package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.holdfast.internal.Errors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Shared helpers of the TCP tests: a loop running on its own thread that is always closed, waits
 * with deadlines, fd counting through {@code /proc/self/fd}, connected pairs, plain-socket peers.
 */
final class TcpTestSupport {
  private TcpTestSupport() {}

  /** Default bound for every wait in the TCP tests. */
  static final long WAIT_MILLIS = 10_000;

  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /**
   * An {@link EventLoop} running on its own thread. Exceptions thrown by callbacks are recorded
   * (and fail {@link #close()}), so an assertion failing inside a callback is never lost.
   */
  static final class RunningLoop implements AutoCloseable {
    final EventLoop loop;
    final Thread thread;
    final List<Throwable> callbackErrors = new CopyOnWriteArrayList<>();

    RunningLoop(String name) {
      loop = EventLoop.create();
      loop.setExceptionHandler((h, t) -> callbackErrors.add(t));
      thread = loop.start(name);
    }

    /** Runs c on the loop thread and returns its result; fails after {@link #WAIT_MILLIS}. */
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
        return f.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception) throw (Exception) cause;
        if (cause instanceof Error) throw (Error) cause;
        throw e;
      } catch (TimeoutException e) {
        throw new AssertionError("loop task did not complete within " + WAIT_MILLIS + " ms", e);
      }
    }

    /** Runs r on the loop thread and waits for it. */
    void run(ThrowingRunnable r) throws Exception {
      call(() -> {
        r.run();
        return null;
      });
    }

    /** Fails if a callback threw. */
    void assertNoCallbackErrors() {
      if (!callbackErrors.isEmpty()) {
        AssertionError e = new AssertionError("callbacks threw: " + callbackErrors);
        callbackErrors.forEach(e::addSuppressed);
        throw e;
      }
    }

    /** Closes the loop (and every handle on it), joins its thread, then checks callbacks. */
    @Override
    public void close() {
      loop.close();
      try {
        thread.join(WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while joining the loop thread", e);
      }
      assertFalse(thread.isAlive(), "loop thread still running after close");
      assertTrue(loop.isClosed(), "loop not closed");
      assertNoCallbackErrors();
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** Runs r in a callback, turning a checked exception into an unchecked one (so it is reported). */
  static void unchecked(ThrowingRunnable r) {
    try {
      r.run();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes from a callback; a closed stream becomes an unchecked exception. */
  static boolean uncheckedWrite(Stream s, ByteBuffer data) {
    try {
      return s.write(data, null);
    } catch (HandleClosedException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes everything, ignoring failures (for finally blocks). */
  static void closeQuietly(AutoCloseable... things) {
    for (AutoCloseable c : things) {
      if (c == null) continue;
      try {
        c.close();
      } catch (Exception e) {
        // best effort
      }
    }
  }

  /** @return the number of open fds of this process */
  static int fdCount() {
    try (java.util.stream.Stream<Path> s = Files.list(Paths.get("/proc/self/fd"))) {
      return (int) s.count() - 1; // minus the directory stream's own fd
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts the fd count comes back to at most baseline. Polled: the JVM itself may hold a file
   * open for a moment (class loading), while a leaked fd never goes away.
   */
  static void assertFdsBackTo(int baseline, String what) throws InterruptedException {
    waitUntil(() -> fdCount() <= baseline,
        () -> what + ": fd count " + fdCount() + ", baseline " + baseline);
  }

  /** Waits for latch with the default deadline. */
  static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertTrue(latch.await(WAIT_MILLIS, TimeUnit.MILLISECONDS), "timed out waiting for " + what);
  }

  /** Polls cond every few milliseconds until it holds; fails after millis. */
  static void waitUntil(BooleanSupplier cond, long millis, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) fail("timed out after " + millis + " ms: " + what);
      Thread.sleep(5);
    }
  }

  static void waitUntil(BooleanSupplier cond, String what) throws InterruptedException {
    waitUntil(cond, WAIT_MILLIS, what);
  }

  /** As {@link #waitUntil(BooleanSupplier, String)}, describing the state when it fails. */
  static void waitUntil(BooleanSupplier cond, java.util.function.Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) fail("timed out: " + what.get());
      Thread.sleep(5);
    }
  }

  /** @return an ephemeral-port address on the IPv4 loopback */
  static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(LOOPBACK, port);
  }

  /** @return a loopback address where nothing listens (bound once, then released) */
  static InetSocketAddress closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      return loopback(s.getLocalPort());
    }
  }

  /** Binds a listener on 127.0.0.1:0 with options and starts it. */
  static TcpListener listen(EventLoop loop, TcpListener.Options options, ConnectionHandler handler)
      throws IOException {
    TcpListener l = TcpListener.bind(loop, loopback(0), options);
    try {
      l.listen(handler);
    } catch (IOException | RuntimeException e) {
      l.close();
      throw e;
    }
    return l;
  }

  static TcpListener listen(EventLoop loop, ConnectionHandler handler) throws IOException {
    return listen(loop, TcpListener.Options.defaults(), handler);
  }

  /** Connects and waits until connected; fails on a connect error. */
  static TcpStream connect(EventLoop loop, InetSocketAddress address, TcpStream.Options options)
      throws Exception {
    CompletableFuture<IOException> done = new CompletableFuture<>();
    TcpStream s = TcpStream.connect(loop, address, (stream, error) -> done.complete(error), options);
    IOException error;
    try {
      error = done.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      s.close();
      throw new AssertionError("connect to " + address + " did not complete", e);
    }
    if (error != null) {
      s.close();
      throw new AssertionError("connect to " + address + " failed", error);
    }
    return s;
  }

  static TcpStream connect(EventLoop loop, InetSocketAddress address) throws Exception {
    return connect(loop, address, TcpStream.Options.defaults());
  }

  /** A connected pair on one loop: a client stream and the stream its listener accepted. */
  static final class Pair implements AutoCloseable {
    final TcpListener listener;
    final TcpStream client;
    final TcpStream server;

    Pair(TcpListener listener, TcpStream client, TcpStream server) {
      this.listener = listener;
      this.client = client;
      this.server = server;
    }

    @Override
    public void close() {
      closeQuietly(client, server, listener);
    }
  }

  /** Opens a connected pair; the accepted stream is not reading. */
  static Pair pair(EventLoop loop, TcpListener.Options listenerOptions,
      TcpStream.Options clientOptions) throws Exception {
    CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
    TcpListener l = listen(loop, listenerOptions, accepted::complete);
    try {
      TcpStream c = connect(loop, l.localAddress(), clientOptions);
      TcpStream s = accepted.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
      return new Pair(l, c, s);
    } catch (Exception | Error e) {
      l.close();
      throw e;
    }
  }

  static Pair pair(EventLoop loop) throws Exception {
    return pair(loop, TcpListener.Options.defaults(), TcpStream.Options.defaults());
  }

  /** A plain blocking server socket on 127.0.0.1 with the given backlog. */
  static ServerSocket javaServer(int backlog) throws IOException {
    return new ServerSocket(0, backlog, LOOPBACK);
  }

  /**
   * A loopback listener (plain {@link ServerSocket}, backlog 1, never accepting) whose accept queue
   * is full. Linux then drops every further SYN ({@code tcp_conn_request}: accept queue full means
   * drop, whatever the syncookie setting), so a connect to it stays pending until the client's
   * first SYN retransmission, a second later: a deterministic way to hold a connect in flight on
   * loopback. The queue is filled with plain sockets until one of them cannot connect.
   */
  static final class FullBacklog implements AutoCloseable {
    final ServerSocket server;
    final List<Socket> fillers = new ArrayList<>();

    FullBacklog() throws IOException {
      server = new ServerSocket(0, 1, LOOPBACK);
      try {
        for (int i = 0; i < 64; i++) {
          Socket s = new Socket();
          try {
            s.connect(address(), 300);
            fillers.add(s);
          } catch (java.net.SocketTimeoutException e) {
            s.close();
            return; // this SYN was dropped: the queue is full
          }
        }
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
      close();
      org.junit.jupiter.api.Assumptions.assumeTrue(false,
          "this kernel never drops SYNs to a listener with a full accept queue");
    }

    InetSocketAddress address() {
      return loopback(server.getLocalPort());
    }

    @Override
    public void close() {
      fillers.forEach(TcpTestSupport::closeQuietly);
      closeQuietly(server);
    }
  }

  /** A plain blocking client socket connected to address, with a read timeout. */
  static Socket javaClient(InetSocketAddress address) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(address, (int) WAIT_MILLIS);
      s.setSoTimeout((int) WAIT_MILLIS);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** Reads exactly n bytes (the socket's read timeout bounds each read). */
  static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] out = new byte[n];
    int got = 0;
    while (got < n) {
      int r = in.read(out, got, n - got);
      if (r < 0) throw new IOException("EOF after " + got + " of " + n + " bytes");
      got += r;
    }
    return out;
  }

  /** Reads until EOF (the socket's read timeout bounds each read). */
  static byte[] readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  /** Copies the remaining bytes of a buffer (a read callback's data is valid during the call). */
  static byte[] bytes(ByteBuffer data) {
    byte[] b = new byte[data.remaining()];
    data.duplicate().get(b);
    return b;
  }

  /** Asserts that e (or its cause) carries the native facts code and syscall. */
  static NativeIOException assertFacts(Throwable e, String code, String syscall) {
    NativeIOException facts = Errors.facts(e);
    assertNotNull(facts, () -> "no NativeIOException in " + e);
    assertEquals(code, facts.code(), () -> "code of " + e);
    assertEquals(syscall, facts.syscall(), () -> "syscall of " + e);
    return facts;
  }

  /** A thread-safe list of what callbacks reported, in order. */
  static final class Events {
    private final List<String> list = new ArrayList<>();

    synchronized void add(String event) {
      list.add(event);
    }

    synchronized List<String> snapshot() {
      return new ArrayList<>(list);
    }

    synchronized long count(String event) {
      return list.stream().filter(event::equals).count();
    }

    @Override
    public synchronized String toString() {
      return list.toString();
    }
  }
}
