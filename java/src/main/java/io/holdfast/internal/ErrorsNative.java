package io.holdfast.internal;

/** The native error list (native/jni/errors_native.c); read once by {@link Errors}. */
public final class ErrorsNative {
  private ErrorsNative() {}

  static {
    io.holdfast.Holdfast.ensureAvailable();
  }

  public static native int codes(long out, int capacity);

  public static native int name(int code, long out, int capacity);

  public static native int description(int code, long out, int capacity);
}
