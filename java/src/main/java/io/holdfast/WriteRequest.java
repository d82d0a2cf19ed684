package io.holdfast;

import io.holdfast.internal.MemoryNative;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One queued write: its bytes (kept reachable until the completion), their count and the
 * callback. A single direct buffer is recorded as the buffer plus the address and length it had
 * when write() was called (what a duplicate would fix), so the common write needs no copy of the
 * buffer object; such requests are recycled by the stream on its loop thread, and a steady stream
 * of single-buffer writes allocates nothing.
 */
final class WriteRequest {
  ByteBuffer[] buffers; // several buffers (owned duplicates or copies); null for a single one
  ByteBuffer single; // one direct buffer as given, only to keep its memory reachable
  long singleAddress;
  long bytes;
  Callback callback;
  /* Set for a request completed without reaching the native queue while earlier ones were
   * still in flight: its callback waits for theirs, so completions stay in write order. */
  IOException preset;

  WriteRequest(ByteBuffer[] buffers, long bytes, Callback callback) {
    this.buffers = buffers;
    this.bytes = bytes;
    this.callback = callback;
  }

  WriteRequest() {}

  /** Points this request at buffer's remaining bytes, as they are now (buffer is direct). */
  WriteRequest single(ByteBuffer buffer, Callback callback) {
    single = buffer;
    singleAddress = MemoryNative.address(buffer) + buffer.position();
    bytes = buffer.remaining();
    this.callback = callback;
    return this;
  }

  /** Writes the iovecs into scratch; returns their count. */
  int fillIovecs(ByteBuffer scratch) {
    if (single != null) {
      scratch.putLong(0, singleAddress);
      scratch.putLong(8, bytes);
      return 1;
    }
    return fillIovecs(scratch, buffers);
  }

  /** Writes the buffers' iovecs into scratch; returns their count. */
  static int fillIovecs(ByteBuffer scratch, ByteBuffer[] buffers) {
    for (int i = 0; i < buffers.length; i++) {
      ByteBuffer b = buffers[i];
      scratch.putLong(i * 16, MemoryNative.address(b) + b.position());
      scratch.putLong(i * 16 + 8, b.remaining());
    }
    return buffers.length;
  }

  /** @return true if this request can be reused once completed */
  boolean recyclable() {
    return single != null;
  }

  /** Drops every reference before reuse. */
  void clear() {
    single = null;
    buffers = null;
    callback = null;
    preset = null;
  }
}
