package io.holdfast.tls;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;

/**
 * Options of a {@link TlsStream}; the defaults suit most uses. Not thread-safe; copied when a
 * stream is created (the {@link SSLParameters} are applied to the engine then, not kept).
 */
public final class TlsOptions {
  String serverName;
  boolean verifyHostname = true;
  SSLParameters parameters;
  List<String> applicationProtocols;
  Executor taskExecutor;
  long lowWater = 32 * 1024;
  long highWater = 64 * 1024;
  long shutdownTimeoutMillis = 30_000;
  boolean allowHalfOpen;

  private TlsOptions() {}

  /** @return options with the defaults (host name verification on, 30 s shutdown deadline) */
  public static TlsOptions defaults() {
    return new TlsOptions();
  }

  /**
   * Sets the server's host name: a client sends it as SNI (unless it is an IP literal) and checks
   * the server's certificate against it. Required in client mode while host name verification is
   * on.
   *
   * @param host the host name or IP literal, e.g. {@code example.com}
   * @return this
   * @throws NullPointerException if host is null
   * @throws IllegalArgumentException if host is empty
   */
  public TlsOptions serverName(String host) {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) throw new IllegalArgumentException("server name is empty");
    serverName = host;
    return this;
  }

  /**
   * Whether a client checks that the server's certificate names {@link #serverName} (endpoint
   * identification {@code HTTPS}; default on). Turning it off accepts any trusted certificate for
   * any host: only for tests or pinned certificates.
   *
   * @param verify false to skip the check
   * @return this
   */
  public TlsOptions verifyHostname(boolean verify) {
    verifyHostname = verify;
    return this;
  }

  /**
   * Sets the SSL parameters (protocols, cipher suites, client authentication, SNI matchers, ...)
   * applied to the engine; default: the context's defaults. Host name verification, SNI and ALPN
   * set by these options are applied on top.
   *
   * @param parameters the parameters
   * @return this
   * @throws NullPointerException if parameters is null
   */
  public TlsOptions sslParameters(SSLParameters parameters) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    return this;
  }

  /**
   * Sets the ALPN protocols offered (client) or accepted in order of preference (server).
   *
   * @param protocols protocol names, e.g. {@code h2}, {@code http/1.1}
   * @return this
   * @throws NullPointerException if protocols or one of them is null
   * @throws IllegalArgumentException if there are none or one is empty
   */
  public TlsOptions applicationProtocols(String... protocols) {
    Objects.requireNonNull(protocols, "protocols");
    if (protocols.length == 0) throw new IllegalArgumentException("no application protocols");
    for (String p : protocols) {
      Objects.requireNonNull(p, "application protocol");
      if (p.isEmpty()) throw new IllegalArgumentException("empty application protocol");
    }
    applicationProtocols = List.of(protocols);
    return this;
  }

  /**
   * Sets where the engine's delegated tasks (certificate checks, key exchange) run; never the
   * loop thread. Default: a shared pool of daemon threads.
   *
   * @param executor the executor
   * @return this
   * @throws NullPointerException if executor is null
   */
  public TlsOptions taskExecutor(Executor executor) {
    taskExecutor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /**
   * Sets the water marks of plaintext accepted by write and not yet sent (defaults 32 KiB and 64
   * KiB).
   *
   * @param low low-water mark in bytes, 0 or more
   * @param high high-water mark in bytes, above low
   * @return this
   * @throws IllegalArgumentException if low is negative or high is not above low
   */
  public TlsOptions writeBufferWaterMarks(long low, long high) {
    checkWaterMarks(low, high);
    lowWater = low;
    highWater = high;
    return this;
  }

  static void checkWaterMarks(long low, long high) {
    if (low < 0) throw new IllegalArgumentException("low-water mark < 0: " + low);
    if (high <= low) {
      throw new IllegalArgumentException("high-water mark " + high + " not above low " + low);
    }
  }

  /**
   * Bounds how long {@link TlsStream#shutdown} waits for queued data and {@code close_notify} to
   * reach a peer that may have stopped reading; when it passes, the shutdown callback receives a
   * {@link java.net.SocketTimeoutException} and the stream is closed. Default 30 seconds.
   *
   * @param millis the deadline, 0 for none
   * @return this
   * @throws IllegalArgumentException if millis is negative
   */
  public TlsOptions shutdownTimeout(long millis) {
    if (millis < 0) throw new IllegalArgumentException("shutdown timeout < 0: " + millis);
    shutdownTimeoutMillis = millis;
    return this;
  }

  /**
   * Whether the stream stays writable after the peer's {@code close_notify} (default false: our
   * side shuts down once writes drain, then the stream closes). TLS 1.2 engines close both
   * directions on {@code close_notify} regardless. For half-open TLS the underlying TCP stream
   * must allow half-open too.
   *
   * @param allow true to keep the stream half-open
   * @return this
   */
  public TlsOptions allowHalfOpen(boolean allow) {
    allowHalfOpen = allow;
    return this;
  }

  TlsOptions copy() {
    TlsOptions o = new TlsOptions();
    o.serverName = serverName;
    o.verifyHostname = verifyHostname;
    o.parameters = parameters;
    o.applicationProtocols = applicationProtocols;
    o.taskExecutor = taskExecutor;
    o.lowWater = lowWater;
    o.highWater = highWater;
    o.shutdownTimeoutMillis = shutdownTimeoutMillis;
    o.allowHalfOpen = allowHalfOpen;
    return o;
  }

  Executor executor() {
    return taskExecutor != null ? taskExecutor : DefaultExecutor.INSTANCE;
  }

  /** Lazily created: no threads unless a stream uses the default. */
  private static final class DefaultExecutor {
    private static final AtomicInteger COUNT = new AtomicInteger();
    static final Executor INSTANCE = create();

    private static Executor create() {
      int max = Math.max(2, Runtime.getRuntime().availableProcessors());
      ThreadPoolExecutor pool = new ThreadPoolExecutor(max, max, 30, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "holdfast-tls-task-" + COUNT.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      pool.allowCoreThreadTimeOut(true); // idle threads go away
      return pool;
    }
  }
}
