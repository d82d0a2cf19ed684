package io.holdfast;

import java.io.IOException;

/** Learns, exactly once and on the loop thread, how a {@link TcpStream#connect} ended. */
@FunctionalInterface
public interface ConnectHandler {
  /**
   * The connect finished.
   *
   * @param stream the stream; on failure it stays open (but unusable) until closed, except after
   *     a {@link ConnectTimeoutException}, which closes it
   * @param error null when connected; a {@link java.net.ConnectException} for a refused connect,
   *     {@link ConnectTimeoutException}, {@link OperationCanceledException} when closed first
   */
  void onConnect(TcpStream stream, IOException error);
}
