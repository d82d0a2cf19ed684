package io.holdfast.tls;

import io.holdfast.Callback;
import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.ReadHandler;
import io.holdfast.Stream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * A TLS connection over any Holdfast {@link Stream}, driven by an {@link SSLEngine}. It is itself
 * a {@link Stream}: reads deliver plaintext, writes take plaintext and complete (in order, each
 * callback exactly once) when their ciphertext was handed to the kernel.
 *
 * <p>Queued writes never stall on a handshake: whatever the engine waits for (bytes from the
 * peer, room in the transport, a delegated task), queued writes are retried as soon as it
 * arrives, including after a read. This covers a TLS 1.2 renegotiation or a TLS 1.3 key update
 * started by the peer while our writes are queued. While the engine waits for bytes that do not
 * come, the loop sleeps. Delegated tasks run on {@link TlsOptions#taskExecutor}, never on the
 * loop thread.
 *
 * <p>Errors: a handshake failure (untrusted certificate, wrong host name, plaintext or garbage
 * from the peer) is the engine's {@link javax.net.ssl.SSLException}; a peer that closes TCP
 * without {@code close_notify} is a {@link TlsTruncationException}. Either goes to the
 * {@linkplain #onHandshake handshake listeners} (during the handshake), to the read handler's
 * {@link ReadHandler#onError} (while reading) and to every pending write's callback; then the
 * stream closes. {@link #failure()} keeps it.
 *
 * <p>Ownership: creating a TLS stream takes the wrapped stream over with {@link Stream#transfer()};
 * the reference the caller passed is stale from then on. {@link #token()}, {@link #loop()} and
 * the addresses are the underlying stream's; counters count plaintext. Closing the TLS stream
 * closes the underlying stream; an underlying stream closed by its loop closes the TLS stream.
 *
 * <p>Thread-safety: every method may be called from any thread; operations from other threads
 * are handed to the loop in order. Callbacks run on the loop thread. {@link #tryWrite} writes only
 * on the loop thread.
 */
public final class TlsStream implements Stream {
  private static final int OPEN = 0;
  private static final int CLOSED = 1;
  private static final int MOVED = 2;
  private static final int MAX_BUFFERS = 1024;

  private final TlsConnection conn;
  private final AtomicInteger state = new AtomicInteger(OPEN);

  private TlsStream(TlsConnection conn) {
    this.conn = conn;
  }

  /**
   * Starts a client handshake over stream, which this takes over.
   *
   * @param stream the connected (or connecting) transport; stale after this call
   * @param context provides keys, trust and protocols
   * @param options server name (required while host name verification is on), ALPN, ...
   * @return the TLS stream; the handshake is under way
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if host name verification is on and no server name is set,
   *     or the SSL parameters are rejected by the engine; stream is left untouched
   * @throws HandleClosedException if stream is already closed or moved
   */
  public static TlsStream client(Stream stream, SSLContext context, TlsOptions options)
      throws HandleClosedException {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(context, "context");
    TlsOptions o = Objects.requireNonNull(options, "options").copy();
    if (o.verifyHostname && o.serverName == null) {
      throw new IllegalArgumentException("client mode verifies the host name: set "
          + "TlsOptions.serverName(host), or turn verification off with verifyHostname(false)");
    }
    int port = stream.remoteAddress() instanceof InetSocketAddress
        ? ((InetSocketAddress) stream.remoteAddress()).getPort() : -1;
    SSLEngine engine = o.serverName != null
        ? context.createSSLEngine(o.serverName, port) : context.createSSLEngine();
    engine.setUseClientMode(true);
    SSLParameters p = baseParameters(engine, o);
    p.setEndpointIdentificationAlgorithm(o.verifyHostname ? "HTTPS" : null);
    if (o.serverName != null && !isIpLiteral(o.serverName)
        && (p.getServerNames() == null || p.getServerNames().isEmpty())) {
      p.setServerNames(List.of(new SNIHostName(o.serverName)));
    }
    engine.setSSLParameters(p);
    return wrap(stream, engine, o);
  }

  /**
   * Starts a server handshake over stream, which this takes over.
   *
   * @param stream the accepted transport; stale after this call
   * @param context provides the server's keys and, for client authentication, trust
   * @param options ALPN, client authentication through {@link TlsOptions#sslParameters}, ...
   * @return the TLS stream; the handshake is under way
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the SSL parameters are rejected by the engine; stream is
   *     left untouched
   * @throws HandleClosedException if stream is already closed or moved
   */
  public static TlsStream server(Stream stream, SSLContext context, TlsOptions options)
      throws HandleClosedException {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(context, "context");
    TlsOptions o = Objects.requireNonNull(options, "options").copy();
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setSSLParameters(baseParameters(engine, o));
    return wrap(stream, engine, o);
  }

  private static SSLParameters baseParameters(SSLEngine engine, TlsOptions o) {
    if (o.parameters != null) engine.setSSLParameters(o.parameters); // validated here
    SSLParameters p = engine.getSSLParameters(); // a copy: the user's object is not changed
    if (o.applicationProtocols != null) {
      p.setApplicationProtocols(o.applicationProtocols.toArray(new String[0]));
    }
    return p;
  }

  private static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }

  private static TlsStream wrap(Stream stream, SSLEngine engine, TlsOptions o)
      throws HandleClosedException {
    Stream inner = stream.transfer(); // the caller's reference is stale from here on
    TlsConnection conn = new TlsConnection(inner, engine, o);
    TlsStream s = new TlsStream(conn);
    conn.owner = s;
    if (!s.onLoop(conn::start)) {
      conn.close("its loop was closed");
      throw s.closedException();
    }
    return s;
  }

  /** Runs r on the loop thread: now if this is it, else queued. False if the loop is closed. */
  private boolean onLoop(Runnable r) {
    EventLoop loop = conn.loop;
    if (loop.inEventLoop()) {
      r.run();
      return true;
    }
    try {
      loop.execute(r);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  HandleClosedException closedException() {
    boolean moved = state.get() == MOVED;
    return new HandleClosedException("TlsStream", token(),
        moved ? HandleClosedException.Reason.MOVED : HandleClosedException.Reason.CLOSED,
        moved ? null : conn.closeDetail);
  }

  private void checkOpen() throws HandleClosedException {
    if (!isOpen()) throw closedException();
  }

  // ---- TLS specifics ----

  /**
   * Registers a listener for the outcome of the first handshake; it runs at once (on the loop)
   * if the handshake already ended.
   *
   * @param listener receives the negotiated parameters or the error, exactly once
   * @throws NullPointerException if listener is null
   */
  public void onHandshake(TlsHandshakeListener listener) {
    Objects.requireNonNull(listener, "listener");
    onLoop(() -> conn.addHandshakeListener(listener));
  }

  /** @return what the first handshake negotiated, or null until it completed */
  public TlsHandshake handshake() {
    return conn.handshake;
  }

  /** @return the error that closed the stream (TLS, truncation or transport), or null */
  public IOException failure() {
    return conn.failure;
  }

  /** @return what pending TLS work waits for (diagnostics) */
  String waitingFor() {
    return conn.need.name();
  }

  TlsConnection connection() {
    return conn;
  }

  // ---- Handle ----

  @Override
  public EventLoop loop() {
    return conn.loop;
  }

  @Override
  public long token() {
    return conn.inner.token();
  }

  @Override
  public boolean isOpen() {
    return state.get() == OPEN && !conn.closed;
  }

  @Override
  public void close() {
    if (state.compareAndSet(OPEN, CLOSED)) conn.close(null);
  }

  @Override
  public void onClose(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    onLoop(() -> conn.addCloseCallback(callback));
  }

  @Override
  public void ref() {
    conn.inner.ref();
  }

  @Override
  public void unref() {
    conn.inner.unref();
  }

  @Override
  public boolean hasRef() {
    return conn.inner.hasRef();
  }

  // ---- Stream ----

  @Override
  public void readStart(ReadHandler handler) throws HandleClosedException {
    Objects.requireNonNull(handler, "handler");
    checkOpen();
    onLoop(() -> conn.readStart(this, handler));
  }

  @Override
  public boolean tryReadStart(ReadHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (!isOpen()) return false;
    return onLoop(() -> conn.readStart(this, handler));
  }

  @Override
  public void readStop() throws HandleClosedException {
    checkOpen();
    onLoop(() -> conn.readStop(this));
  }

  @Override
  public boolean isReading() {
    return conn.userReading && conn.owner == this;
  }

  @Override
  public boolean write(ByteBuffer buffer, Callback callback) throws HandleClosedException {
    Objects.requireNonNull(buffer, "buffer");
    return write(new ByteBuffer[] {buffer}, callback);
  }

  /**
   * Queues plaintext to be encrypted and sent after every earlier write. Heap buffers are copied
   * now; direct buffers are used in place and must not change until the callback. The callback
   * runs once the ciphertext carrying the last byte was handed to the kernel, or with the error
   * (the TLS failure, or {@link io.holdfast.OperationCanceledException} after close).
   *
   * @param buffers the bytes between each buffer's position and limit
   * @param callback called exactly once; may be null
   * @return false once the queued plaintext reaches the high-water mark: wait for the drain
   *     callback
   * @throws NullPointerException if buffers or one of them is null
   * @throws IllegalArgumentException if there are no buffers or more than 1024
   * @throws IllegalStateException if the stream was shut down
   * @throws HandleClosedException if the stream is closed or moved
   */
  @Override
  public boolean write(ByteBuffer[] buffers, Callback callback) throws HandleClosedException {
    long bytes = checkBuffers(buffers);
    checkOpen();
    if (conn.shutdownRequested) throw new IllegalStateException("write after shutdown");
    ByteBuffer[] owned = new ByteBuffer[buffers.length];
    for (int i = 0; i < buffers.length; i++) {
      ByteBuffer b = buffers[i];
      owned[i] = b.isDirect() ? b.duplicate() : ByteBuffer.allocate(b.remaining()).put(b.duplicate())
          .flip();
    }
    TlsWrite w = new TlsWrite(owned, bytes, callback);
    long queued = conn.queuedBytes.addAndGet(bytes);
    boolean full = queued >= conn.highWater;
    if (full) conn.needDrain = true; // before the request can complete
    if (!onLoop(() -> conn.enqueue(w))) {
      conn.queuedBytes.addAndGet(-bytes);
      throw closedException();
    }
    return !full;
  }

  private static long checkBuffers(ByteBuffer[] buffers) {
    Objects.requireNonNull(buffers, "buffers");
    if (buffers.length == 0) throw new IllegalArgumentException("no buffers to write");
    if (buffers.length > MAX_BUFFERS) {
      throw new IllegalArgumentException("more than " + MAX_BUFFERS + " buffers: " + buffers.length);
    }
    long bytes = 0;
    for (int i = 0; i < buffers.length; i++) {
      bytes += Objects.requireNonNull(buffers[i], "buffers[" + i + "]").remaining();
    }
    return bytes;
  }

  /**
   * Encrypts what fits in one transport write now, only if the handshake is complete, nothing is
   * queued and the transport has room (never reorders). On a thread other than the loop's it
   * writes nothing and returns 0: use {@link #write}. Advances the buffers' positions.
   *
   * @param buffers the plaintext to write
   * @return plaintext bytes written, 0 if none could be written now
   * @throws NullPointerException if buffers or one of them is null
   * @throws IllegalArgumentException if there are no buffers or more than 1024
   * @throws IllegalStateException if the stream was shut down
   * @throws HandleClosedException if the stream is closed or moved
   * @throws IOException if the engine fails (the stream is then closed)
   */
  @Override
  public long tryWrite(ByteBuffer... buffers) throws IOException {
    checkBuffers(buffers);
    checkOpen();
    if (conn.shutdownRequested) throw new IllegalStateException("write after shutdown");
    if (!conn.loop.inEventLoop()) return 0;
    return conn.tryWrite(buffers);
  }

  /**
   * Ends our side once queued writes were sent: sends {@code close_notify}, then half-closes the
   * transport. Bounded by {@link TlsOptions#shutdownTimeout}: past it the callback receives a
   * {@link java.net.SocketTimeoutException} and the stream is closed.
   *
   * @param callback called exactly once with the outcome; may be null
   * @throws IllegalStateException if shutdown was already requested
   * @throws HandleClosedException if the stream is closed or moved
   */
  @Override
  public void shutdown(Callback callback) throws HandleClosedException {
    checkOpen();
    synchronized (conn) {
      if (conn.shutdownRequested) throw new IllegalStateException("shutdown already requested");
      conn.shutdownRequested = true;
    }
    if (!onLoop(() -> conn.shutdown(callback))) throw closedException();
  }

  @Override
  public long writeQueueSize() {
    return conn.queuedBytes.get();
  }

  @Override
  public void setWriteBufferWaterMarks(long low, long high) {
    TlsOptions.checkWaterMarks(low, high);
    conn.lowWater = low;
    conn.highWater = high;
  }

  @Override
  public void onDrain(Runnable onDrain) {
    conn.drainHandler = onDrain;
  }

  @Override
  public long bytesRead() {
    return conn.bytesRead;
  }

  @Override
  public long bytesWritten() {
    return conn.bytesWritten;
  }

  @Override
  public SocketAddress localAddress() {
    return conn.inner.localAddress();
  }

  @Override
  public SocketAddress remoteAddress() {
    return conn.inner.remoteAddress();
  }

  /**
   * Moves ownership of the TLS connection to a new object, which is returned; this one is stale
   * (reason {@code MOVED}) from this instant. Reading stops until the new owner starts it; queued
   * writes, close callbacks and handshake listeners carry over. The token stays the underlying
   * stream's.
   *
   * @return the new owner
   * @throws HandleClosedException if this stream is already closed or moved
   */
  @Override
  public TlsStream transfer() throws HandleClosedException {
    if (conn.closed || !state.compareAndSet(OPEN, MOVED)) throw closedException();
    TlsStream next = new TlsStream(conn);
    if (!onLoop(() -> conn.moveTo(next))) throw closedException();
    return next;
  }

  @Override
  public String toString() {
    return "TlsStream over " + conn.inner + (isOpen() ? "" : " (stale)")
        + (conn.handshake != null ? " " + conn.handshake.protocol() : " handshaking");
  }
}
