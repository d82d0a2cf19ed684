package io.holdfast.internal;

/**
 * UDP natives (native/jni/udp_native.c). Addresses are sockaddr structures in native memory;
 * {@link #sendBatch} reads an array of {@code hf_udp_msg_t} (see holdfast.h) and one of
 * {address, length} buffer pairs.
 */
public final class UdpNative {
  private UdpNative() {}

  static {
    io.holdfast.Holdfast.ensureAvailable();
  }

  public static final int REUSE_ADDRESS = 1;
  public static final int REUSE_PORT = 2;
  public static final int IPV6_ONLY = 4;

  /** Received datagram flag (event aux): cut to the receive size. */
  public static final int TRUNCATED = 1;
  /** Bytes before each received payload in the arena: the sender's sockaddr. */
  public static final int ADDR_SLOT = 32;
  /** Size of one hf_udp_msg_t, and offsets of its fields. */
  public static final int MSG_SIZE = 56;
  public static final int MSG_REQ = 0;
  public static final int MSG_BUF_INDEX = 8;
  public static final int MSG_BUF_COUNT = 12;
  public static final int MSG_ADDR_LEN = 16;
  public static final int MSG_ADDR = 24;
  /** Most messages per {@link #sendBatch}. */
  public static final int MAX_BATCH = 1024;

  public static final int OPT_BROADCAST = 1;
  public static final int OPT_TTL = 2;
  public static final int OPT_MULTICAST_TTL = 3;
  public static final int OPT_MULTICAST_LOOP = 4;
  public static final int OPT_MULTICAST_IF = 5;
  public static final int OPT_SNDBUF = 6;
  public static final int OPT_RCVBUF = 7;

  public static native long open(long loop, int flags);

  public static native int setRecvSize(long loop, long token, int size);

  public static native int bind(long loop, long token, long sockaddr, int length);

  public static native int connect(long loop, long token, long sockaddr, int length);

  public static native int disconnect(long loop, long token);

  /** Returns datagrams still queued natively, or an error (nothing was sent). */
  public static native int sendBatch(
      long loop, long token, long msgs, int count, long bufs, int bufCount);

  /** Returns bytes sent, EAGAIN if it would wait, or an error; length 0: the connected peer. */
  public static native int trySend(
      long loop, long token, long bufs, int count, long sockaddr, int length);

  public static native int recvStart(long loop, long token);

  public static native int recvStop(long loop, long token);

  public static native int setOption(long loop, long token, int option, int value);

  public static native int getOption(long loop, long token, int option);

  /** sourceLength 0: any-source membership. */
  public static native int membership(long loop, long token, long group, int groupLength,
      long source, int sourceLength, int ifindex, boolean join);

  public static native int address(long loop, long token, boolean peer, long out, int capacity);
}
