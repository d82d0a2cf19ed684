package io.holdfast;

import java.io.IOException;

/** Learns, exactly once and on the loop thread, how a {@link PipeStream#connect} ended. */
@FunctionalInterface
public interface PipeConnectHandler {
  /**
   * The connect finished.
   *
   * @param stream the stream; on failure it stays open (but unusable) until closed
   * @param error null when connected; a {@link NativeIOException} with code {@code ENOENT} for a
   *     missing path, a {@link java.net.ConnectException} ({@code ECONNREFUSED}) when the path is
   *     no socket or nobody listens, {@code EAGAIN} when the listener's backlog is full,
   *     {@link OperationCanceledException} when the stream was closed first
   */
  void onConnect(PipeStream stream, IOException error);
}
