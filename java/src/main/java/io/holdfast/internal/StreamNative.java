package io.holdfast.internal;

/** Stream natives (native/jni/stream_native.c). Buffers are arrays of {address, length} pairs. */
public final class StreamNative {
  private StreamNative() {}

  static {
    io.holdfast.Holdfast.ensureAvailable();
  }

  public static native int readStart(long loop, long token);

  public static native int readStop(long loop, long token);

  public static native long write(long loop, long token, long bufs, int count, long request);

  public static native long tryWrite(long loop, long token, long bufs, int count);

  public static native int shutdown(long loop, long token, long request);

  public static native long writeQueueSize(long loop, long token);

  /** Wraps a detached stream fd in a new handle of this loop; returns its token or an error. */
  public static native long adopt(long loop, int fd);
}
