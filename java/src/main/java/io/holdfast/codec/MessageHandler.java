package io.holdfast.codec;

import java.io.IOException;

/**
 * Receives a {@link FramedStream}'s messages in flowing mode, one call per message, on the loop
 * thread. See {@link FramedStream#startFlowing}.
 *
 * @param <T> the message type
 */
@FunctionalInterface
public interface MessageHandler<T> {
  /**
   * A message arrived. With {@link MessageCodec#frames()} the buffer may be a view valid during
   * this call only.
   *
   * @param stream the framed stream
   * @param message the message
   */
  void onMessage(FramedStream<T> stream, T message);

  /**
   * The peer ended the stream cleanly, after its last complete frame; every message was
   * delivered before this call. Nothing follows.
   *
   * @param stream the framed stream
   */
  default void onEnd(FramedStream<T> stream) {}

  /**
   * The connection failed: a {@link FrameTooLargeException}, a {@link MessageDecodeException}, an
   * {@link java.io.EOFException} for a stream that ended inside a frame, or a read error. The
   * connection is already destroyed; messages received before the failure were delivered first.
   * Nothing follows.
   *
   * @param stream the framed stream
   * @param error what failed
   */
  default void onError(FramedStream<T> stream, IOException error) {}
}
