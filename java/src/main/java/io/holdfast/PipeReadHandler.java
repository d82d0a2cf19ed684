package io.holdfast;

/**
 * A {@link ReadHandler} that also receives the handles a peer passes over a {@link PipeStream}
 * ({@link PipeStream#send}). Handles and data arrive in the order they were sent.
 *
 * <p>A pipe whose read handler is a plain {@link ReadHandler} closes every handle that arrives, as
 * does a pipe that closes with handles not yet delivered: a passed fd is never leaked.
 */
public interface PipeReadHandler extends ReadHandler {
  /**
   * A handle arrived: a live {@link TcpStream}, {@link PipeStream} or {@link UdpSocket} on the
   * pipe's loop, not yet reading (test its type with {@code instanceof}). The handler owns it from
   * now on and must close it when done.
   *
   * @param pipe the pipe it arrived on
   * @param handle the new handle
   */
  void onHandle(PipeStream pipe, Handle handle);
}
