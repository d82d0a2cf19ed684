package io.holdfast;

import io.holdfast.internal.Errors;
import io.holdfast.internal.HandleNative;
import io.holdfast.internal.StreamNative;
import io.holdfast.internal.jfr.Jfr;
import io.holdfast.internal.jfr.JfrEvents;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stream machinery shared by TCP streams and pipes: reads, ordered writes, shutdown, moving
 * ownership, and (for pipes) handles received in order with the data.
 */
abstract class StreamBase extends HandleBase implements Stream {
  static final int MAX_BUFFERS = 1024;

  private AtomicLong queuedBytes = new AtomicLong(); // shared with a same-loop successor
  private volatile long lowWater = 32 * 1024;
  private volatile long highWater = 64 * 1024;
  private volatile boolean needDrain;
  private volatile Runnable drainHandler;
  private volatile boolean shutdownRequested;
  volatile boolean reading;
  private volatile long bytesRead;
  private volatile long bytesWritten;
  volatile SocketAddress localAddress;
  volatile SocketAddress remoteAddress;
  final boolean allowHalfOpen;
  /* Loop thread only. */
  ReadHandler readHandler;
  private final ArrayDeque<WriteRequest> inflight = new ArrayDeque<>();
  /* Completed single-buffer requests for reuse; touched only by the loop's own thread. */
  private final ArrayDeque<WriteRequest> spare = new ArrayDeque<>();
  private static final int MAX_SPARE = 16;
  ArrayDeque<Object> held; // data (and received handles) arriving while not reading
  ArrayDeque<Runnable> gate; // writes and shutdowns waiting behind a handle send (PipeStream)
  private boolean eofSeen;
  private boolean eofDelivered;
  private boolean shutdownPending;
  private boolean shutdownDone;
  private boolean closeAfterShutdown;
  private Callback shutdownCallback;
  private Callback canceledShutdown; // shutdown requested after close, completed after the writes
  private long nextRequest = 1;
  long lastActivityNanos = System.nanoTime();
  /** A begun JFR Connect event while a connect is pending and recorded (else null). */
  Object connectEvent;
  /* Moving ownership (loop thread). */
  StreamBase successor; // the new owner after a same-loop transfer
  private boolean detached; // the fd left this loop
  Runnable pendingMove; // a cross-loop move waiting for the stream to be quiet
  private java.util.function.Consumer<IOException> pendingMoveFailure;

  StreamBase(EventLoop loop, long token, boolean allowHalfOpen) {
    super(loop, token);
    this.allowHalfOpen = allowHalfOpen;
  }

  @Override
  boolean isActive() {
    return reading || !inflight.isEmpty() || shutdownPending;
  }

  // ---- reading ----

  @Override
  public void readStart(ReadHandler handler) throws HandleClosedException {
    Objects.requireNonNull(handler, "handler");
    checkOpen();
    loop.runOrSubmit(() -> startReading(handler));
  }

  @Override
  public boolean tryReadStart(ReadHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (!isOpen()) {
      recordRejection();
      return false;
    }
    loop.runOrSubmit(() -> startReading(handler));
    return true;
  }

  private void startReading(ReadHandler handler) {
    if (!isOpen()) return;
    readHandler = handler;
    // After the end was delivered nothing is left to read; "reading" would only keep the loop
    // alive for ever.
    if (eofDelivered) return;
    reading = true;
    if (held != null || (eofSeen && !eofDelivered)) {
      loop.execute(this::deliverHeld);
    } else if (!eofSeen) {
      StreamNative.readStart(loop.ptr(), token);
    }
    updateActive();
  }

  private void deliverHeld() {
    while (isOpen() && reading && held != null && !held.isEmpty()) {
      Object item = held.poll();
      ReadHandler h = readHandler;
      try {
        if (item instanceof ByteBuffer) h.onData(this, (ByteBuffer) item);
        else deliverHandle(h, (HandleBase) item);
      } catch (Throwable t) {
        loop.report(this, t);
      }
    }
    if (held != null && held.isEmpty()) held = null;
    if (!isOpen() || !reading) return;
    if (eofSeen) {
      deliverEnd();
    } else {
      StreamNative.readStart(loop.ptr(), token);
    }
  }

  @Override
  public void readStop() throws HandleClosedException {
    checkOpen();
    loop.runOrSubmit(() -> {
      if (!isOpen()) return;
      reading = false;
      StreamNative.readStop(loop.ptr(), token);
      updateActive();
    });
  }

  @Override
  public boolean isReading() {
    return reading;
  }

  private void onRead(int result, int offset, int length) {
    if (result > 0) {
      bytesRead += result;
      lastActivityNanos = System.nanoTime();
      ByteBuffer view = loop.readView(offset, length);
      if (reading && held == null && isOpen()) {
        try {
          readHandler.onData(this, view);
        } catch (Throwable t) {
          loop.report(this, t);
        }
      } else {
        if (held == null) held = new ArrayDeque<>();
        held.add(ByteBuffer.allocate(length).put(view).flip());
      }
      return;
    }
    if (result == Errors.EOF) {
      eofSeen = true;
      if (reading && held == null && isOpen()) deliverEnd();
      return;
    }
    IOException error = Errors.exception(result, "read", remoteAddress);
    reading = false;
    ReadHandler h = readHandler;
    if (h != null) {
      try {
        h.onError(this, error);
      } catch (Throwable t) {
        loop.report(this, t);
      }
    }
    closeWith(false, "after read error " + Errors.name(result));
  }

  /** Gives a received handle to the read handler; without one that takes handles it is closed. */
  void deliverHandle(ReadHandler handler, HandleBase h) {
    h.close();
  }

  private void deliverEnd() {
    if (eofDelivered) return;
    eofDelivered = true;
    reading = false;
    updateActive();
    try {
      readHandler.onEnd(this);
    } catch (Throwable t) {
      loop.report(this, t);
    }
    if (!allowHalfOpen && isOpen()) {
      // As Node without allowHalfOpen: end our side once writes drain, then close.
      if (shutdownDone) {
        close();
      } else {
        closeAfterShutdown = true;
        if (!shutdownRequested) {
          shutdownRequested = true;
          startShutdown(null);
        }
      }
    }
  }

  // ---- writing ----

  @Override
  public boolean write(ByteBuffer buffer, Callback callback) throws HandleClosedException {
    Objects.requireNonNull(buffer, "buffer");
    if (!buffer.isDirect()) return write(new ByteBuffer[] {buffer}, callback);
    checkOpen();
    if (shutdownRequested) throw new IllegalStateException("write after shutdown");
    // On the loop thread (echo servers, writers pumping from callbacks) nothing is allocated: a
    // recycled request and a direct call (runOrSubmit would run it at once there anyway).
    boolean onLoop = loop.inEventLoop();
    WriteRequest spared = onLoop ? spare.poll() : null;
    WriteRequest req = (spared != null ? spared : new WriteRequest()).single(buffer, callback);
    boolean full = queue(req.bytes);
    if (onLoop) submit(req);
    else loop.runOrSubmit(() -> submit(req));
    return !full;
  }

  /** Counts bytes as queued; returns true (and arms the drain callback) past high water. */
  private boolean queue(long bytes) {
    long queued = queuedBytes.addAndGet(bytes);
    // Armed before the request can complete, so its own completion can fire the drain callback.
    boolean full = queued >= highWater;
    if (full) needDrain = true;
    return full;
  }

  @Override
  public boolean write(ByteBuffer[] buffers, Callback callback) throws HandleClosedException {
    long bytes = checkBuffers(buffers);
    checkOpen();
    if (shutdownRequested) throw new IllegalStateException("write after shutdown");
    ByteBuffer[] owned = new ByteBuffer[buffers.length];
    for (int i = 0; i < buffers.length; i++) {
      ByteBuffer b = buffers[i];
      if (b.isDirect()) {
        owned[i] = b.duplicate();
      } else {
        owned[i] = ByteBuffer.allocateDirect(b.remaining()).put(b.duplicate()).flip();
      }
    }
    WriteRequest req = new WriteRequest(owned, bytes, callback);
    boolean full = queue(bytes);
    loop.runOrSubmit(() -> submit(req));
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
      Objects.requireNonNull(buffers[i], "buffers[" + i + "]");
      bytes += buffers[i].remaining();
    }
    return bytes;
  }

  private void submit(WriteRequest req) {
    if (successor != null) {
      successor.submit(req); // queued before a same-loop move: the new owner writes it, in order
      return;
    }
    if (gate != null) {
      gate.add(() -> submit(req));
      return;
    }
    if ((!isOpen() && (!isMoved() || detached)) || loop.isClosed()) {
      completeInOrder(req, new OperationCanceledException("write"));
      return;
    }
    int count = req.fillIovecs(loop.scratch());
    inflight.add(req);
    long rc = StreamNative.write(loop.ptr(), token, loop.scratchAddress(), count, nextRequest++);
    if (rc < 0) {
      inflight.pollLast();
      completeInOrder(req, rc == Errors.STALE ? closedException()
          : rc == Errors.BUSY_STATE ? new NativeIOException("EPIPE", 32, "write", remoteAddress,
              "write after shutdown") : Errors.exception((int) rc, "write", remoteAddress));
      return;
    }
    updateActive();
  }

  /**
   * Completes a request that never reached the native queue: now if nothing is in flight, else
   * after the requests before it (their completions are still to come), keeping write order.
   */
  private void completeInOrder(WriteRequest req, IOException error) {
    if (inflight.isEmpty() || isFullyClosed()) {
      complete(req, error);
      return;
    }
    req.preset = error;
    inflight.add(req);
    updateActive();
  }

  private void onWriteDone(int result) {
    WriteRequest req = inflight.poll();
    if (req == null) return;
    if (result == 0) bytesWritten += req.bytes;
    lastActivityNanos = System.nanoTime();
    complete(req, result == 0 ? null : Errors.exception(result, "write", remoteAddress));
    // Requests completed in Java while this one was in flight come next.
    while (!inflight.isEmpty() && inflight.peek().preset != null) {
      WriteRequest next = inflight.poll();
      complete(next, next.preset);
    }
    updateActive();
  }

  private void complete(WriteRequest req, IOException error) {
    long queued = queuedBytes.addAndGet(-req.bytes);
    Callback callback = req.callback;
    if (req.recyclable() && loop.inEventLoop()) {
      req.clear();
      if (spare.size() < MAX_SPARE) spare.add(req);
    }
    if (callback != null) {
      try {
        callback.onComplete(error);
      } catch (Throwable t) {
        loop.report(this, t);
      }
    }
    if (needDrain && queued <= lowWater && isOpen()) {
      needDrain = false;
      Runnable r = drainHandler;
      if (r != null) loop.runUser(this, r);
    }
  }

  @Override
  public long tryWrite(ByteBuffer... buffers) throws IOException {
    checkBuffers(buffers);
    checkOpen();
    if (shutdownRequested) throw new IllegalStateException("write after shutdown");
    ByteBuffer[] direct = new ByteBuffer[buffers.length];
    for (int i = 0; i < buffers.length; i++) {
      ByteBuffer b = buffers[i];
      direct[i] = b.isDirect() ? b : ByteBuffer.allocateDirect(b.remaining()).put(b.duplicate()).flip();
    }
    long written;
    try {
      written = loop.call(() -> {
        if (!isOpen()) throw closedException();
        if (queuedBytes.get() > 0) return 0L;
        int count = WriteRequest.fillIovecs(loop.scratch(), direct);
        long n = check(StreamNative.tryWrite(loop.ptr(), token, loop.scratchAddress(), count),
            "write");
        bytesWritten += n; // where the loop's own completions update it, never concurrently
        return n;
      });
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
    long left = written;
    for (ByteBuffer b : buffers) {
      int n = (int) Math.min(left, b.remaining());
      b.position(b.position() + n);
      left -= n;
    }
    return written;
  }

  @Override
  public void shutdown(Callback callback) throws HandleClosedException {
    checkOpen();
    synchronized (this) {
      if (shutdownRequested) throw new IllegalStateException("shutdown already requested");
      shutdownRequested = true;
    }
    loop.runOrSubmit(() -> startShutdown(callback));
  }

  private void startShutdown(Callback callback) {
    if (gate != null) {
      gate.add(() -> startShutdown(callback));
      return;
    }
    if (!isOpen()) {
      if (callback == null) return;
      if (inflight.isEmpty() || isFullyClosed() || isMoved()) {
        loop.runUser(this, () -> callback.onComplete(new OperationCanceledException("shutdown")));
      } else {
        canceledShutdown = callback; // after the canceled writes queued before it, in onClosed
      }
      return;
    }
    shutdownCallback = callback;
    shutdownPending = true;
    int rc = StreamNative.shutdown(loop.ptr(), token, 0);
    if (rc < 0) {
      shutdownPending = false;
      IOException error = rc == Errors.STALE ? closedException()
          : Errors.exception(rc, "shutdown", remoteAddress);
      if (callback != null) loop.runUser(this, () -> callback.onComplete(error));
    }
    updateActive();
  }

  private void onShutdownDone(int result) {
    shutdownPending = false;
    shutdownDone = result == 0;
    Callback cb = shutdownCallback;
    shutdownCallback = null;
    updateActive();
    if (cb != null) {
      IOException error = result == 0 ? null : Errors.exception(result, "shutdown", remoteAddress);
      loop.runUser(this, () -> cb.onComplete(error));
    }
    if (closeAfterShutdown) close();
  }

  @Override
  public long writeQueueSize() {
    return queuedBytes.get();
  }

  @Override
  public void setWriteBufferWaterMarks(long low, long high) {
    if (low < 0) throw new IllegalArgumentException("low-water mark < 0: " + low);
    if (high <= low) {
      throw new IllegalArgumentException("high-water mark " + high + " not above low " + low);
    }
    lowWater = low;
    highWater = high;
  }

  @Override
  public void onDrain(Runnable onDrain) {
    drainHandler = onDrain;
  }

  @Override
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  public long bytesWritten() {
    return bytesWritten;
  }

  @Override
  public SocketAddress localAddress() {
    return localAddress;
  }

  @Override
  SocketAddress infoLocalAddress() {
    return localAddress;
  }

  @Override
  SocketAddress infoRemoteAddress() {
    return remoteAddress;
  }

  @Override
  long infoBytesRead() {
    return bytesRead;
  }

  @Override
  long infoBytesWritten() {
    return bytesWritten;
  }

  @Override
  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  /** Events of streams; subclasses add their own first. */
  @Override
  void onEvent(int kind, int result, long aux, int offset, int length) {
    switch (kind) {
      case EV_READ:
        if (isOpen() || isMoved()) onRead(result, offset, length);
        break;
      case EV_WRITE:
        onWriteDone(result);
        break;
      case EV_SHUTDOWN:
        onShutdownDone(result);
        break;
      default:
        break;
    }
  }

  /**
   * A move waiting for quiet retries after each event: every kind counts (a connect finishing is
   * handled by the subclass, and a move of a connecting stream waits for exactly that event).
   */
  @Override
  final void afterEvent() {
    if (pendingMove != null) loop.execute(pendingMove);
  }

  // ---- moving ownership ----

  /** Creates the object that takes this stream over, on loop with token (any loop thread). */
  abstract StreamBase newOwner(EventLoop loop, long token);

  /** Same-loop move: the old object is stale (MOVED) at once; see {@link Stream#transfer()}. */
  final StreamBase transferSameLoop() throws HandleClosedException {
    if (!markStale(MOVED, null)) throw closedException();
    try {
      return loop.call(this::moveNow);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private StreamBase moveNow() {
    StreamBase n = null;
    if (!isFullyClosed()) {
      // Reading stops: data the kernel already gave us waits in the new owner until it reads.
      if (reading) StreamNative.readStop(loop.ptr(), token);
      long rc = HandleNative.transfer(loop.ptr(), token);
      if (rc >= 0) n = newOwner(loop, rc);
    }
    if (n == null) throw new IllegalStateException("native handle of " + this + " is gone");
    n.takeStateFrom(this);
    n.inflight.addAll(inflight);
    inflight.clear();
    n.queuedBytes = queuedBytes;
    n.gate = gate; // submissions waiting behind a handle send now wait in the new owner
    gate = null;
    successor = n;
    reading = false;
    loop.unregister(this);
    updateActive();
    n.updateActive();
    return n;
  }

  /** Copies what a new owner inherits: counters, addresses, marks, end/shutdown state, held data. */
  private void takeStateFrom(StreamBase old) {
    createdNanos = old.createdNanos;
    connectEvent = old.connectEvent;
    old.connectEvent = null;
    bytesRead = old.bytesRead;
    bytesWritten = old.bytesWritten;
    localAddress = old.localAddress;
    remoteAddress = old.remoteAddress;
    lowWater = old.lowWater;
    highWater = old.highWater;
    needDrain = old.needDrain;
    drainHandler = old.drainHandler;
    shutdownRequested = old.shutdownRequested;
    shutdownPending = old.shutdownPending;
    shutdownDone = old.shutdownDone;
    shutdownCallback = old.shutdownCallback;
    closeAfterShutdown = old.closeAfterShutdown;
    eofSeen = old.eofSeen;
    eofDelivered = old.eofDelivered;
    held = old.held;
    old.held = null;
    nextRequest = old.nextRequest;
    old.moveCloseCallbacksTo(this);
    inheritFrom(old);
  }

  /** Starts timing a connect for JFR (cheap when no recording runs). */
  final void connectStarted() {
    if (Jfr.AVAILABLE) connectEvent = JfrEvents.connectBegin();
  }

  /** A connect finished (or was canceled): commits its JFR event, if one was begun. */
  final void connectFinished(IOException error) {
    Object e = connectEvent;
    if (e == null) return;
    connectEvent = null;
    JfrEvents.connectEnd(e, typeName(), token, remoteAddress, localAddress, error);
  }

  /** Subclass state a new owner inherits (called on the new owner's loop thread). */
  void inheritFrom(StreamBase old) {}

  /**
   * Cross-loop move: stale at once; once the stream is quiet (no queued writes, connect or
   * shutdown, no undelivered event) its fd leaves this loop and onArrival gets the new owner on
   * target's thread.
   */
  final <T extends StreamBase> void transferToLoop(EventLoop target,
      java.util.function.Consumer<T> onArrival) throws HandleClosedException {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(onArrival, "onArrival");
    if (target.isClosed()) throw new IllegalArgumentException("target loop is closed");
    if (!markStale(MOVED, "moved to another loop")) throw closedException();
    StreamBase old = this;
    detachWhenQuiet(fd -> {
      try {
        target.execute(() -> {
          long rc = StreamNative.adopt(target.ptr(), fd);
          if (rc < 0) {
            HandleNative.closeFd(fd);
            target.report(null, Errors.exception((int) rc, "adopt", remoteAddress));
            return;
          }
          StreamBase n = newOwner(target, rc);
          n.takeStateFrom(old);
          @SuppressWarnings("unchecked")
          T arrived = (T) n;
          try {
            onArrival.accept(arrived);
          } catch (Throwable t) {
            target.report(n, t);
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        HandleNative.closeFd(fd); // the target closed meanwhile: nobody would own the fd
      }
    }, error -> {
      if (!(error instanceof OperationCanceledException)) loop.report(this, error);
    });
  }

  /**
   * Takes the fd of this (already stale) stream out of its loop once the stream is quiet, then
   * onFd gets it on this loop's thread; the fd stays registered as owned while in transit. onFail
   * learns why not (canceled if the stream or its loop closed first).
   */
  @Override
  final void detachWhenQuiet(java.util.function.IntConsumer onFd,
      java.util.function.Consumer<IOException> onFail) {
    Runnable attempt = new Runnable() {
      @Override
      public void run() {
        pendingMove = null;
        pendingMoveFailure = null;
        tryDetach(onFd, onFail, this);
      }
    };
    loop.execute(attempt);
  }

  private void tryDetach(java.util.function.IntConsumer onFd,
      java.util.function.Consumer<IOException> onFail, Runnable retry) {
    if (isFullyClosed() || detached) {
      onFail.accept(new OperationCanceledException("move"));
      return;
    }
    if (reading) {
      StreamNative.readStop(loop.ptr(), token);
      reading = false;
    }
    int fd = gate != null ? Errors.BUSY_STATE : HandleNative.detach(loop.ptr(), token);
    if (fd == Errors.BUSY_STATE) {
      pendingMove = retry; // retried after this stream's next event, or when its gate opens
      pendingMoveFailure = onFail;
      return;
    }
    if (fd < 0) {
      onFail.accept(Errors.exception(fd, "detach", remoteAddress));
      return;
    }
    detached = true;
    loop.unregister(this);
    updateActive();
    onFd.accept(fd);
  }

  /** Its loop is closing: a move still waiting for quiet will not happen; close natively. */
  @Override
  void loopClosing() {
    if (pendingMove == null) return;
    java.util.function.Consumer<IOException> fail = pendingMoveFailure;
    pendingMove = null;
    pendingMoveFailure = null;
    fail.accept(new OperationCanceledException("move"));
    closeNow();
  }

  /**
   * Queues a request whose native part is call(requestId) (a handle send) among the writes (loop
   * thread). A negative result completes it, in write order, with error.apply(result).
   */
  final long submitNative(Callback callback, java.util.function.LongUnaryOperator call,
      java.util.function.LongFunction<IOException> error) {
    WriteRequest req = new WriteRequest(new ByteBuffer[0], 0, callback);
    inflight.add(req);
    long rc = call.applyAsLong(nextRequest++);
    if (rc < 0) {
      inflight.pollLast();
      completeInOrder(req, error.apply(rc));
    }
    updateActive();
    return rc;
  }

  @Override
  void onClosed() {
    reading = false;
    if (held != null) {
      for (Object item : held) {
        if (item instanceof HandleBase) ((HandleBase) item).close(); // received, never delivered
      }
    }
    held = null;
    // Native requests were canceled (in order) before the close event; what is left here never
    // reached the native queue and completes now, still in write order.
    while (!inflight.isEmpty()) {
      WriteRequest req = inflight.poll();
      complete(req, req.preset != null ? req.preset : new OperationCanceledException("write"));
    }
    Callback cb = canceledShutdown;
    canceledShutdown = null;
    if (cb != null) {
      loop.runUser(this, () -> cb.onComplete(new OperationCanceledException("shutdown")));
    }
  }
}
