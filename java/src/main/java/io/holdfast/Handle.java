package io.holdfast;

/**
 * A native resource owned by one {@link EventLoop}: a timer, listener or stream. Every handle is
 * named by an ownership token; once the handle is closed or moved, every operation on it throws
 * {@link HandleClosedException} and never reaches the kernel.
 *
 * <p>Thread-safety: every method may be called from any thread. Operations from threads other
 * than the loop's are handed to the loop; {@link #close()} makes the token stale at once, wherever
 * it is called.
 */
public interface Handle extends AutoCloseable {
  /** @return the loop that owns this handle */
  EventLoop loop();

  /** @return the current ownership token (for diagnostics); stays readable after close */
  long token();

  /** @return true until {@link #close()} is called or ownership is moved */
  boolean isOpen();

  /**
   * Closes the handle: the token is stale at once; the fd is deregistered and closed on the loop
   * thread; pending requests complete as canceled, each exactly once, before the close
   * callbacks. Idempotent; never throws.
   */
  @Override
  void close();

  /**
   * Registers a callback run on the loop thread once the handle is fully closed (after every
   * pending request completed). Runs immediately (on the loop) if that already happened.
   *
   * @param callback the callback
   * @throws NullPointerException if callback is null
   */
  void onClose(Runnable callback);

  /** Makes this handle keep {@link EventLoop#run()} alive while it is active (the default). */
  void ref();

  /** Lets {@link EventLoop#run()} return even while this handle is active. */
  void unref();

  /** @return whether the handle is referenced (see {@link #ref()}) */
  boolean hasRef();
}
