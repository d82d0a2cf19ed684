package io.holdfast.internal;

/** TCP natives (native/jni/tcp_native.c). Addresses are sockaddr structures in native memory. */
public final class TcpNative {
  private TcpNative() {}

  static {
    io.holdfast.Holdfast.ensureAvailable();
  }

  public static final int REUSE_ADDRESS = 1;
  public static final int REUSE_PORT = 2;
  public static final int IPV6_ONLY = 4;

  public static native long bind(long loop, long sockaddr, int length, int flags);

  public static native int listen(long loop, long token, int backlog);

  public static native long connect(long loop, long sockaddr, int length, long request);

  public static native int noDelay(long loop, long token, boolean enable);

  public static native int keepAlive(
      long loop, long token, boolean enable, int idleSeconds, int intervalSeconds, int count);

  public static native int setBuffer(long loop, long token, int which, int size);

  public static native int getBuffer(long loop, long token, int which);

  public static native int address(long loop, long token, boolean peer, long out, int capacity);
}
