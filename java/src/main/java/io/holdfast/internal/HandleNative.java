package io.holdfast.internal;

/** Natives shared by every handle type (native/jni/handle_native.c). */
public final class HandleNative {
  private HandleNative() {}

  static {
    io.holdfast.Holdfast.ensureAvailable();
  }

  public static native int close(long loop, long token, boolean abortive);

  public static native int type(long loop, long token);
}
