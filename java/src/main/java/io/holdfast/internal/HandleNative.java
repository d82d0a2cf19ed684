package io.holdfast.internal;

/** Natives shared by every handle type (native/jni/handle_native.c). */
public final class HandleNative {
  private HandleNative() {}

  static {
    io.holdfast.Holdfast.ensureAvailable();
  }

  public static native int close(long loop, long token, boolean abortive);

  public static native int type(long loop, long token);

  /** Moves a handle to a new token on the same loop; returns the new token or an error. */
  public static native long transfer(long loop, long token);

  /** Takes a quiet stream's fd out of its loop; returns the fd or an error. */
  public static native int detach(long loop, long token);

  /** Closes an fd no handle owns. */
  public static native int closeFd(int fd);
}
