package io.holdfast.codec;

import java.io.IOException;

/**
 * Learns, in paused mode, when a {@link FramedStream} has messages to {@link FramedStream#poll()
 * poll}; on the loop thread, never re-entrantly. See {@link FramedStream#startPaused} for exactly
 * when {@link #onReadable} runs.
 *
 * @param <T> the message type
 */
@FunctionalInterface
public interface ReadableHandler<T> {
  /**
   * Messages are waiting: poll some or all of them, here or later from any thread.
   *
   * @param stream the framed stream
   */
  void onReadable(FramedStream<T> stream);

  /**
   * The peer ended the stream cleanly and every message has been polled. Nothing follows.
   *
   * @param stream the framed stream
   */
  default void onEnd(FramedStream<T> stream) {}

  /**
   * The connection failed (see {@link MessageHandler#onError}); every message received before
   * the failure has been polled. Nothing follows.
   *
   * @param stream the framed stream
   * @param error what failed
   */
  default void onError(FramedStream<T> stream, IOException error) {}
}
