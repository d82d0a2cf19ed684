package io.holdfast;

import io.holdfast.internal.Errors;
import io.holdfast.internal.TimerNative;
import java.util.Objects;

/**
 * A one-shot or repeating timer with millisecond resolution, driven by the loop's poll timeout (an
 * idle loop sleeps until the next deadline). Timers due in the same turn fire in deadline order,
 * ties in start order.
 *
 * <p>Thread-safety: any method from any thread; the callback runs on the loop thread. An active
 * (started) timer keeps {@link EventLoop#run()} alive unless {@linkplain #unref() unreferenced}.
 */
public final class Timer extends HandleBase {
  private Runnable callback;
  private volatile boolean scheduled;
  private long repeatMillis;

  private Timer(EventLoop loop, long token) {
    super(loop, token);
  }

  /**
   * Creates a stopped timer on loop.
   *
   * @param loop the owning loop
   * @return the timer
   * @throws NullPointerException if loop is null
   * @throws IllegalStateException if the loop is closed
   */
  public static Timer create(EventLoop loop) {
    Objects.requireNonNull(loop, "loop");
    try {
      return loop.call(() -> {
        long rc = TimerNative.open(loop.ptr());
        if (rc < 0) throw new IllegalStateException("timer: " + Errors.name((int) rc));
        return new Timer(loop, rc);
      });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts (or restarts) the timer: callback runs after delayMillis, then every repeatMillis if
   * that is positive.
   *
   * @param delayMillis milliseconds until the first run, 0 or more
   * @param repeatMillis period of later runs, 0 for a one-shot timer
   * @param callback what to run on the loop thread
   * @throws IllegalArgumentException if a duration is negative
   * @throws NullPointerException if callback is null
   * @throws HandleClosedException if the timer is closed
   */
  public void start(long delayMillis, long repeatMillis, Runnable callback)
      throws HandleClosedException {
    if (delayMillis < 0) throw new IllegalArgumentException("delayMillis < 0: " + delayMillis);
    if (repeatMillis < 0) throw new IllegalArgumentException("repeatMillis < 0: " + repeatMillis);
    Objects.requireNonNull(callback, "callback");
    checkOpen();
    loop.runOrSubmit(() -> {
      if (!isOpen()) return;
      this.callback = callback;
      this.repeatMillis = repeatMillis;
      if (TimerNative.start(loop.ptr(), token, delayMillis, repeatMillis) == 0) {
        scheduled = true;
        updateActive();
      }
    });
  }

  /**
   * Starts a one-shot timer.
   *
   * @param delayMillis milliseconds until it runs, 0 or more
   * @param callback what to run on the loop thread
   * @throws IllegalArgumentException if delayMillis is negative
   * @throws NullPointerException if callback is null
   * @throws HandleClosedException if the timer is closed
   */
  public void start(long delayMillis, Runnable callback) throws HandleClosedException {
    start(delayMillis, 0, callback);
  }

  /**
   * Stops the timer; its callback will not run until it is started again. Stopping a stopped
   * timer does nothing.
   *
   * @throws HandleClosedException if the timer is closed
   */
  public void stop() throws HandleClosedException {
    checkOpen();
    loop.runOrSubmit(() -> {
      if (!isOpen()) return;
      TimerNative.stop(loop.ptr(), token);
      scheduled = false;
      updateActive();
    });
  }

  /** @return true while the timer is started and has not fired its last time */
  public boolean isScheduled() {
    return scheduled;
  }

  @Override
  String typeName() {
    return "Timer";
  }

  @Override
  boolean isActive() {
    return scheduled;
  }

  @Override
  void onEvent(int kind, int result, long aux, int offset, int length) {
    if (kind != EV_TIMER || !isOpen()) return;
    if (repeatMillis == 0) {
      scheduled = false;
      updateActive();
    }
    Runnable cb = callback;
    if (cb != null) loop.runUser(this, cb);
  }
}
