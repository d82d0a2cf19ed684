package io.holdfast;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Receives what a stream reads, on the loop thread.
 *
 * <p>{@code data} holds the bytes between its position and limit. It is a view of the loop's read
 * arena, valid only until the callback returns (no copy is made): copy what you keep. Use relative
 * access or absolute indexes from {@code position()}.
 */
@FunctionalInterface
public interface ReadHandler {
  /**
   * Bytes arrived.
   *
   * @param stream the stream that read them
   * @param data the bytes, valid during the call only
   */
  void onData(Stream stream, ByteBuffer data);

  /**
   * The peer finished sending (end of stream). No more data follows.
   *
   * @param stream the stream
   */
  default void onEnd(Stream stream) {}

  /**
   * Reading failed (e.g. {@code ECONNRESET}); the stream is closed right after this call.
   *
   * @param stream the stream
   * @param error what failed
   */
  default void onError(Stream stream, IOException error) {}
}
