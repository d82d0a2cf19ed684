package io.holdfast;

import io.holdfast.internal.UdpNative;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetBoundException;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * What a {@link UdpSocket} can do once its socket exists: socket options and multicast
 * membership (each throwing {@link NotYetBoundException} before), and its addresses and state.
 */
abstract class UdpSocketBase extends HandleBase {
  final UdpSocket.Options options;
  volatile boolean bound;
  volatile boolean connected;
  volatile InetSocketAddress localAddress;
  volatile InetSocketAddress remoteAddress;

  UdpSocketBase(EventLoop loop, long token, UdpSocket.Options options) {
    super(loop, token);
    this.options = options;
  }

  /** @return whether the socket is bound (by bind, connect or a first send) */
  public boolean isBound() {
    return bound;
  }

  /** @return whether the socket is connected to a peer */
  public boolean isConnected() {
    return connected && isOpen();
  }

  /** @return the bound address with its actual port, or null before binding; readable after close */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** @return the connected peer, or null; readable after close */
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  java.net.SocketAddress infoLocalAddress() {
    return localAddress;
  }

  @Override
  java.net.SocketAddress infoRemoteAddress() {
    return remoteAddress;
  }


  // ---- options (the socket must be bound: NotYetBoundException otherwise) ----

  /**
   * Allows sending to broadcast addresses ({@code SO_BROADCAST}).
   *
   * @param on whether to allow it
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses
   */
  public void setBroadcast(boolean on) throws IOException {
    setOption(UdpNative.OPT_BROADCAST, on ? 1 : 0, "SO_BROADCAST");
  }

  /**
   * Sets the unicast time-to-live / hop limit ({@code IP_TTL}, {@code IPV6_UNICAST_HOPS}).
   *
   * @param ttl 1 to 255
   * @throws IllegalArgumentException if ttl is out of range
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses
   */
  public void setTtl(int ttl) throws IOException {
    if (ttl < 1 || ttl > 255) throw new IllegalArgumentException("ttl not in 1..255: " + ttl);
    setOption(UdpNative.OPT_TTL, ttl, "IP_TTL");
  }

  /**
   * Sets the multicast time-to-live / hop limit ({@code IP_MULTICAST_TTL},
   * {@code IPV6_MULTICAST_HOPS}); 0 keeps datagrams on this host.
   *
   * @param ttl 0 to 255
   * @throws IllegalArgumentException if ttl is out of range
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses
   */
  public void setMulticastTtl(int ttl) throws IOException {
    if (ttl < 0 || ttl > 255) {
      throw new IllegalArgumentException("multicast ttl not in 0..255: " + ttl);
    }
    setOption(UdpNative.OPT_MULTICAST_TTL, ttl, "IP_MULTICAST_TTL");
  }

  /**
   * Sets whether multicast datagrams sent are looped back to this host's members.
   *
   * @param on whether to loop them back
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses
   */
  public void setMulticastLoopback(boolean on) throws IOException {
    setOption(UdpNative.OPT_MULTICAST_LOOP, on ? 1 : 0, "IP_MULTICAST_LOOP");
  }

  /**
   * Sets the interface multicast datagrams leave by.
   *
   * @param networkInterface the interface, or null for the system's choice
   * @throws IllegalArgumentException if the interface has no index
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses
   */
  public void setMulticastInterface(NetworkInterface networkInterface) throws IOException {
    setOption(UdpNative.OPT_MULTICAST_IF, indexOf(networkInterface), "IP_MULTICAST_IF");
  }

  /**
   * Sets the kernel's send buffer size ({@code SO_SNDBUF}).
   *
   * @param bytes requested size, positive
   * @throws IllegalArgumentException if bytes is not positive
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses
   */
  public void setSendBufferSize(int bytes) throws IOException {
    if (bytes <= 0) throw new IllegalArgumentException("send buffer size <= 0: " + bytes);
    setOption(UdpNative.OPT_SNDBUF, bytes, "SO_SNDBUF");
  }

  /**
   * Sets the kernel's receive buffer size ({@code SO_RCVBUF}).
   *
   * @param bytes requested size, positive
   * @throws IllegalArgumentException if bytes is not positive
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses
   */
  public void setReceiveBufferSize(int bytes) throws IOException {
    if (bytes <= 0) throw new IllegalArgumentException("receive buffer size <= 0: " + bytes);
    setOption(UdpNative.OPT_RCVBUF, bytes, "SO_RCVBUF");
  }

  /**
   * @return the kernel's send buffer size
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses
   */
  public int sendBufferSize() throws IOException {
    return getOption(UdpNative.OPT_SNDBUF, "SO_SNDBUF");
  }

  /**
   * @return the kernel's receive buffer size
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses
   */
  public int receiveBufferSize() throws IOException {
    return getOption(UdpNative.OPT_RCVBUF, "SO_RCVBUF");
  }

  /**
   * Joins a multicast group.
   *
   * @param group the group address
   * @param networkInterface the interface to join on, or null for the system's choice
   * @throws NullPointerException if group is null
   * @throws IllegalArgumentException if group is not a multicast address or the interface has no
   *     index
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses (e.g. {@code EADDRINUSE} when already joined)
   */
  public void addMembership(InetAddress group, NetworkInterface networkInterface)
      throws IOException {
    membership(null, group, networkInterface, true);
  }

  /**
   * Leaves a multicast group.
   *
   * @param group the group address
   * @param networkInterface the interface it was joined on, or null
   * @throws NullPointerException if group is null
   * @throws IllegalArgumentException if group is not a multicast address or the interface has no
   *     index
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses (e.g. {@code EADDRNOTAVAIL} when not a member)
   */
  public void dropMembership(InetAddress group, NetworkInterface networkInterface)
      throws IOException {
    membership(null, group, networkInterface, false);
  }

  /**
   * Joins a source-specific multicast group: only datagrams from source are received.
   *
   * @param source the sender accepted, a unicast address of group's family
   * @param group the group address
   * @param networkInterface the interface to join on, or null for the system's choice
   * @throws NullPointerException if source or group is null
   * @throws IllegalArgumentException if group is not multicast, source is, their families differ
   *     or the interface has no index
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses
   */
  public void addSourceSpecificMembership(InetAddress source, InetAddress group,
      NetworkInterface networkInterface) throws IOException {
    membership(Objects.requireNonNull(source, "source"), group, networkInterface, true);
  }

  /**
   * Leaves a source-specific multicast group.
   *
   * @param source the sender that was accepted
   * @param group the group address
   * @param networkInterface the interface it was joined on, or null
   * @throws NullPointerException if source or group is null
   * @throws IllegalArgumentException if group is not multicast, source is, their families differ
   *     or the interface has no index
   * @throws NotYetBoundException if the socket is not bound yet
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if the kernel refuses
   */
  public void dropSourceSpecificMembership(InetAddress source, InetAddress group,
      NetworkInterface networkInterface) throws IOException {
    membership(Objects.requireNonNull(source, "source"), group, networkInterface, false);
  }

  private void membership(InetAddress source, InetAddress group, NetworkInterface ni,
      boolean join) throws IOException {
    Objects.requireNonNull(group, "group");
    if (!group.isMulticastAddress()) {
      throw new IllegalArgumentException("not a multicast address: " + group.getHostAddress());
    }
    if (source != null && source.isMulticastAddress()) {
      throw new IllegalArgumentException("source is a multicast address: " + source.getHostAddress());
    }
    if (source != null && (source instanceof Inet4Address) != (group instanceof Inet4Address)) {
      throw new IllegalArgumentException("source and group families differ: "
          + source.getHostAddress() + ", " + group.getHostAddress());
    }
    int index = indexOf(ni);
    checkOpen();
    if (!bound) throw new NotYetBoundException();
    String op = (join ? "add" : "drop") + (source != null ? "SourceSpecific" : "") + "Membership";
    onLoop(() -> {
      checkOpen();
      ByteBuffer s = loop.scratch();
      int groupLength = Handles.encode(new InetSocketAddress(group, 0), s, 0);
      int sourceLength = source == null ? 0 : Handles.encode(new InetSocketAddress(source, 0), s, 64);
      return check(UdpNative.membership(loop.ptr(), token, loop.scratchAddress(), groupLength,
          loop.scratchAddress() + 64, sourceLength, index, join), op);
    });
  }

  private static int indexOf(NetworkInterface ni) {
    if (ni == null) return 0;
    int index = ni.getIndex();
    if (index < 0) throw new IllegalArgumentException("interface has no index: " + ni.getName());
    return index;
  }

  private void setOption(int option, int value, String name) throws IOException {
    checkOpen();
    if (!bound) throw new NotYetBoundException();
    onLoop(() -> {
      checkOpen();
      return check(UdpNative.setOption(loop.ptr(), token, option, value), "setsockopt " + name);
    });
  }

  private int getOption(int option, String name) throws IOException {
    checkOpen();
    if (!bound) throw new NotYetBoundException();
    return onLoop(() -> {
      checkOpen();
      return (int) check(UdpNative.getOption(loop.ptr(), token, option), "getsockopt " + name);
    });
  }

  final <T> T onLoop(Callable<T> c) throws IOException {
    try {
      return loop.call(c);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

}
