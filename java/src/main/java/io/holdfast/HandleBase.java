package io.holdfast;

import io.holdfast.internal.Errors;
import io.holdfast.internal.HandleNative;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What every handle shares: the token, the open/closed/moved state (checked in Java before any
 * native call), two-phase close, ref counting and close callbacks.
 */
abstract class HandleBase implements Handle {
  static final int OPEN = 0;
  static final int CLOSED = 1;
  static final int MOVED = 2;

  static final int EV_READ = 1;
  static final int EV_WRITE = 2;
  static final int EV_CONNECT = 3;
  static final int EV_ACCEPT = 4;
  static final int EV_SHUTDOWN = 5;
  static final int EV_TIMER = 6;
  static final int EV_CLOSE = 7;
  static final int EV_HANDLE = 10;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(HandleBase.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final EventLoop loop;
  final long token;
  private volatile int state = OPEN;
  private volatile String closeDetail;
  /* Loop thread only. */
  private volatile boolean ref = true; // read by hasRef() from any thread
  private boolean counted;
  private boolean nativeClosing;
  private boolean abortiveClose;
  private boolean fullyClosed;
  private List<Runnable> closeCallbacks;

  HandleBase(EventLoop loop, long token) {
    this.loop = loop;
    this.token = token;
    loop.register(this);
  }

  /** @return the type name used in messages, e.g. {@code TcpStream} */
  abstract String typeName();

  /** @return whether the handle has work that keeps the loop alive (loop thread) */
  abstract boolean isActive();

  /** Handles an event other than close (loop thread). */
  abstract void onEvent(int kind, int result, long aux, int offset, int length);

  /** Called on the loop thread after every event other than close, whoever handled it. */
  void afterEvent() {}

  /** Called on the loop thread once the handle's last event was delivered. */
  void onClosed() {}

  /** Called on the loop thread when the loop starts closing, before its handles are closed. */
  void loopClosing() {}

  @Override
  public final EventLoop loop() {
    return loop;
  }

  @Override
  public final long token() {
    return token;
  }

  @Override
  public final boolean isOpen() {
    return state == OPEN;
  }

  final boolean isMoved() {
    return state == MOVED;
  }

  /** Makes the token stale in Java; true for the one caller that made the change. */
  final boolean markStale(int newState, String detail) {
    if (!STATE.compareAndSet(this, OPEN, newState)) return false;
    closeDetail = detail;
    return true;
  }

  final HandleClosedException closedException() {
    return new HandleClosedException(typeName(), token,
        state == MOVED ? HandleClosedException.Reason.MOVED : HandleClosedException.Reason.CLOSED,
        closeDetail);
  }

  /** Rejects an operation on a stale handle without any native call. */
  final void checkOpen() throws HandleClosedException {
    if (state != OPEN) throw closedException();
  }

  /** Throws for a negative native result; returns it otherwise. */
  final long check(long rc, String syscall) throws java.io.IOException {
    if (rc >= 0) return rc;
    if (rc == Errors.STALE) throw closedException();
    throw Errors.exception((int) rc, syscall, null);
  }

  @Override
  public void close() {
    closeWith(false, null);
  }

  /** Closes with an optional reason shown in later HandleClosedExceptions. */
  final void closeWith(boolean abortive, String detail) {
    if (markStale(CLOSED, detail)) {
      abortiveClose = abortive;
      loop.runOrSubmit(this::closeNow);
    }
  }

  /** Native phase of close, on the loop thread (or with the loop idle). */
  final void closeNow() {
    if (nativeClosing) return;
    nativeClosing = true;
    if (loop.isClosed()) { // the loop closed every native handle already
      onCloseEvent();
      return;
    }
    int rc = HandleNative.close(loop.ptr(), token, abortiveClose);
    if (rc < 0) {
      // The native handle is already gone (its loop closed it): finish in Java.
      onCloseEvent();
      return;
    }
    updateActive();
  }

  final void onCloseEvent() {
    if (fullyClosed) return;
    fullyClosed = true;
    loop.unregister(this);
    updateActive();
    onClosed();
    List<Runnable> callbacks = closeCallbacks;
    closeCallbacks = null;
    if (callbacks != null) {
      for (Runnable r : callbacks) loop.runUser(this, r);
    }
  }

  /** Hands close callbacks to the object that took this handle over (loop thread). */
  final void moveCloseCallbacksTo(HandleBase other) {
    if (closeCallbacks == null) return;
    if (other.closeCallbacks == null) other.closeCallbacks = new ArrayList<>(2);
    other.closeCallbacks.addAll(closeCallbacks);
    closeCallbacks = null;
  }

  final boolean isFullyClosed() {
    return fullyClosed;
  }

  @Override
  public void onClose(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    loop.runOrSubmit(() -> {
      if (fullyClosed) {
        loop.runUser(this, callback);
      } else {
        if (closeCallbacks == null) closeCallbacks = new ArrayList<>(2);
        closeCallbacks.add(callback);
      }
    });
  }

  @Override
  public void ref() {
    loop.runOrSubmit(() -> {
      ref = true;
      updateActive();
    });
  }

  @Override
  public void unref() {
    loop.runOrSubmit(() -> {
      ref = false;
      updateActive();
    });
  }

  @Override
  public boolean hasRef() {
    return ref;
  }

  /** Re-evaluates whether this handle keeps the loop alive (loop thread). */
  final void updateActive() {
    boolean should = ref && !fullyClosed && (nativeClosing || (isOpen() && isActive()));
    if (should != counted) {
      counted = should;
      loop.activeRefs += should ? 1 : -1;
    }
  }

  @Override
  public String toString() {
    return typeName() + " " + Handles.tokenString(token) + (isOpen() ? "" : " (stale)");
  }
}
