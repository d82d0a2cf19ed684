package io.holdfast;

import io.holdfast.internal.Errors;
import io.holdfast.internal.TcpNative;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * A TCP connection: a {@link Stream} with TCP options. Created by {@link #connect} or accepted by a
 * {@link TcpListener}. {@code TCP_NODELAY} is on by default.
 *
 * <p>Thread-safety and ownership as for every {@link Stream}: any method from any thread,
 * callbacks on the loop thread, and a closed stream rejects every operation with
 * {@link HandleClosedException} while its counters and addresses stay readable.
 */
public final class TcpStream extends StreamBase {
  /** Options for a stream; the defaults suit most uses. Not thread-safe; copied when used. */
  public static final class Options {
    long connectTimeoutMillis;
    boolean allowHalfOpen;
    long lowWater = 32 * 1024;
    long highWater = 64 * 1024;

    /** @return options with the defaults */
    public static Options defaults() {
      return new Options();
    }

    /**
     * Sets how long a connect may take before it fails with {@link ConnectTimeoutException}.
     *
     * @param millis the timeout, 0 for none (the kernel's own timeout applies)
     * @return this
     * @throws IllegalArgumentException if millis is negative
     */
    public Options connectTimeout(long millis) {
      if (millis < 0) throw new IllegalArgumentException("connect timeout < 0: " + millis);
      connectTimeoutMillis = millis;
      return this;
    }

    /**
     * Whether the stream stays writable after the peer ended (default false: our side shuts down
     * once writes drain, then the stream closes, as in Node).
     *
     * @param allow true to keep the stream half-open
     * @return this
     */
    public Options allowHalfOpen(boolean allow) {
      allowHalfOpen = allow;
      return this;
    }

    /**
     * Sets the write-buffer water marks (defaults 32 KiB and 64 KiB).
     *
     * @param low low-water mark in bytes, 0 or more
     * @param high high-water mark in bytes, above low
     * @return this
     * @throws IllegalArgumentException if low is negative or high is not above low
     */
    public Options writeBufferWaterMarks(long low, long high) {
      if (low < 0) throw new IllegalArgumentException("low-water mark < 0: " + low);
      if (high <= low) {
        throw new IllegalArgumentException("high-water mark " + high + " not above low " + low);
      }
      lowWater = low;
      highWater = high;
      return this;
    }

    Options copy() {
      Options o = new Options();
      o.connectTimeoutMillis = connectTimeoutMillis;
      o.allowHalfOpen = allowHalfOpen;
      o.lowWater = lowWater;
      o.highWater = highWater;
      return o;
    }
  }

  private ConnectHandler connectHandler;
  private boolean connecting;
  private Timer connectTimer;
  private long connectTimeoutMillis;
  private Timer idleTimer;
  private long idleTimeoutMillis;
  private Runnable idleHandler;

  TcpStream(EventLoop loop, long token, Options options) {
    super(loop, token, options.allowHalfOpen);
    setWriteBufferWaterMarks(options.lowWater, options.highWater);
  }

  /**
   * Connects to address without blocking; handler learns the outcome exactly once.
   *
   * @param loop the loop that will own the stream
   * @param address an IPv4 or IPv6 socket address
   * @param handler receives the outcome
   * @return the connecting stream (writes and readStart before the connect completes are kept)
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if address is unresolved
   * @throws IOException if the socket cannot be created (e.g. {@code EMFILE})
   */
  public static TcpStream connect(EventLoop loop, InetSocketAddress address, ConnectHandler handler)
      throws IOException {
    return connect(loop, address, handler, Options.defaults());
  }

  /**
   * Connects from a loop of group, picked by {@link LoopGroup#next()} (round robin); the stream
   * belongs to that loop and handler runs on its thread. Same as {@link LoopGroup#connect}.
   *
   * @param group the loops to pick from
   * @param address an IPv4 or IPv6 socket address
   * @param handler receives the outcome
   * @return the connecting stream
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if address is unresolved
   * @throws IllegalStateException if the group was shut down
   * @throws IOException if the socket cannot be created (e.g. {@code EMFILE})
   */
  public static TcpStream connect(LoopGroup group, InetSocketAddress address,
      ConnectHandler handler) throws IOException {
    return java.util.Objects.requireNonNull(group, "group").connect(address, handler);
  }

  /**
   * Connects to address with options; see {@link #connect(EventLoop, InetSocketAddress,
   * ConnectHandler)}.
   *
   * @param loop the loop that will own the stream
   * @param address an IPv4 or IPv6 socket address
   * @param handler receives the outcome
   * @param options connect timeout, half-open, water marks
   * @return the connecting stream
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if address is unresolved
   * @throws IOException if the socket cannot be created (e.g. {@code EMFILE})
   */
  public static TcpStream connect(EventLoop loop, InetSocketAddress address,
      ConnectHandler handler, Options options) throws IOException {
    Objects.requireNonNull(loop, "loop");
    Handles.checkAddress(address, "address");
    Objects.requireNonNull(handler, "handler");
    Options opts = Objects.requireNonNull(options, "options").copy();
    try {
      return loop.call(() -> {
        int len = Handles.encode(address, loop.scratch());
        long rc = TcpNative.connect(loop.ptr(), loop.scratchAddress(), len, 1);
        if (rc < 0) throw Errors.exception((int) rc, "connect", address);
        TcpStream s = new TcpStream(loop, rc, opts);
        s.remoteAddress = address;
        s.connecting = true;
        s.connectHandler = handler;
        s.updateActive();
        if (opts.connectTimeoutMillis > 0) s.armConnectTimeout(address, opts.connectTimeoutMillis);
        return s;
      });
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /** Wraps an accepted connection (loop thread). */
  static TcpStream accepted(EventLoop loop, long token, Options options) {
    TcpStream s = new TcpStream(loop, token, options);
    s.localAddress = s.fetchAddress(false);
    s.remoteAddress = s.fetchAddress(true);
    return s;
  }

  private void armConnectTimeout(InetSocketAddress address, long millis) throws IOException {
    connectTimeoutMillis = millis;
    connectTimer = Timer.create(loop);
    connectTimer.unref();
    connectTimer.start(millis, () -> {
      if (!connecting) return;
      connecting = false;
      finishConnect(new ConnectTimeoutException(address, millis));
      closeWith(false, "connect timed out");
    });
  }

  private SocketAddress fetchAddress(boolean peer) {
    int n = TcpNative.address(loop.ptr(), token, peer, loop.scratchAddress(),
        Handles.SOCKADDR_CAPACITY);
    return n > 0 ? Handles.decode(loop.scratch(), n) : null;
  }

  private void finishConnect(IOException error) {
    if (!isOpen() && !isMoved() && !(error instanceof OperationCanceledException)) {
      // close() already made the token stale (from another thread, before the loop delivered
      // the outcome): the connect is canceled, whatever the kernel said meanwhile.
      error = new OperationCanceledException("connect");
    }
    ConnectHandler h = connectHandler;
    connectHandler = null;
    if (connectTimer != null) {
      connectTimer.close();
      connectTimer = null;
    }
    updateActive();
    if (h != null) {
      try {
        h.onConnect(this, error);
      } catch (Throwable t) {
        loop.report(this, t);
      }
    }
  }

  @Override
  void onEvent(int kind, int result, long aux, int offset, int length) {
    if (kind == EV_CONNECT) {
      if (!connecting) return;
      connecting = false;
      if (result == 0) {
        localAddress = fetchAddress(false);
        SocketAddress peer = fetchAddress(true);
        if (peer != null) remoteAddress = peer;
      }
      finishConnect(result == 0 ? null : Errors.exception(result, "connect", remoteAddress));
      return;
    }
    super.onEvent(kind, result, aux, offset, length);
  }

  @Override
  boolean isActive() {
    return connecting || super.isActive();
  }

  @Override
  String typeName() {
    return "TcpStream";
  }

  @Override
  StreamBase newOwner(EventLoop loop, long token) {
    Options o = Options.defaults();
    o.allowHalfOpen = allowHalfOpen;
    return new TcpStream(loop, token, o);
  }

  @Override
  void inheritFrom(StreamBase old) {
    TcpStream o = (TcpStream) old;
    if (o.connecting) {
      connecting = true;
      connectHandler = o.connectHandler;
      o.connecting = false;
      o.connectHandler = null;
      if (o.connectTimer != null) {
        o.connectTimer.close();
        o.connectTimer = null;
        try {
          armConnectTimeout((InetSocketAddress) remoteAddress, o.connectTimeoutMillis);
        } catch (IOException e) {
          loop.report(this, e);
        }
      }
    }
    if (o.idleTimeoutMillis > 0) {
      try {
        setTimeout(o.idleTimeoutMillis, o.idleHandler);
      } catch (HandleClosedException e) {
        // closed meanwhile
      }
    }
    if (o.idleTimer != null) o.idleTimer.close();
  }

  @Override
  public TcpStream transfer() throws HandleClosedException {
    return (TcpStream) transferSameLoop();
  }

  /**
   * Moves the connection to another loop (e.g. from an accepting loop to a worker). This object
   * is stale at once (reason {@code MOVED}); once the stream has no queued write, connect or
   * shutdown and no undelivered event, its fd leaves this loop without being closed and
   * onArrival receives the new owner on target's thread. Data read but not yet consumed travels
   * with it. If target closes before the stream arrives, the fd is closed. Call it from this
   * stream's loop thread (in a callback, or through {@link EventLoop#execute}) when a read
   * callback of the old owner must not be racing the move.
   *
   * @param target the loop that will own the stream
   * @param onArrival receives the new owner on target's loop thread
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if target is closed
   * @throws HandleClosedException if this stream is already closed or moved
   */
  public void transferTo(EventLoop target, java.util.function.Consumer<TcpStream> onArrival)
      throws HandleClosedException {
    if (target == loop) {
      Objects.requireNonNull(onArrival, "onArrival");
      TcpStream moved = transfer();
      target.execute(() -> onArrival.accept(moved));
      return;
    }
    transferToLoop(target, onArrival);
  }

  @Override
  void onClosed() {
    // A connect not completed natively is canceled first, then the writes queued behind it (the
    // order of the native cancellation).
    if (connecting) {
      connecting = false;
      finishConnect(new OperationCanceledException("connect"));
    }
    super.onClosed();
    if (connectTimer != null) connectTimer.close();
    if (idleTimer != null) idleTimer.close();
  }

  /** @return true while the connect has not completed */
  public boolean isConnecting() {
    return connecting;
  }

  /**
   * Closes the connection abortively: the peer gets a reset (RST) instead of an orderly FIN.
   * Pending requests complete as canceled, as with {@link #close()}. Idempotent.
   */
  public void closeReset() {
    closeWith(true, "reset");
  }

  /**
   * Enables or disables Nagle's algorithm ({@code TCP_NODELAY}; on by default).
   *
   * @param noDelay true to send small writes at once
   * @throws HandleClosedException if the stream is closed or moved
   * @throws IOException if the kernel refuses
   */
  public void setNoDelay(boolean noDelay) throws IOException {
    option(() -> TcpNative.noDelay(loop.ptr(), token, noDelay), "setsockopt TCP_NODELAY");
  }

  /**
   * Enables keep-alive probes.
   *
   * @param enable whether to send probes
   * @param idleSeconds idle time before the first probe (0: the system default)
   * @param intervalSeconds time between probes (0: the system default)
   * @param count unanswered probes before the connection drops (0: the system default)
   * @throws IllegalArgumentException if a number is negative
   * @throws HandleClosedException if the stream is closed or moved
   * @throws IOException if the kernel refuses
   */
  public void setKeepAlive(boolean enable, int idleSeconds, int intervalSeconds, int count)
      throws IOException {
    if (idleSeconds < 0 || intervalSeconds < 0 || count < 0) {
      throw new IllegalArgumentException("keep-alive values must be >= 0: idle=" + idleSeconds
          + " interval=" + intervalSeconds + " count=" + count);
    }
    option(() -> TcpNative.keepAlive(loop.ptr(), token, enable, idleSeconds, intervalSeconds,
        count), "setsockopt SO_KEEPALIVE");
  }

  /**
   * Enables keep-alive with the given idle time and system defaults otherwise.
   *
   * @param enable whether to send probes
   * @param idleSeconds idle time before the first probe (0: the system default)
   * @throws IllegalArgumentException if idleSeconds is negative
   * @throws HandleClosedException if the stream is closed or moved
   * @throws IOException if the kernel refuses
   */
  public void setKeepAlive(boolean enable, int idleSeconds) throws IOException {
    setKeepAlive(enable, idleSeconds, 0, 0);
  }

  /**
   * Sets the kernel's send buffer size ({@code SO_SNDBUF}).
   *
   * @param bytes requested size, positive
   * @throws IllegalArgumentException if bytes is not positive
   * @throws HandleClosedException if the stream is closed or moved
   * @throws IOException if the kernel refuses
   */
  public void setSendBufferSize(int bytes) throws IOException {
    if (bytes <= 0) throw new IllegalArgumentException("send buffer size <= 0: " + bytes);
    option(() -> TcpNative.setBuffer(loop.ptr(), token, 0, bytes), "setsockopt SO_SNDBUF");
  }

  /**
   * Sets the kernel's receive buffer size ({@code SO_RCVBUF}).
   *
   * @param bytes requested size, positive
   * @throws IllegalArgumentException if bytes is not positive
   * @throws HandleClosedException if the stream is closed or moved
   * @throws IOException if the kernel refuses
   */
  public void setReceiveBufferSize(int bytes) throws IOException {
    if (bytes <= 0) throw new IllegalArgumentException("receive buffer size <= 0: " + bytes);
    option(() -> TcpNative.setBuffer(loop.ptr(), token, 1, bytes), "setsockopt SO_RCVBUF");
  }

  /**
   * @return the kernel's send buffer size
   * @throws HandleClosedException if the stream is closed or moved
   * @throws IOException if the kernel refuses
   */
  public int sendBufferSize() throws IOException {
    return option(() -> TcpNative.getBuffer(loop.ptr(), token, 0), "getsockopt SO_SNDBUF");
  }

  /**
   * @return the kernel's receive buffer size
   * @throws HandleClosedException if the stream is closed or moved
   * @throws IOException if the kernel refuses
   */
  public int receiveBufferSize() throws IOException {
    return option(() -> TcpNative.getBuffer(loop.ptr(), token, 1), "getsockopt SO_RCVBUF");
  }

  /**
   * Notifies handler when the stream was idle (nothing read or written) for millis; the stream is
   * not closed (as Node's {@code setTimeout}). 0 disables.
   *
   * @param millis idle time, 0 to disable
   * @param handler what runs on the loop when idle; may be null only when millis is 0
   * @throws IllegalArgumentException if millis is negative
   * @throws NullPointerException if handler is null while millis is positive
   * @throws HandleClosedException if the stream is closed or moved
   */
  public void setTimeout(long millis, Runnable handler) throws HandleClosedException {
    if (millis < 0) throw new IllegalArgumentException("timeout < 0: " + millis);
    if (millis > 0) Objects.requireNonNull(handler, "handler");
    checkOpen();
    loop.runOrSubmit(() -> {
      if (!isOpen()) return;
      idleTimeoutMillis = millis;
      idleHandler = handler;
      if (millis == 0) {
        if (idleTimer != null) idleTimer.close();
        idleTimer = null;
        return;
      }
      lastActivityNanos = System.nanoTime();
      if (idleTimer == null) {
        idleTimer = Timer.create(loop);
        idleTimer.unref();
      }
      armIdle(millis);
    });
  }

  private void armIdle(long delay) {
    try {
      idleTimer.start(delay, this::onIdleTimer);
    } catch (HandleClosedException e) {
      // the stream closed meanwhile
    }
  }

  private void onIdleTimer() {
    if (!isOpen() || idleTimeoutMillis == 0) return;
    long idle = (System.nanoTime() - lastActivityNanos) / 1_000_000;
    if (idle >= idleTimeoutMillis) {
      lastActivityNanos = System.nanoTime();
      armIdle(idleTimeoutMillis);
      Runnable h = idleHandler;
      if (h != null) loop.runUser(this, h);
    } else {
      armIdle(idleTimeoutMillis - idle);
    }
  }

  @FunctionalInterface
  private interface NativeOption {
    int apply();
  }

  private int option(NativeOption op, String syscall) throws IOException {
    checkOpen();
    try {
      return loop.call(() -> (int) check(op.apply(), syscall));
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }
}
