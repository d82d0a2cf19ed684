package io.holdfast.tls;

import io.holdfast.Callback;
import java.nio.ByteBuffer;

/** One accepted write: its plaintext (owned copies or duplicates) and its callback. */
final class TlsWrite {
  final ByteBuffer[] buffers;
  final long bytes;
  final Callback callback;
  boolean completed; // loop thread
  private int first; // the first buffer that may still have bytes

  TlsWrite(ByteBuffer[] buffers, long bytes, Callback callback) {
    this.buffers = buffers;
    this.bytes = bytes;
    this.callback = callback;
  }

  boolean hasRemaining() {
    while (first < buffers.length && !buffers[first].hasRemaining()) first++;
    return first < buffers.length;
  }
}
