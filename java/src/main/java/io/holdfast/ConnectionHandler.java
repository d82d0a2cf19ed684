package io.holdfast;

import java.io.IOException;

/** Receives a listener's accepted connections on the loop thread. */
@FunctionalInterface
public interface ConnectionHandler {
  /**
   * A connection was accepted. The stream is not reading yet: call
   * {@link Stream#readStart(ReadHandler)} (or hand it on first).
   *
   * @param stream the new stream, owned by the handler from now on
   */
  void onConnection(TcpStream stream);

  /**
   * Accepting failed; the listener keeps serving. Under fd exhaustion ({@code EMFILE},
   * {@code ENFILE}) the pending connection was accepted and closed to shed it.
   *
   * @param listener the listener
   * @param error what failed
   */
  default void onAcceptError(TcpListener listener, IOException error) {}
}
