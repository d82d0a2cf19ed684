package io.holdfast.bench;

import java.nio.ByteBuffer;

/** The ping-pong message and the check that an echo returned it intact. */
final class Message {
  private Message() {}

  static byte byteAt(int i) {
    return (byte) ('a' + i % 26);
  }

  /** A direct buffer of size message bytes, positioned to be written. */
  static ByteBuffer direct(int size) {
    ByteBuffer b = ByteBuffer.allocateDirect(size);
    for (int i = 0; i < size; i++) b.put(byteAt(i));
    return b.flip();
  }

  /** Checks data (position to limit) against the message from offset; leaves data unchanged. */
  static void check(ByteBuffer data, int offset) {
    int p = data.position();
    for (int i = 0, n = data.remaining(); i < n; i++) {
      if (data.get(p + i) != byteAt(offset + i)) {
        throw new IllegalStateException("echo differs at byte " + (offset + i));
      }
    }
  }
}
