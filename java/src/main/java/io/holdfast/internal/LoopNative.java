package io.holdfast.internal;

/** Natives of the loop core (native/jni/loop_native.c). Loop thread only, except {@link #wake}. */
public final class LoopNative {
  private LoopNative() {}

  static {
    io.holdfast.Holdfast.ensureAvailable();
  }

  public static native long create(long events, int capacity, long arena, int arenaSize);

  public static native void close(long loop);

  public static native int poll(long loop, int timeoutMillis);

  public static native int wake(long loop);

  public static native long now(long loop);

  public static native int handleCount(long loop);

  public static native int handles(long loop, long tokens, long types, long states, int capacity);

  public static native int backendName(long out, int capacity);
}
