package io.holdfast;

import java.io.IOException;

/** Receives a {@link PipeListener}'s accepted connections on the loop thread. */
@FunctionalInterface
public interface PipeConnectionHandler {
  /**
   * A connection was accepted. The stream is not reading yet: call
   * {@link Stream#readStart(ReadHandler)} (or hand it on first).
   *
   * @param stream the new stream, owned by the handler from now on
   */
  void onConnection(PipeStream stream);

  /**
   * Accepting failed; the listener keeps serving.
   *
   * @param listener the listener
   * @param error what failed
   */
  default void onAcceptError(PipeListener listener, IOException error) {}
}
