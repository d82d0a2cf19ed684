package io.holdfast.tls;

import static javax.net.ssl.SSLEngineResult.HandshakeStatus.FINISHED;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_TASK;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_UNWRAP;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_WRAP;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;

import io.holdfast.Callback;
import io.holdfast.HandleClosedException;
import io.holdfast.OperationCanceledException;
import io.holdfast.ReadHandler;
import io.holdfast.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The TLS state machine behind a {@link TlsStream}, confined to the loop thread (the volatile
 * fields are read by the facade from any thread).
 *
 * <p>One rule prevents the classic stall: every event (ciphertext arrived, the transport drained,
 * a delegated task finished, the user wrote or started reading) runs {@link #pump()}, which
 * unwraps and wraps until neither makes progress. Queued writes are therefore retried after a
 * read too, not only when the socket becomes writable. {@link #need} records what the pump waits
 * for: inbound bytes, outbound room or a task. Nothing is retried without an event, so an engine
 * that waits for data that never comes leaves the loop asleep in poll.
 */
final class TlsConnection extends TlsCompletions {
  /** What the pending TLS work waits for. */
  enum Need { NOTHING, INBOUND, OUTBOUND_ROOM, TASK }

  /** Ciphertext buffered before we stop reading the transport (backpressure). */
  private static final int NET_IN_LIMIT = 256 * 1024;
  /** Plaintext kept for a consumer that stopped reading while a handshake needs inbound bytes. */
  static final int HELD_LIMIT = 1024 * 1024;
  private static final int INNER_LOW = 64 * 1024;
  private static final int INNER_HIGH = 256 * 1024;

  final Stream inner;
  final SSLEngine engine;
  private final Executor taskExecutor;
  private final boolean allowHalfOpen;
  private final String requestedServerName;

  volatile boolean shutdownRequested;
  volatile boolean userReading;
  volatile long bytesRead;
  volatile Need need = Need.NOTHING;
  /** Unwraps that left an established engine handshaking (renegotiation, key update). */
  volatile long postHandshakeMessages;
  volatile long tasksRun;

  /* Loop thread only. */
  private ReadHandler readHandler;
  private final InnerReader innerReader = new InnerReader();
  private ByteBuffer netIn;
  private ByteBuffer appIn;
  private ArrayDeque<ByteBuffer> held;
  private long heldBytes;
  private boolean handshakeBegun;
  private boolean taskRunning;
  private boolean innerReading;
  private boolean innerEof;
  private boolean underflow;
  private boolean wrapStalledOnInbound;
  private boolean inboundDone;
  private boolean endDelivered;
  private boolean closeOutboundCalled;
  private boolean innerShutdownStarted;
  private boolean pumping;
  private boolean pumpAgain;

  TlsConnection(Stream inner, SSLEngine engine, TlsOptions options) {
    super(inner.loop(), options.shutdownTimeoutMillis);
    this.inner = inner;
    this.engine = engine;
    this.taskExecutor = options.executor();
    this.allowHalfOpen = options.allowHalfOpen;
    this.requestedServerName = engine.getUseClientMode() ? sentServerName(engine) : null;
    this.lowWater = options.lowWater;
    this.highWater = options.highWater;
    netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
  }

  /** The SNI host name a client engine will send (none for an IP literal). */
  private static String sentServerName(SSLEngine engine) {
    List<SNIServerName> names = engine.getSSLParameters().getServerNames();
    if (names != null) {
      for (SNIServerName n : names) {
        if (n instanceof SNIHostName) return ((SNIHostName) n).getAsciiName();
      }
    }
    return null;
  }

  @Override
  Stream innerStream() {
    return inner;
  }

  @Override
  SSLEngine sslEngine() {
    return engine;
  }

  @Override
  String requestedServerName() {
    return requestedServerName;
  }

  /** Starts the handshake (loop thread). */
  void start() {
    inner.onClose(this::onInnerClosed);
    inner.onDrain(() -> {
      outboundBlocked = false;
      pump();
    });
    inner.setWriteBufferWaterMarks(INNER_LOW, INNER_HIGH);
    if (closed) return;
    try {
      engine.beginHandshake();
      handshakeBegun = true;
    } catch (SSLException e) {
      fail(e);
      return;
    }
    pump();
  }

  // ---- the pump ----

  /** Makes all the progress the engine allows now; re-entrant calls are folded into one run. */
  void pump() {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        step();
      } while (pumpAgain && !closed);
    } finally {
      pumping = false;
    }
  }

  private void step() {
    boolean progress = true;
    while (progress && !closed) {
      if (taskRunning) break;
      if (engine.getHandshakeStatus() == NEED_TASK) {
        runTasks();
        break;
      }
      progress = unwrapStep();
      if (closed) return;
      progress |= wrapStep();
    }
    if (closed) return;
    flush();
    if (closed) return;
    afterStep();
  }

  /** Whether inbound records should be unwrapped now. */
  private boolean wantUnwrap() {
    if (inboundDone || closed) return false;
    if (userReading && held == null) return true;
    if (heldBytes >= HELD_LIMIT) return false; // bounded memory; resumes when the user reads
    // The consumer stopped, but the engine needs inbound progress to send anything.
    return !handshakeDone() || engine.getHandshakeStatus() != NOT_HANDSHAKING
        || wrapStalledOnInbound;
  }

  private boolean unwrapStep() {
    if (netIn.position() == 0 || !wantUnwrap()) return false;
    boolean established = handshakeDone();
    SSLEngineResult r;
    netIn.flip();
    try {
      r = engine.unwrap(netIn, appIn);
    } catch (SSLException e) {
      fail(e);
      return false;
    } catch (RuntimeException e) {
      fail(new SSLException("TLS engine failed while reading", e));
      return false;
    } finally {
      netIn.compact();
    }
    switch (r.getStatus()) {
      case BUFFER_UNDERFLOW:
        int size = engine.getSession().getPacketBufferSize();
        if (netIn.capacity() < size) netIn = grow(netIn, size, false);
        underflow = true; // a partial record: wait for more bytes
        return false;
      case BUFFER_OVERFLOW:
        if (appIn.position() > 0) {
          deliver();
        } else {
          appIn = grow(appIn, engine.getSession().getApplicationBufferSize(), false);
        }
        return true;
      case CLOSED:
        inboundDone = true; // the peer's close_notify
        break;
      default:
        HandshakeStatus hs = r.getHandshakeStatus();
        if (established && hs != NOT_HANDSHAKING && hs != FINISHED) postHandshakeMessages++;
        break;
    }
    underflow = false;
    noteHandshake(r.getHandshakeStatus());
    if (appIn.position() > 0) deliver();
    return r.bytesConsumed() > 0 || r.bytesProduced() > 0 || inboundDone;
  }

  /** Hands decrypted bytes to the reader, or keeps them while the reader is stopped. */
  private void deliver() {
    appIn.flip();
    int n = appIn.remaining();
    bytesRead += n;
    if (userReading && held == null && readHandler != null) {
      ReadHandler h = readHandler;
      try {
        h.onData(owner, appIn);
      } catch (Throwable t) {
        report(t);
      }
    } else {
      if (held == null) held = new ArrayDeque<>();
      held.add(ByteBuffer.allocate(n).put(appIn).flip());
      heldBytes += n;
    }
    appIn.clear();
  }

  private boolean wrapStep() {
    if (outboundDone || outboundBlocked || closed) return false;
    while (!queue.isEmpty() && !queue.peek().hasRemaining()) chunkDone.add(queue.poll());
    TlsWrite head = queue.peek();
    if (head == null && closeOutboundWanted && !closeOutboundCalled) {
      closeOutboundCalled = true;
      engine.closeOutbound(); // close_notify, once every queued write was wrapped
    }
    HandshakeStatus hs = engine.getHandshakeStatus();
    if (hs != NEED_WRAP && head == null && !closeOutboundCalled) {
      wrapStalledOnInbound = false;
      return false;
    }
    if (chunk == null) chunk = takeBuffer();
    SSLEngineResult r;
    try {
      r = engine.wrap(head != null ? head.buffers : NO_DATA, chunk);
    } catch (SSLException e) {
      fail(e);
      return false;
    } catch (RuntimeException e) {
      fail(new SSLException("TLS engine failed while writing", e));
      return false;
    }
    switch (r.getStatus()) {
      case BUFFER_OVERFLOW:
        if (chunk.position() > 0) {
          flush();
        } else {
          chunk = grow(chunk, engine.getSession().getPacketBufferSize(), true);
        }
        return !closed;
      case CLOSED:
        outboundDone = true;
        failQueued(new SSLException("TLS connection closed for writing"
            + (closeOutboundCalled ? "" : ": the peer sent close_notify")));
        return true;
      default:
        break;
    }
    if (head != null && !head.hasRemaining()) chunkDone.add(queue.poll());
    noteHandshake(r.getHandshakeStatus());
    boolean progress = r.bytesConsumed() > 0 || r.bytesProduced() > 0;
    // The engine cannot send until it reads (a handshake message, renegotiation, key update).
    wrapStalledOnInbound = !progress && r.getHandshakeStatus() == NEED_UNWRAP;
    if (chunk.remaining() < engine.getSession().getPacketBufferSize()) flush();
    return progress;
  }

  private void runTasks() {
    List<Runnable> tasks = new ArrayList<>(2);
    for (Runnable t; (t = engine.getDelegatedTask()) != null; ) tasks.add(t);
    if (tasks.isEmpty()) return;
    taskRunning = true;
    need = Need.TASK;
    try {
      taskExecutor.execute(() -> {
        try {
          for (Runnable t : tasks) t.run();
        } finally {
          try {
            loop.execute(() -> onTasksDone(tasks.size()));
          } catch (RejectedExecutionException e) {
            // the loop closed: nothing left to resume
          }
        }
      });
    } catch (RejectedExecutionException e) {
      taskRunning = false;
      fail(new SSLException("the TLS task executor rejected a delegated task", e));
    }
  }

  private void onTasksDone(int count) {
    taskRunning = false;
    tasksRun += count;
    if (!closed) pump();
  }

  private void noteHandshake(HandshakeStatus hs) {
    if (hs == FINISHED && !handshakeDone()) completeHandshake();
  }

  /** End of stream, truncation, shutdown progress and read interest, after the engine work. */
  private void afterStep() {
    if (!handshakeDone() && handshakeBegun && !closeOutboundCalled && !inboundDone
        && engine.getHandshakeStatus() == NOT_HANDSHAKING) {
      completeHandshake(); // engines that never report FINISHED
      if (closed) return;
    }
    if (innerEof && !inboundDone && (netIn.position() == 0 || underflow) && wantUnwrap()) {
      fail(new TlsTruncationException(handshakeDone()
          ? "the peer closed the connection without close_notify (truncation)"
          : "the peer closed the connection during the TLS handshake"));
      return;
    }
    if (inboundDone && !endDelivered && userReading && held == null) {
      endDelivered = true;
      userReading = false;
      ReadHandler h = readHandler;
      if (h != null) {
        try {
          h.onEnd(owner);
        } catch (Throwable t) {
          report(t);
        }
      }
      if (closed) return;
      if (!allowHalfOpen) {
        closeAfterShutdown = true;
        if (shutdownFinished) {
          close("ended");
          return;
        }
        boolean ours;
        synchronized (this) { // the facade's shutdown() takes the same lock
          ours = !shutdownRequested;
          shutdownRequested = true;
        }
        if (ours) {
          beginShutdown(null);
          return;
        }
      }
    }
    if (outboundDone && closeOutboundWanted && !innerShutdownStarted && chunk == null) {
      innerShutdownStarted = true; // close_notify is queued: half-close TCP once it drained
      try {
        inner.shutdown(this::onInnerShutdown);
      } catch (IllegalStateException e) {
        onInnerShutdown(null); // the transport already shut down (it saw the peer's FIN)
      } catch (HandleClosedException e) {
        return;
      }
    }
    updateNeed();
    updateInnerReading();
  }

  private void updateNeed() {
    HandshakeStatus hs = engine.getHandshakeStatus();
    boolean wantsOut = !queue.isEmpty() || hs == NEED_WRAP
        || (closeOutboundWanted && !outboundDone);
    if (taskRunning) {
      need = Need.TASK;
    } else if (wantsOut && outboundBlocked) {
      need = Need.OUTBOUND_ROOM;
    } else if (wrapStalledOnInbound || hs == NEED_UNWRAP) {
      need = Need.INBOUND;
    } else {
      need = Need.NOTHING;
    }
  }

  private void updateInnerReading() {
    boolean want = !closed && !innerEof && wantUnwrap() && netIn.position() < NET_IN_LIMIT;
    if (want == innerReading) return;
    try {
      if (want) {
        inner.readStart(innerReader);
      } else {
        inner.readStop();
      }
      innerReading = want;
    } catch (HandleClosedException e) {
      // closing: onInnerClosed follows
    }
  }

  /** Receives ciphertext from the transport. */
  private final class InnerReader implements ReadHandler {
    @Override
    public void onData(Stream stream, ByteBuffer data) {
      if (closed) return;
      if (netIn.remaining() < data.remaining()) {
        netIn = grow(netIn, netIn.position() + data.remaining(), false);
      }
      netIn.put(data);
      underflow = false;
      pump();
    }

    @Override
    public void onEnd(Stream stream) {
      innerEof = true;
      innerReading = false;
      if (!closed) pump();
    }

    @Override
    public void onError(Stream stream, IOException error) {
      innerReading = false;
      fail(error); // the transport closes itself right after
    }
  }

  /** A snapshot of the state machine, for diagnostics (loop thread). */
  String describe() {
    return "need=" + need + " hs=" + engine.getHandshakeStatus() + " queue=" + queue.size()
        + " inflight=" + inflight.size() + " blocked=" + outboundBlocked + " innerQueue="
        + inner.writeQueueSize() + " netIn=" + netIn.position() + " reading=" + userReading
        + "/" + innerReading + " task=" + taskRunning + " stalledOnInbound=" + wrapStalledOnInbound
        + " outboundDone=" + outboundDone + " closed=" + closed;
  }

  // ---- user operations (loop thread) ----

  void readStart(TlsStream from, ReadHandler handler) {
    if (closed || owner != from) return;
    readHandler = handler;
    userReading = true;
    if (held != null) {
      try {
        loop.execute(this::deliverHeld); // not inside the caller's own callback
      } catch (RejectedExecutionException e) {
        return;
      }
    }
    pump();
  }

  private void deliverHeld() {
    while (!closed && userReading && held != null && !held.isEmpty()) {
      ByteBuffer b = held.poll();
      heldBytes -= b.remaining();
      try {
        readHandler.onData(owner, b);
      } catch (Throwable t) {
        report(t);
      }
    }
    if (held != null && held.isEmpty()) held = null;
    if (!closed) pump();
  }

  void readStop(TlsStream from) {
    if (closed || owner != from) return;
    userReading = false;
    updateInnerReading();
  }

  /** The new owner after a transfer: reading stops until it starts reading. */
  void moveTo(TlsStream next) {
    owner = next;
    userReading = false;
    readHandler = null;
    if (!closed) updateInnerReading();
  }

  void enqueue(TlsWrite w) {
    if (closed) {
      completeWrite(w, failure != null ? failure : new OperationCanceledException("write"));
      return;
    }
    if (outboundDone) {
      completeWrite(w, new SSLException("TLS connection closed for writing"));
      return;
    }
    queue.add(w);
    pump();
  }

  /** Wraps what fits now into one transport write, only if nothing is queued (loop thread). */
  long tryWrite(ByteBuffer[] buffers) throws IOException {
    if (closed) throw owner.closedException();
    if (!handshakeDone() || !queue.isEmpty() || chunk != null || outboundBlocked || outboundDone
        || taskRunning || engine.getHandshakeStatus() != NOT_HANDSHAKING) {
      return 0;
    }
    chunk = takeBuffer();
    long total = 0;
    int packet = engine.getSession().getPacketBufferSize();
    try {
      while (chunk.remaining() >= packet) {
        SSLEngineResult r = engine.wrap(buffers, chunk);
        if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) break;
        total += r.bytesConsumed();
      }
    } catch (SSLException e) {
      fail(e);
      throw e;
    }
    bytesWritten += total;
    flush();
    return total;
  }

  void shutdown(Callback callback) {
    beginShutdown(callback);
  }

  // ---- failure and close ----

  /** Reports a fatal error to whoever waits, then closes (loop thread). */
  void fail(IOException error) {
    if (closed) return;
    failure = error;
    sendAlert();
    if (!handshakeDone()) handshakeFailed(error);
    if (userReading && !endDelivered && readHandler != null) {
      userReading = false;
      ReadHandler h = readHandler;
      try {
        h.onError(owner, error);
      } catch (Throwable t) {
        report(t);
      }
    }
    failQueued(error);
    Callback cb = shutdownCallback;
    shutdownCallback = null;
    if (cb != null) runUser(() -> cb.onComplete(error));
    close("after TLS error: " + error.getMessage());
  }

  /** The transport is fully closed: cancel what remains, then the close callbacks (loop). */
  private void onInnerClosed() {
    if (!closing.getAndSet(true)) closeDetail = "the underlying stream was closed";
    closed = true;
    userReading = false;
    held = null;
    closeDeadline();
    Callback cb = shutdownCallback;
    shutdownCallback = null;
    if (cb != null) runUser(() -> cb.onComplete(new OperationCanceledException("shutdown")));
    engine.closeOutbound();
    try {
      engine.closeInbound();
    } catch (SSLException e) {
      // expected without the peer's close_notify
    }
    finishClose();
  }
}
