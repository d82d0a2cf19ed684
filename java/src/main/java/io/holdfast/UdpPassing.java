package io.holdfast;

import io.holdfast.internal.Errors;
import io.holdfast.internal.HandleNative;
import io.holdfast.internal.UdpNative;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Passing a {@link UdpSocket} over a pipe ({@link PipeStream#send}). On the sending side an
 * instance is the attempt to take the moved socket's fd out of its loop: receiving stops, the
 * sends queued before the move are handed to the kernel, and the fd leaves once every one of them
 * completed and no event of the socket is undelivered; until then the attempt is retried after
 * each of the socket's events (loop thread only). On the receiving side {@link #received} wraps
 * the socket that arrived.
 */
final class UdpPassing implements Runnable {
  private final UdpSocket socket;
  private final IntConsumer onFd;
  private final Consumer<IOException> onFail;
  private boolean finished; // the fd was handed on or the move failed: later runs do nothing

  UdpPassing(UdpSocket socket, IntConsumer onFd, Consumer<IOException> onFail) {
    this.socket = socket;
    this.onFd = onFd;
    this.onFail = onFail;
  }

  @Override
  public void run() {
    if (finished) return;
    socket.pendingMove = null;
    if (socket.isFullyClosed()) { // closed (by its loop) meanwhile
      cancel();
      return;
    }
    socket.stopReceiving();
    socket.sender.flush(); // what was queued before the move goes out first
    EventLoop loop = socket.loop;
    int fd = HandleNative.detach(loop.ptr(), socket.token);
    if (fd == Errors.BUSY_STATE) { // sends queued natively, or completions undelivered
      socket.pendingMove = this;
      return;
    }
    if (fd < 0) {
      finished = true;
      onFail.accept(Errors.exception(fd, "detach", socket.localAddress()));
      return;
    }
    finished = true;
    socket.sender.detached();
    loop.unregister(socket);
    socket.updateActive();
    onFd.accept(fd);
  }

  /** After an event of socket: a move that waited for it tries again (loop thread). */
  static void afterEvent(UdpSocket socket) {
    UdpPassing move = socket.pendingMove;
    if (move == null) return;
    socket.pendingMove = null; // queued once, however many events the batch holds
    try {
      socket.loop.execute(move);
    } catch (RejectedExecutionException e) { // the loop is closing
      socket.pendingMove = move;
      giveUp(socket);
    }
  }

  /** The socket's loop is closing: a move still waiting gives up, the socket closes natively. */
  static void giveUp(UdpSocket socket) {
    UdpPassing move = socket.pendingMove;
    if (move == null) return;
    socket.pendingMove = null;
    move.cancel();
    socket.closeNow();
  }

  /** The move will not happen (the socket or its loop closed first). */
  void cancel() {
    if (finished) return;
    finished = true;
    onFail.accept(new OperationCanceledException("move"));
  }

  /**
   * Wraps a socket received over a pipe (loop thread): bound, connected if it was, default
   * options, not receiving. Null if it cannot be set up (the caller closes the native handle).
   */
  static UdpSocket received(EventLoop loop, long token) {
    if (UdpNative.setRecvSize(loop.ptr(), token, UdpSender.MAX_DATAGRAM) < 0) return null;
    UdpSocket s = new UdpSocket(loop, token, UdpSocket.Options.defaults());
    s.bound = true;
    s.localAddress = address(loop, token, false);
    s.remoteAddress = address(loop, token, true);
    s.connected = s.remoteAddress != null;
    return s;
  }

  private static InetSocketAddress address(EventLoop loop, long token, boolean peer) {
    int n = UdpNative.address(loop.ptr(), token, peer, loop.scratchAddress(),
        Handles.SOCKADDR_CAPACITY);
    return n > 0 ? Handles.decode(loop.scratch(), n) : null;
  }
}
