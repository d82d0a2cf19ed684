package io.holdfast;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/** Helpers shared by the handle classes: token and address formatting, sockaddr encoding. */
final class Handles {
  private Handles() {}

  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int SOCKADDR_CAPACITY = 128;

  static String tokenString(long token) {
    return "#" + (token & 0xffffffffL) + "." + (token >>> 32);
  }

  static String addressString(SocketAddress address) {
    if (address instanceof InetSocketAddress) {
      InetSocketAddress a = (InetSocketAddress) address;
      InetAddress ip = a.getAddress();
      String host = ip == null ? a.getHostString() : ip.getHostAddress();
      return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }
    return String.valueOf(address);
  }

  /** Checks an address a user passes, before anything native happens. */
  static InetSocketAddress checkAddress(InetSocketAddress address, String what) {
    Objects.requireNonNull(address, what);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(what + " is unresolved: " + address.getHostString());
    }
    return address;
  }

  /** Writes address as a native sockaddr_in/sockaddr_in6 at buf[0..] and returns its length. */
  static int encode(InetSocketAddress address, ByteBuffer buf) {
    return encode(address, buf.duplicate().order(ByteOrder.nativeOrder()), 0);
  }

  /**
   * Writes address as a native sockaddr_in/sockaddr_in6 at buf[at..at+28) and returns its length;
   * buf must be in native byte order.
   */
  static int encode(InetSocketAddress address, ByteBuffer b, int at) {
    InetAddress ip = address.getAddress();
    int port = address.getPort();
    for (int i = 0; i < 28; i++) b.put(at + i, (byte) 0);
    b.put(at + 2, (byte) (port >>> 8)).put(at + 3, (byte) port);
    if (ip instanceof Inet4Address) {
      b.putShort(at, (short) AF_INET);
      byte[] raw = ip.getAddress();
      for (int i = 0; i < 4; i++) b.put(at + 4 + i, raw[i]);
      return 16;
    }
    Inet6Address ip6 = (Inet6Address) ip;
    b.putShort(at, (short) AF_INET6);
    byte[] raw = ip6.getAddress();
    for (int i = 0; i < 16; i++) b.put(at + 8 + i, raw[i]);
    b.putInt(at + 24, ip6.getScopeId());
    return 28;
  }

  /** Reads a native sockaddr written at buf[0..length). */
  static InetSocketAddress decode(ByteBuffer buf, int length) {
    ByteBuffer b = buf.duplicate().order(ByteOrder.nativeOrder());
    int family = b.getShort(0) & 0xffff;
    int port = ((b.get(2) & 0xff) << 8) | (b.get(3) & 0xff);
    try {
      if (family == AF_INET && length >= 8) {
        byte[] raw = new byte[4];
        for (int i = 0; i < 4; i++) raw[i] = b.get(4 + i);
        return new InetSocketAddress(InetAddress.getByAddress(raw), port);
      }
      if (family == AF_INET6 && length >= 24) {
        byte[] raw = new byte[16];
        for (int i = 0; i < 16; i++) raw[i] = b.get(8 + i);
        int scope = length >= 28 ? b.getInt(24) : 0;
        InetAddress ip = scope != 0
            ? Inet6Address.getByAddress(null, raw, scope)
            : InetAddress.getByAddress(raw);
        return new InetSocketAddress(ip, port);
      }
    } catch (UnknownHostException e) {
      throw new IllegalStateException("malformed native address", e);
    }
    return null;
  }

  /** Runs c where the loop may be touched; checked exceptions other than IOException wrapped. */
  static <T> T call(EventLoop loop, java.util.concurrent.Callable<T> c) throws java.io.IOException {
    try {
      return loop.call(c);
    } catch (java.io.IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new java.io.IOException(e);
    }
  }

  /** The future's value; its failure's cause rethrown as is (waitMillis 0: no time limit). */
  static <T> T unwrap(java.util.concurrent.CompletableFuture<T> f, long waitMillis)
      throws Exception {
    try {
      return waitMillis > 0 ? f.get(waitMillis, java.util.concurrent.TimeUnit.MILLISECONDS)
          : f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception) throw (Exception) cause;
      if (cause instanceof Error) throw (Error) cause;
      throw e;
    }
  }

  static String typeName(int nativeType) {
    switch (nativeType) {
      case 1:
        return "Timer";
      case 2:
        return "TcpListener";
      case 3:
        return "TcpStream";
      case 4:
        return "PipeListener";
      case 5:
        return "PipeStream";
      case 6:
        return "UdpSocket";
      default:
        return "Handle(" + nativeType + ")";
    }
  }
}
