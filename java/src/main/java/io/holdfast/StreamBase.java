package io.holdfast;

import io.holdfast.internal.Errors;
import io.holdfast.internal.MemoryNative;
import io.holdfast.internal.StreamNative;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/** The stream machinery shared by TCP streams and later pipes: reads, ordered writes, shutdown. */
abstract class StreamBase extends HandleBase implements Stream {
  static final int MAX_BUFFERS = 1024;

  private static final class WriteRequest {
    final ByteBuffer[] buffers;
    final long bytes;
    final Callback callback;

    WriteRequest(ByteBuffer[] buffers, long bytes, Callback callback) {
      this.buffers = buffers;
      this.bytes = bytes;
      this.callback = callback;
    }
  }

  private final AtomicLong queuedBytes = new AtomicLong();
  private volatile long lowWater = 32 * 1024;
  private volatile long highWater = 64 * 1024;
  private volatile boolean needDrain;
  private volatile Runnable drainHandler;
  private volatile boolean shutdownRequested;
  private volatile boolean reading;
  private volatile long bytesRead;
  private volatile long bytesWritten;
  volatile SocketAddress localAddress;
  volatile SocketAddress remoteAddress;
  final boolean allowHalfOpen;
  /* Loop thread only. */
  private ReadHandler readHandler;
  private final ArrayDeque<WriteRequest> inflight = new ArrayDeque<>();
  private ArrayDeque<ByteBuffer> held; // data read while not reading, kept for the next readStart
  private boolean eofSeen;
  private boolean eofDelivered;
  private boolean shutdownPending;
  private boolean shutdownDone;
  private boolean closeAfterShutdown;
  private Callback shutdownCallback;
  private long nextRequest = 1;
  long lastActivityNanos = System.nanoTime();

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
    if (!isOpen()) return false;
    loop.runOrSubmit(() -> startReading(handler));
    return true;
  }

  private void startReading(ReadHandler handler) {
    if (!isOpen()) return;
    readHandler = handler;
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
      ByteBuffer data = held.poll();
      ReadHandler h = readHandler;
      try {
        h.onData(this, data);
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
      if (reading && held == null) {
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
      if (reading && held == null) deliverEnd();
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
    return write(new ByteBuffer[] {buffer}, callback);
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
    long queued = queuedBytes.addAndGet(bytes);
    loop.runOrSubmit(() -> submit(req));
    if (queued >= highWater) {
      needDrain = true;
      return false;
    }
    return true;
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

  /** Writes the request's iovecs into the loop's scratch area; returns their count. */
  private int fillIovecs(ByteBuffer[] buffers) {
    ByteBuffer scratch = loop.scratch();
    for (int i = 0; i < buffers.length; i++) {
      ByteBuffer b = buffers[i];
      scratch.putLong(i * 16, MemoryNative.address(b) + b.position());
      scratch.putLong(i * 16 + 8, b.remaining());
    }
    return buffers.length;
  }

  private void submit(WriteRequest req) {
    if (!isOpen()) {
      complete(req, new OperationCanceledException("write"));
      return;
    }
    int count = fillIovecs(req.buffers);
    inflight.add(req);
    long rc = StreamNative.write(loop.ptr(), token, loop.scratchAddress(), count, nextRequest++);
    if (rc < 0) {
      inflight.pollLast();
      complete(req, rc == Errors.STALE ? closedException()
          : rc == Errors.BUSY_STATE ? new NativeIOException("EPIPE", 32, "write", remoteAddress,
              "write after shutdown") : Errors.exception((int) rc, "write", remoteAddress));
      return;
    }
    updateActive();
  }

  private void onWriteDone(int result) {
    WriteRequest req = inflight.poll();
    if (req == null) return;
    if (result == 0) bytesWritten += req.bytes;
    lastActivityNanos = System.nanoTime();
    complete(req, result == 0 ? null : Errors.exception(result, "write", remoteAddress));
    updateActive();
  }

  private void complete(WriteRequest req, IOException error) {
    long queued = queuedBytes.addAndGet(-req.bytes);
    if (req.callback != null) {
      try {
        req.callback.onComplete(error);
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
        int count = fillIovecs(direct);
        return check(StreamNative.tryWrite(loop.ptr(), token, loop.scratchAddress(), count),
            "write");
      });
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
    bytesWritten += written;
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
    if (!isOpen()) {
      if (callback != null) loop.runUser(this, () -> callback.onComplete(
          new OperationCanceledException("shutdown")));
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
  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  /** Events of streams; subclasses add their own first. */
  @Override
  void onEvent(int kind, int result, long aux, int offset, int length) {
    switch (kind) {
      case EV_READ:
        if (isOpen()) onRead(result, offset, length);
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

  @Override
  void onClosed() {
    reading = false;
    held = null;
    // Requests that never reached the native queue (submitted after close) were completed in
    // submit(); anything left here was canceled natively before the close event.
    while (!inflight.isEmpty()) complete(inflight.poll(), new OperationCanceledException("write"));
  }
}
