package io.holdfast.internal;

/** Timer natives (native/jni/timer_native.c). */
public final class TimerNative {
  private TimerNative() {}

  static {
    io.holdfast.Holdfast.ensureAvailable();
  }

  public static native long open(long loop);

  public static native int start(long loop, long token, long timeoutMillis, long repeatMillis);

  public static native int stop(long loop, long token);
}
