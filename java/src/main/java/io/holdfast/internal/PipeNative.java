package io.holdfast.internal;

/** Pipe natives (native/jni/pipe_native.c). Addresses are sockaddr_un structures in native memory. */
public final class PipeNative {
  private PipeNative() {}

  static {
    io.holdfast.Holdfast.ensureAvailable();
  }

  public static final int REPLACE_STALE = 1;
  public static final int READABLE = 2;
  public static final int WRITABLE = 4;

  public static native long bind(long loop, long sockaddr, int length, int flags);

  public static native int listen(long loop, long token, int backlog);

  public static native long connect(long loop, long sockaddr, int length, long request);

  /** Writes the two tokens of a connected pair at out; returns 0 or an error. */
  public static native int pair(long loop, long out);

  /** Adopts fd as a pipe stream; returns its token or an error (EEXIST if a handle owns fd). */
  public static native long open(long loop, int fd);

  /** Writes pid, uid, gid (three 32-bit values) at out; returns 0 or an error. */
  public static native int peerCredentials(long loop, long token, long out);

  /** @return 1 if the pipe is a socket, 0 if not, or an error */
  public static native int isSocket(long loop, long token);

  /** Queues a detached fd to be passed (SCM_RIGHTS); >= 0: the loop owns fd from now on. */
  public static native long writeHandle(long loop, long token, int fd, long request);

  public static native int address(long loop, long token, boolean peer, long out, int capacity);

  /** @return 1 if a live handle of any loop owns fd */
  public static native int fdOwned(int fd);
}
