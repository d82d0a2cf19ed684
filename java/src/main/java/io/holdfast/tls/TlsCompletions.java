package io.holdfast.tls;

import io.holdfast.Callback;
import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.OperationCanceledException;
import io.holdfast.Stream;
import io.holdfast.Timer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The bookkeeping half of a TLS connection: write requests and the transport writes that carry
 * them, each callback completed exactly once; handshake listeners; close callbacks. Loop thread
 * only, except the volatile fields the facade reads.
 */
abstract class TlsCompletions {
  /** Ciphertext records gathered into one transport write. */
  private static final int RECORDS_PER_WRITE = 4;
  private static final int POOL_MAX = 4;
  static final ByteBuffer[] NO_DATA = new ByteBuffer[0];

  /** One transport write and the requests whose last bytes it carries. */
  private static final class Chunk {
    final ByteBuffer buffer;
    final List<TlsWrite> done;

    Chunk(ByteBuffer buffer, List<TlsWrite> done) {
      this.buffer = buffer;
      this.done = done;
    }
  }

  final EventLoop loop;
  volatile TlsStream owner;
  volatile boolean closed;
  volatile String closeDetail;
  volatile IOException failure;
  volatile TlsHandshake handshake;
  final AtomicLong queuedBytes = new AtomicLong();
  volatile long lowWater;
  volatile long highWater;
  volatile boolean needDrain;
  volatile Runnable drainHandler;
  volatile long bytesWritten;

  /* Loop thread only. */
  final ArrayDeque<TlsWrite> queue = new ArrayDeque<>(); // accepted, not fully wrapped
  ByteBuffer chunk; // ciphertext being gathered
  List<TlsWrite> chunkDone = new ArrayList<>(); // fully wrapped into chunk
  final ArrayDeque<Chunk> inflight = new ArrayDeque<>();
  private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();
  boolean outboundBlocked; // the transport's queue is above its high-water mark
  boolean outboundDone; // close_notify was produced
  private IOException handshakeError;
  private List<TlsHandshakeListener> listeners;
  private List<Runnable> closeCallbacks;
  private boolean fullyClosed;
  final AtomicBoolean closing = new AtomicBoolean();
  /* Shutdown (loop thread). */
  private final long shutdownTimeoutMillis;
  boolean closeOutboundWanted; // close_notify once every queued write was wrapped
  boolean shutdownFinished;
  boolean closeAfterShutdown;
  Callback shutdownCallback;
  private Timer deadline;

  TlsCompletions(EventLoop loop, long shutdownTimeoutMillis) {
    this.loop = loop;
    this.shutdownTimeoutMillis = shutdownTimeoutMillis;
  }

  abstract Stream innerStream();

  abstract SSLEngine sslEngine();

  abstract String requestedServerName();

  abstract void fail(IOException error);

  /** Makes all the progress the engine allows now (loop thread). */
  abstract void pump();

  final boolean handshakeDone() {
    return handshake != null;
  }

  // ---- handshake listeners ----

  final void completeHandshake() {
    SSLSession s = sslEngine().getSession();
    List<Certificate> peer;
    try {
      peer = List.of(s.getPeerCertificates());
    } catch (SSLPeerUnverifiedException e) {
      peer = List.of(); // a client without client authentication
    }
    String alpn = sslEngine().getApplicationProtocol();
    String sni = requestedServerName();
    if (sni == null && s instanceof ExtendedSSLSession) {
      for (SNIServerName n : ((ExtendedSSLSession) s).getRequestedServerNames()) {
        if (n instanceof SNIHostName) sni = ((SNIHostName) n).getAsciiName();
      }
    }
    handshake = new TlsHandshake(s.getProtocol(), s.getCipherSuite(),
        alpn == null || alpn.isEmpty() ? null : alpn, peer, sni);
    notifyListeners();
  }

  final void handshakeFailed(IOException error) {
    if (handshake != null || handshakeError != null) return;
    handshakeError = error;
    notifyListeners();
  }

  final void addHandshakeListener(TlsHandshakeListener l) {
    if (listeners == null) listeners = new ArrayList<>(1);
    listeners.add(l);
    if (handshake != null || handshakeError != null) notifyListeners();
  }

  private void notifyListeners() {
    List<TlsHandshakeListener> ls = listeners;
    listeners = null;
    if (ls == null) return;
    TlsHandshake h = handshake;
    IOException e = handshakeError;
    for (TlsHandshakeListener l : ls) runUser(() -> l.onHandshake(owner, h, e));
  }

  // ---- outbound buffers and transport writes ----

  final ByteBuffer takeBuffer() {
    ByteBuffer b = pool.poll();
    if (b != null) return b.clear();
    int size = sslEngine().getSession().getPacketBufferSize() * RECORDS_PER_WRITE;
    return ByteBuffer.allocateDirect(size);
  }

  private void recycle(ByteBuffer b) {
    int size = sslEngine().getSession().getPacketBufferSize() * RECORDS_PER_WRITE;
    if (pool.size() < POOL_MAX && b.capacity() >= size) pool.add(b);
  }

  static ByteBuffer grow(ByteBuffer b, int atLeast, boolean direct) {
    int size = Math.max(atLeast, b.capacity() * 2);
    ByteBuffer bigger = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    b.flip();
    return bigger.put(b);
  }

  /**
   * Hands the gathered ciphertext to the transport. Requests wholly inside it complete when the
   * transport write does; a zero-length request completes after the writes before it.
   */
  final void flush() {
    if (chunk == null || chunk.position() == 0) {
      if (chunk != null) {
        recycle(chunk);
        chunk = null;
      }
      if (!chunkDone.isEmpty()) {
        List<TlsWrite> done = chunkDone;
        chunkDone = new ArrayList<>();
        if (inflight.isEmpty()) {
          completeAll(done, null);
        } else {
          inflight.peekLast().done.addAll(done);
        }
      }
      return;
    }
    ByteBuffer buf = chunk;
    chunk = null;
    buf.flip();
    Chunk c = new Chunk(buf, chunkDone);
    chunkDone = new ArrayList<>();
    inflight.add(c);
    boolean room;
    try {
      room = innerStream().write(buf, err -> onChunkWritten(c, err));
    } catch (HandleClosedException e) {
      inflight.remove(c);
      completeAll(c.done, failure != null ? failure : new OperationCanceledException("write"));
      return;
    } catch (IllegalStateException e) {
      inflight.remove(c);
      IOException err = new IOException("the underlying stream was shut down", e);
      completeAll(c.done, err);
      fail(err);
      return;
    }
    if (!room) outboundBlocked = true;
  }

  private void onChunkWritten(Chunk c, IOException error) {
    inflight.remove(c);
    recycle(c.buffer);
    if (error == null) {
      completeAll(c.done, null);
      return;
    }
    completeAll(c.done, failure != null ? failure : error);
    if (!(error instanceof OperationCanceledException)) fail(error);
  }

  private void completeAll(List<TlsWrite> writes, IOException error) {
    for (TlsWrite w : writes) completeWrite(w, error);
  }

  /** Completes every request not yet wrapped, or wrapped but not handed to the transport. */
  final void failQueued(IOException error) {
    while (!queue.isEmpty()) completeWrite(queue.poll(), error);
    List<TlsWrite> done = chunkDone;
    chunkDone = new ArrayList<>();
    completeAll(done, error);
  }

  /** Runs a request's callback, exactly once; then the drain callback if it is due. */
  final void completeWrite(TlsWrite w, IOException error) {
    if (w.completed) return;
    w.completed = true;
    long queued = queuedBytes.addAndGet(-w.bytes);
    if (error == null) bytesWritten += w.bytes;
    Callback cb = w.callback;
    if (cb != null) runUser(() -> cb.onComplete(error));
    if (needDrain && queued <= lowWater && !closed) {
      needDrain = false;
      Runnable r = drainHandler;
      if (r != null) runUser(r);
    }
  }

  // ---- shutdown ----

  /** Starts the graceful close: close_notify after queued writes, bounded by the deadline. */
  final void beginShutdown(Callback callback) {
    if (closed) {
      if (callback != null) {
        runUser(() -> callback.onComplete(failure != null ? failure
            : new OperationCanceledException("shutdown")));
      }
      return;
    }
    shutdownCallback = callback;
    closeOutboundWanted = true;
    if (shutdownTimeoutMillis > 0 && deadline == null) {
      try {
        deadline = Timer.create(loop);
        deadline.unref(); // never keeps the loop alive alone: pending writes do that
        deadline.start(shutdownTimeoutMillis, this::onDeadline);
      } catch (HandleClosedException | IllegalStateException e) {
        // the loop is closing: so is this stream
      }
    }
    pump();
  }

  private void onDeadline() {
    if (shutdownFinished || closed) return;
    Callback cb = shutdownCallback;
    shutdownCallback = null;
    SocketTimeoutException e = new SocketTimeoutException("TLS shutdown did not finish within "
        + shutdownTimeoutMillis + " ms: the peer is not reading");
    if (cb != null) runUser(() -> cb.onComplete(e));
    close("shutdown timed out");
  }

  final void onInnerShutdown(IOException error) {
    if (shutdownFinished) return;
    shutdownFinished = true;
    closeDeadline();
    Callback cb = shutdownCallback;
    shutdownCallback = null;
    if (cb != null) runUser(() -> cb.onComplete(error));
    if (closeAfterShutdown && !closed) close("ended");
  }

  final void closeDeadline() {
    if (deadline != null) {
      deadline.close();
      deadline = null;
    }
  }

  // ---- close ----

  /** Best effort: the alert the engine prepared, if the transport takes it at once. */
  final void sendAlert() {
    if (!inflight.isEmpty() || outboundDone) return;
    try {
      sslEngine().closeOutbound();
      ByteBuffer out = ByteBuffer.allocateDirect(sslEngine().getSession().getPacketBufferSize());
      sslEngine().wrap(NO_DATA, out);
      out.flip();
      if (out.hasRemaining()) innerStream().tryWrite(out);
    } catch (IOException | RuntimeException e) {
      // the alert is a courtesy; the error is reported either way
    }
  }

  /** Closes from any thread: the transport's token goes stale at once. */
  void close(String detail) {
    if (!closing.compareAndSet(false, true)) return;
    closeDetail = detail;
    closed = true;
    innerStream().close();
  }

  // ---- close callbacks ----

  final void addCloseCallback(Runnable r) {
    if (fullyClosed) {
      runUser(r);
      return;
    }
    if (closeCallbacks == null) closeCallbacks = new ArrayList<>(2);
    closeCallbacks.add(r);
  }

  /** Cancels what is left, exactly once each, then runs the close callbacks (loop thread). */
  final void finishClose() {
    if (fullyClosed) return;
    IOException cause = failure;
    failQueued(cause != null ? cause : new OperationCanceledException("write"));
    while (!inflight.isEmpty()) {
      completeAll(inflight.poll().done,
          cause != null ? cause : new OperationCanceledException("write"));
    }
    handshakeFailed(new OperationCanceledException("handshake"));
    chunk = null;
    pool.clear();
    fullyClosed = true;
    List<Runnable> callbacks = closeCallbacks;
    closeCallbacks = null;
    if (callbacks != null) {
      for (Runnable r : callbacks) runUser(r);
    }
  }

  // ---- user callbacks ----

  final void runUser(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      report(t);
    }
  }

  /**
   * Hands an exception thrown by a user callback to the loop's exception handler (rethrown from a
   * loop task, which the loop reports), so it never breaks the TLS state machine.
   */
  final void report(Throwable t) {
    try {
      loop.execute(() -> TlsCompletions.<RuntimeException>sneakyThrow(t));
    } catch (RejectedExecutionException e) {
      // the loop is closed: nobody to tell
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
    throw (E) t;
  }
}
