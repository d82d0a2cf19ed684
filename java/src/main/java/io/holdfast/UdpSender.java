package io.holdfast;

import io.holdfast.internal.Errors;
import io.holdfast.internal.MemoryNative;
import io.holdfast.internal.UdpNative;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The send side of a {@link UdpSocket}: datagrams queued by any thread are handed to the native
 * socket in batches on the loop thread (one crossing, one {@code sendmmsg} for many datagrams) and
 * complete in order, each exactly once.
 */
final class UdpSender {
  /**
   * No IP datagram carries more (the length fields are 16 bits): of a larger one only this much is
   * copied, and the kernel rejects it with EMSGSIZE in its place, as it would the whole.
   */
  static final int MAX_DATAGRAM = 65536;
  private static final int BATCH = 256;
  private static final int BUFS_AT = BATCH * UdpNative.MSG_SIZE;
  private static final int DATA_AT = BUFS_AT + BATCH * 16;
  private static final int STAGING_SIZE = DATA_AT + MAX_DATAGRAM;

  /** One datagram: a private copy of its bytes, so the caller's buffers are free at once. */
  static final class Request {
    final byte[] data;
    final long bytes;
    final InetSocketAddress to;
    final Callback callback;
    long id;
    IOException failure; // set when the request failed as a whole batch: completes in its place

    Request(byte[] data, long bytes, InetSocketAddress to, Callback callback) {
      this.data = data;
      this.bytes = bytes;
      this.to = to;
      this.callback = callback;
    }
  }

  private final UdpSocket socket;
  private final EventLoop loop;
  private final ConcurrentLinkedQueue<Request> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicLong queuedCount = new AtomicLong();
  /* Loop thread only. */
  private final ArrayDeque<Request> inflight = new ArrayDeque<>();
  private final Request[] batch = new Request[BATCH];
  private ByteBuffer staging;
  private long stagingAddress;
  private long nextId = 1;
  private InetSocketAddress lastTo;
  private final byte[] lastToBytes = new byte[28];
  private int lastToLength;
  private volatile boolean detached; // the fd left with a move: what is submitted now is canceled

  UdpSender(UdpSocket socket) {
    this.socket = socket;
    this.loop = socket.loop;
  }

  /** Copies the datagram's bytes (at most {@link #MAX_DATAGRAM}) without moving the buffers. */
  static byte[] gather(ByteBuffer[] buffers, long total) {
    byte[] data = new byte[(int) Math.min(total, MAX_DATAGRAM)];
    int at = 0;
    for (ByteBuffer b : buffers) {
      int n = Math.min(b.remaining(), data.length - at);
      b.get(b.position(), data, at, n);
      at += n;
    }
    return data;
  }

  long queuedBytes() {
    return queuedBytes.get();
  }

  long queuedCount() {
    return queuedCount.get();
  }

  /** Loop thread: whether sends are waiting for their completion. */
  boolean isActive() {
    return !inflight.isEmpty() || !outbox.isEmpty();
  }

  /** Queues a datagram (any thread); it goes out on the loop, after every earlier one. */
  void submit(Request r) {
    queuedBytes.addAndGet(r.bytes);
    queuedCount.incrementAndGet();
    outbox.add(r);
    if (flushScheduled.compareAndSet(false, true)) {
      try {
        // On the loop thread the flush waits for the end of this turn's callbacks, so datagrams
        // sent from them share one crossing and one sendmmsg.
        if (loop.inEventLoop()) loop.execute(this::flush);
        else loop.runOrSubmit(this::flush);
      } catch (RejectedExecutionException e) {
        flushScheduled.set(false);
      }
    }
    // The loop is gone (it closed while this was being sent): nothing else will complete these.
    if (loop.isClosed()) cancelOutbox();
  }

  private void ensureStaging() {
    if (staging == null) {
      staging = ByteBuffer.allocateDirect(STAGING_SIZE).order(ByteOrder.nativeOrder());
      stagingAddress = MemoryNative.address(staging);
    }
  }

  /** Hands the outbox to the native socket in batches (loop thread). */
  void flush() {
    flushScheduled.set(false);
    if (detached || socket.isFullyClosed()) {
      cancelOutbox();
      return;
    }
    // Closing: these are canceled after the close event, behind the natively queued ones. A
    // moving socket sends what was queued before the move: its fd leaves once they completed.
    if (!socket.isOpen() && !socket.isMoved()) return;
    while (!outbox.isEmpty()) {
      ensureStaging();
      ByteBuffer s = staging;
      int count = 0;
      int data = 0;
      Request r;
      while (count < BATCH && (r = outbox.peek()) != null) {
        int len = r.data.length;
        if (count > 0 && data + len > MAX_DATAGRAM) break;
        outbox.poll();
        int m = count * UdpNative.MSG_SIZE;
        r.id = nextId++;
        s.putLong(m + UdpNative.MSG_REQ, r.id);
        s.putInt(m + UdpNative.MSG_BUF_INDEX, count);
        s.putInt(m + UdpNative.MSG_BUF_COUNT, len == 0 ? 0 : 1);
        s.putInt(m + UdpNative.MSG_ADDR_LEN, r.to == null ? 0 : encodeTo(r.to, m));
        s.putLong(BUFS_AT + count * 16, stagingAddress + DATA_AT + data);
        s.putLong(BUFS_AT + count * 16 + 8, len);
        s.put(DATA_AT + data, r.data, 0, len);
        data += len;
        batch[count++] = r;
      }
      int rc = UdpNative.sendBatch(loop.ptr(), socket.token, stagingAddress, count,
          stagingAddress + BUFS_AT, count);
      // A whole-batch failure cannot happen with what Java passes; should it, each request still
      // completes once, in order.
      IOException failure = rc >= 0 ? null : rc == Errors.STALE
          ? new OperationCanceledException("send") : Errors.exception(rc, "send", null);
      for (int i = 0; i < count; i++) {
        batch[i].failure = failure;
        inflight.add(batch[i]);
        batch[i] = null;
      }
      if (failure != null) completeFailedAtHead();
    }
    socket.updateActive();
  }

  /** Writes the destination at message m; a repeated destination is copied, not encoded again. */
  private int encodeTo(InetSocketAddress to, int m) {
    int at = m + UdpNative.MSG_ADDR;
    // Inet6Address.equals ignores the scope id: only identical objects reuse an IPv6 encoding.
    if (to == lastTo || (to.getAddress() instanceof Inet4Address && to.equals(lastTo))) {
      staging.put(at, lastToBytes, 0, 28);
      return lastToLength;
    }
    lastToLength = Handles.encode(to, staging, at);
    staging.get(at, lastToBytes, 0, 28);
    lastTo = to;
    return lastToLength;
  }

  /** An HF_EV_SEND arrived (loop thread). */
  void onSendDone(int result, long id) {
    Request r = inflight.poll();
    if (r == null) return;
    if (r.id != id) {
      loop.report(socket, new IllegalStateException("send completion " + id + " for request "
          + r.id + " of " + socket));
    }
    complete(r, result == 0 ? null : Errors.exception(result, "send",
        r.to != null ? r.to : socket.remoteAddress()));
    completeFailedAtHead();
    socket.updateActive();
  }

  private void completeFailedAtHead() {
    Request r;
    while ((r = inflight.peek()) != null && r.failure != null) complete(inflight.poll(), r.failure);
  }

  /** Sends one datagram now if nothing is queued and the kernel takes it (loop thread). */
  boolean trySend(ByteBuffer[] buffers, long total, InetSocketAddress to) throws IOException {
    if (!outbox.isEmpty()) return false; // earlier sends go first
    ensureStaging();
    ByteBuffer s = staging;
    int len = (int) Math.min(total, MAX_DATAGRAM);
    int at = 0;
    for (ByteBuffer b : buffers) {
      int n = Math.min(b.remaining(), len - at);
      s.put(DATA_AT + at, b, b.position(), n);
      at += n;
    }
    s.putLong(BUFS_AT, stagingAddress + DATA_AT);
    s.putLong(BUFS_AT + 8, len);
    int addrLen = to == null ? 0 : Handles.encode(to, s, 0);
    int rc = UdpNative.trySend(loop.ptr(), socket.token, stagingAddress + BUFS_AT, len == 0 ? 0 : 1,
        stagingAddress, addrLen);
    if (rc == Errors.EAGAIN) return false;
    if (rc == Errors.STALE) throw socket.closedException();
    if (rc < 0) throw Errors.exception(rc, "send", to != null ? to : socket.remoteAddress());
    socket.countSent(len);
    return true;
  }

  /** The fd left with a move (loop thread): sends that raced with it complete canceled. */
  void detached() {
    detached = true;
    cancelOutbox();
  }

  /** The socket's close event arrived: everything still pending is canceled, in order. */
  void cancelAll() {
    while (!inflight.isEmpty()) complete(inflight.poll(), new OperationCanceledException("send"));
    cancelOutbox();
  }

  private void cancelOutbox() {
    Request r;
    while ((r = outbox.poll()) != null) complete(r, new OperationCanceledException("send"));
  }

  private void complete(Request r, IOException error) {
    queuedBytes.addAndGet(-r.bytes);
    queuedCount.decrementAndGet();
    if (error == null) socket.countSent(r.bytes);
    if (r.callback == null) return;
    try {
      r.callback.onComplete(error);
    } catch (Throwable t) {
      loop.report(socket, t);
    }
  }
}
