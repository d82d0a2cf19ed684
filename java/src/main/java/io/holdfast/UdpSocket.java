package io.holdfast;

import io.holdfast.internal.Errors;
import io.holdfast.internal.UdpNative;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AlreadyBoundException;
import java.util.Objects;

/**
 * A UDP socket with the semantics of Node's {@code dgram}: {@link #open} makes it, {@link #bind}
 * (or the first {@link #send}, which binds to the wildcard address and an ephemeral port, as the
 * kernel would) gives it a socket, {@link #recvStart} delivers datagrams with their sender.
 *
 * <p>Sends complete in order, each callback exactly once: with null once the kernel took the
 * datagram, with the kernel's error (e.g. {@code EMSGSIZE} for a datagram too large), or with
 * {@link OperationCanceledException} when the socket closed first. The bytes are copied when
 * {@link #send} is called, so its buffers may be reused at once. When several datagrams are ready,
 * they are received with one {@code recvmmsg} and sent with one {@code sendmmsg}.
 *
 * <p>Connected mode follows libuv's rules, checked in Java before any native call: an address
 * given to a connected socket fails with {@code EISCONN}, none given to an unconnected one with
 * {@code EDESTADDRREQ}, and {@link #disconnect} when not connected with {@code ENOTCONN} (each a
 * {@link NativeIOException} carrying that code).
 *
 * <p>Socket options and multicast membership need the socket: before it is bound they throw
 * {@link java.nio.channels.NotYetBoundException}; out-of-range values throw
 * {@link IllegalArgumentException} before any native call.
 *
 * <p>Thread-safety: any method from any thread; callbacks run on the loop thread. Ownership: the
 * loop owns the socket; after {@link #close()} every operation throws
 * {@link HandleClosedException} (the socket is never silently re-created), while
 * {@link #localAddress()}, {@link #remoteAddress()} and the queue counters stay readable.
 *
 * <p>Passing: {@link PipeStream#send} moves a bound socket to the peer of a pipe. This object is
 * stale at once (reason {@code MOVED}) and stops receiving: datagrams already read but not yet
 * delivered are dropped, those still in the kernel's buffer travel with the socket. Sends
 * accepted before the move are not canceled: the fd leaves only once each of them has completed
 * (its callback runs once, on this loop, as for any send), so they go out from this socket
 * first; a send that raced with the move and finds the fd gone completes with
 * {@link OperationCanceledException}. A socket that is not bound yet has nothing to pass and is
 * refused with {@link IllegalStateException}. The receiver gets a socket on the same local
 * address (connected to the same peer if this one was), with default options, not receiving.
 */
public final class UdpSocket extends UdpSocketBase {
  /** Socket options applied when the socket is made. Not thread-safe; copied when used. */
  public static final class Options {
    boolean reuseAddress;
    boolean reusePort;
    boolean ipv6Only;
    int receiveBufferSize;
    int sendBufferSize;
    int maxDatagramSize = UdpSender.MAX_DATAGRAM;

    /** @return options with the defaults (no reuse flags, kernel buffer sizes, 64 KiB datagrams) */
    public static Options defaults() {
      return new Options();
    }

    /**
     * @param on whether to set {@code SO_REUSEADDR}
     * @return this
     */
    public Options reuseAddress(boolean on) {
      reuseAddress = on;
      return this;
    }

    /**
     * @param on whether to set {@code SO_REUSEPORT}, letting several sockets share a port
     * @return this
     */
    public Options reusePort(boolean on) {
      reusePort = on;
      return this;
    }

    /**
     * @param on for an IPv6 socket, whether to refuse IPv4-mapped traffic
     * @return this
     */
    public Options ipv6Only(boolean on) {
      ipv6Only = on;
      return this;
    }

    /**
     * @param bytes the kernel's receive buffer ({@code SO_RCVBUF}), positive
     * @return this
     * @throws IllegalArgumentException if bytes is not positive
     */
    public Options receiveBufferSize(int bytes) {
      if (bytes <= 0) throw new IllegalArgumentException("receive buffer size <= 0: " + bytes);
      receiveBufferSize = bytes;
      return this;
    }

    /**
     * @param bytes the kernel's send buffer ({@code SO_SNDBUF}), positive
     * @return this
     * @throws IllegalArgumentException if bytes is not positive
     */
    public Options sendBufferSize(int bytes) {
      if (bytes <= 0) throw new IllegalArgumentException("send buffer size <= 0: " + bytes);
      sendBufferSize = bytes;
      return this;
    }

    /**
     * Sets the largest payload received whole (default 65536, more than any IP datagram holds).
     * A longer datagram is delivered cut to this size and flagged truncated. A smaller size lets
     * more datagrams share one {@code recvmmsg}.
     *
     * @param bytes 1 to 65536
     * @return this
     * @throws IllegalArgumentException if bytes is out of range
     */
    public Options maxDatagramSize(int bytes) {
      if (bytes < 1 || bytes > UdpSender.MAX_DATAGRAM) {
        throw new IllegalArgumentException("max datagram size not in 1..65536: " + bytes);
      }
      maxDatagramSize = bytes;
      return this;
    }

    Options copy() {
      Options o = new Options();
      o.reuseAddress = reuseAddress;
      o.reusePort = reusePort;
      o.ipv6Only = ipv6Only;
      o.receiveBufferSize = receiveBufferSize;
      o.sendBufferSize = sendBufferSize;
      o.maxDatagramSize = maxDatagramSize;
      return o;
    }
  }

  static final int EV_RECV = 8;
  static final int EV_SEND = 9;
  private static final int MAX_BUFFERS = 1024;
  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  final UdpSender sender;
  private volatile boolean receiving;
  UdpPassing pendingMove; // a move over a pipe waiting for the queued sends (loop thread)
  /* Written on the loop thread only; read by EventLoop.handles(). */
  private volatile long bytesReceived;
  private volatile long bytesSent;
  /* Loop thread only. */
  private DatagramHandler handler;
  private final byte[] lastSenderBytes = new byte[28];
  private int lastSenderLength;
  private InetSocketAddress lastSender;

  UdpSocket(EventLoop loop, long token, Options options) { // see also UdpPassing.received
    super(loop, token, options);
    this.sender = new UdpSender(this);
  }

  /**
   * Makes an unbound socket with the default options.
   *
   * @param loop the owning loop
   * @return the socket
   * @throws NullPointerException if loop is null
   * @throws IllegalStateException if the loop is closed
   */
  public static UdpSocket open(EventLoop loop) {
    return open(loop, Options.defaults());
  }

  /**
   * Makes an unbound socket; its family is that of the first address it binds, connects or sends
   * to.
   *
   * @param loop the owning loop
   * @param options reuse flags, IPv6-only, buffer sizes, maximum datagram size
   * @return the socket
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the loop is closed
   */
  public static UdpSocket open(EventLoop loop, Options options) {
    Objects.requireNonNull(loop, "loop");
    Options opts = Objects.requireNonNull(options, "options").copy();
    int flags = (opts.reuseAddress ? UdpNative.REUSE_ADDRESS : 0)
        | (opts.reusePort ? UdpNative.REUSE_PORT : 0) | (opts.ipv6Only ? UdpNative.IPV6_ONLY : 0);
    try {
      return loop.call(() -> {
        long rc = UdpNative.open(loop.ptr(), flags);
        if (rc < 0) throw new IllegalStateException("udp open: " + Errors.name((int) rc));
        UdpSocket s = new UdpSocket(loop, rc, opts);
        int r = UdpNative.setRecvSize(loop.ptr(), rc, opts.maxDatagramSize);
        if (r < 0) {
          s.close();
          throw new IllegalStateException("udp receive size: " + Errors.name(r));
        }
        return s;
      });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Binds the socket (port 0 picks an ephemeral port: see {@link #localAddress()}).
   *
   * @param address an IPv4 or IPv6 address
   * @throws NullPointerException if address is null
   * @throws IllegalArgumentException if address is unresolved
   * @throws AlreadyBoundException if the socket is already bound (by bind, connect or a send)
   * @throws HandleClosedException if the socket is closed
   * @throws java.net.BindException if the address is in use or unavailable
   * @throws IOException for other kernel errors
   */
  public void bind(InetSocketAddress address) throws IOException {
    Handles.checkAddress(address, "address");
    checkOpen();
    if (bound) throw new AlreadyBoundException();
    onLoop(() -> {
      checkOpen();
      if (bound) throw new AlreadyBoundException();
      int rc = UdpNative.bind(loop.ptr(), token, loop.scratchAddress(),
          Handles.encode(address, loop.scratch()));
      if (rc == Errors.STALE) throw closedException();
      if (rc == Errors.EALREADY) throw new AlreadyBoundException();
      if (rc < 0) throw Errors.exception(rc, "bind", address);
      socketMade();
      return null;
    });
  }

  /** Binds to the wildcard address of to's family unless bound: what a first send does. */
  private void ensureBound(InetSocketAddress to) throws IOException {
    if (bound) return;
    onLoop(() -> {
      checkOpen();
      if (bound) return null;
      InetSocketAddress any = wildcard(to);
      int rc = UdpNative.bind(loop.ptr(), token, loop.scratchAddress(),
          Handles.encode(any, loop.scratch()));
      if (rc == Errors.STALE) throw closedException();
      if (rc < 0) throw Errors.exception(rc, "bind", any);
      socketMade();
      return null;
    });
  }

  private static InetSocketAddress wildcard(InetSocketAddress like) throws UnknownHostException {
    byte[] any = new byte[like.getAddress() instanceof Inet4Address ? 4 : 16];
    return new InetSocketAddress(InetAddress.getByAddress(any), 0);
  }

  /** The native socket now exists: applies the buffer options, learns the address (loop). */
  private void socketMade() throws IOException {
    bound = true;
    localAddress = fetchAddress(false);
    if (options.receiveBufferSize > 0) {
      check(UdpNative.setOption(loop.ptr(), token, UdpNative.OPT_RCVBUF,
          options.receiveBufferSize), "setsockopt SO_RCVBUF");
    }
    if (options.sendBufferSize > 0) {
      check(UdpNative.setOption(loop.ptr(), token, UdpNative.OPT_SNDBUF, options.sendBufferSize),
          "setsockopt SO_SNDBUF");
    }
  }

  private InetSocketAddress fetchAddress(boolean peer) {
    int n = UdpNative.address(loop.ptr(), token, peer, loop.scratchAddress(),
        Handles.SOCKADDR_CAPACITY);
    return n > 0 ? Handles.decode(loop.scratch(), n) : null;
  }

  /**
   * Connects the socket to one peer (binding it first if needed): sends without an address go
   * there, and only its datagrams are received.
   *
   * @param address the peer, IPv4 or IPv6
   * @throws NullPointerException if address is null
   * @throws IllegalArgumentException if address is unresolved
   * @throws NativeIOException with code {@code EISCONN} if already connected
   * @throws HandleClosedException if the socket is closed
   * @throws IOException for kernel errors
   */
  public void connect(InetSocketAddress address) throws IOException {
    Handles.checkAddress(address, "address");
    checkOpen();
    if (connected) throw Errors.exception(Errors.EISCONN, "connect", address);
    onLoop(() -> {
      checkOpen();
      if (connected) throw Errors.exception(Errors.EISCONN, "connect", address);
      int rc = UdpNative.connect(loop.ptr(), token, loop.scratchAddress(),
          Handles.encode(address, loop.scratch()));
      if (rc == Errors.STALE) throw closedException();
      if (!bound && fetchAddress(false) != null) socketMade(); // bound even if connect failed
      if (rc < 0) throw Errors.exception(rc, "connect", address);
      connected = true;
      InetSocketAddress peer = fetchAddress(true);
      remoteAddress = peer != null ? peer : address;
      localAddress = fetchAddress(false);
      return null;
    });
  }

  /**
   * Dissolves the association made by {@link #connect}; the socket keeps its local address.
   *
   * @throws NativeIOException with code {@code ENOTCONN} if not connected
   * @throws HandleClosedException if the socket is closed
   * @throws IOException for kernel errors
   */
  public void disconnect() throws IOException {
    checkOpen();
    if (!connected) throw Errors.exception(Errors.ENOTCONN, "disconnect", null);
    onLoop(() -> {
      checkOpen();
      if (!connected) throw Errors.exception(Errors.ENOTCONN, "disconnect", null);
      check(UdpNative.disconnect(loop.ptr(), token), "disconnect");
      connected = false;
      remoteAddress = null;
      localAddress = fetchAddress(false);
      return null;
    });
  }

  /**
   * Sends one datagram to address; see {@link #send(ByteBuffer[], InetSocketAddress, Callback)}.
   *
   * @param data the payload between position and limit (copied; the buffer is not changed)
   * @param address the destination, or null on a connected socket
   * @param callback completion, exactly once on the loop thread; may be null
   * @throws NullPointerException if data is null
   * @throws IllegalArgumentException if address is unresolved
   * @throws NativeIOException with code {@code EISCONN} / {@code EDESTADDRREQ}, see the class
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if binding the socket first fails (e.g. {@code EMFILE})
   */
  public void send(ByteBuffer data, InetSocketAddress address, Callback callback)
      throws IOException {
    Objects.requireNonNull(data, "data");
    send(new ByteBuffer[] {data}, address, callback);
  }

  /**
   * Sends one datagram to the connected peer.
   *
   * @param data the payload between position and limit (copied; the buffer is not changed)
   * @param callback completion, exactly once on the loop thread; may be null
   * @throws NullPointerException if data is null
   * @throws NativeIOException with code {@code EDESTADDRREQ} if the socket is not connected
   * @throws HandleClosedException if the socket is closed
   */
  public void send(ByteBuffer data, Callback callback) throws IOException {
    send(data, null, callback);
  }

  /**
   * Sends the buffers' bytes as one datagram. An unbound socket is bound first (to the wildcard
   * address of the destination's family, port 0), before this returns. Sends complete in order;
   * kernel errors such as {@code EMSGSIZE} arrive through the callback.
   *
   * @param buffers the payload, each buffer between position and limit (copied; not changed; no
   *     buffers, or empty ones, make a zero-length datagram)
   * @param address the destination, or null on a connected socket
   * @param callback completion, exactly once on the loop thread; may be null
   * @throws NullPointerException if buffers or one of them is null
   * @throws IllegalArgumentException if there are more than 1024 buffers or address is unresolved
   * @throws NativeIOException with code {@code EISCONN} (an address on a connected socket) or
   *     {@code EDESTADDRREQ} (none on an unconnected one)
   * @throws HandleClosedException if the socket is closed
   * @throws IOException if binding the socket first fails (e.g. {@code EMFILE})
   */
  public void send(ByteBuffer[] buffers, InetSocketAddress address, Callback callback)
      throws IOException {
    long total = checkBuffers(buffers);
    if (address != null) Handles.checkAddress(address, "address");
    checkOpen();
    checkDestination(address);
    ensureBound(address);
    sender.submit(new UdpSender.Request(UdpSender.gather(buffers, total), total, address,
        callback));
  }

  /**
   * Sends one datagram now if no earlier send is queued and the kernel takes it without waiting.
   * On success the buffers' positions advance to their limits.
   *
   * @param buffers the payload, each buffer between position and limit
   * @param address the destination, or null on a connected socket
   * @return true if sent, false if it would have to wait (nothing was sent)
   * @throws NullPointerException if buffers or one of them is null
   * @throws IllegalArgumentException if there are more than 1024 buffers or address is unresolved
   * @throws NativeIOException with code {@code EISCONN} / {@code EDESTADDRREQ}, see the class, or
   *     the kernel's error (e.g. {@code EMSGSIZE})
   * @throws HandleClosedException if the socket is closed
   * @throws IOException for other kernel errors
   */
  public boolean trySend(ByteBuffer[] buffers, InetSocketAddress address) throws IOException {
    long total = checkBuffers(buffers);
    if (address != null) Handles.checkAddress(address, "address");
    checkOpen();
    checkDestination(address);
    ensureBound(address);
    boolean sent = onLoop(() -> {
      checkOpen();
      return sender.trySend(buffers, total, address);
    });
    if (sent) {
      for (ByteBuffer b : buffers) b.position(b.limit());
    }
    return sent;
  }

  /**
   * Sends one buffer now if possible; see {@link #trySend(ByteBuffer[], InetSocketAddress)}.
   *
   * @param data the payload between position and limit
   * @param address the destination, or null on a connected socket
   * @return true if sent, false if it would have to wait
   * @throws NullPointerException if data is null
   * @throws IllegalArgumentException if address is unresolved
   * @throws NativeIOException with code {@code EISCONN} / {@code EDESTADDRREQ}, or the kernel's
   * @throws HandleClosedException if the socket is closed
   * @throws IOException for other kernel errors
   */
  public boolean trySend(ByteBuffer data, InetSocketAddress address) throws IOException {
    Objects.requireNonNull(data, "data");
    return trySend(new ByteBuffer[] {data}, address);
  }

  private static long checkBuffers(ByteBuffer[] buffers) {
    Objects.requireNonNull(buffers, "buffers");
    if (buffers.length > MAX_BUFFERS) {
      throw new IllegalArgumentException("more than " + MAX_BUFFERS + " buffers: " + buffers.length);
    }
    long total = 0;
    for (int i = 0; i < buffers.length; i++) {
      total += Objects.requireNonNull(buffers[i], "buffers[" + i + "]").remaining();
    }
    return total;
  }

  private void checkDestination(InetSocketAddress to) throws IOException {
    if (to != null && connected) throw Errors.exception(Errors.EISCONN, "send", to);
    if (to == null && !connected) throw Errors.exception(Errors.EDESTADDRREQ, "send", null);
  }

  /**
   * Starts delivering datagrams to handler (replacing an earlier one). Before the socket is bound,
   * receiving starts when it is.
   *
   * @param handler receives datagrams and receive errors on the loop thread
   * @throws NullPointerException if handler is null
   * @throws HandleClosedException if the socket is closed
   */
  public void recvStart(DatagramHandler handler) throws HandleClosedException {
    Objects.requireNonNull(handler, "handler");
    checkOpen();
    receiving = true; // at once: isReceiving() tells the caller's last word, not the loop's
    loop.runOrSubmit(() -> {
      if (!isOpen()) return;
      this.handler = handler;
      UdpNative.recvStart(loop.ptr(), token);
      updateActive();
    });
  }

  /**
   * Stops delivering datagrams: no handler call starts after this returns. Those the kernel
   * already handed over but not yet delivered are dropped; later ones wait in the kernel's
   * buffer, up to its size, for the next {@link #recvStart}.
   *
   * @throws HandleClosedException if the socket is closed
   */
  public void recvStop() throws HandleClosedException {
    checkOpen();
    receiving = false; // no datagram is delivered once this returns
    loop.runOrSubmit(() -> {
      if (!isOpen()) return;
      UdpNative.recvStop(loop.ptr(), token);
      updateActive();
    });
  }

  /** @return whether datagrams are being delivered to a handler */
  public boolean isReceiving() {
    return receiving && isOpen();
  }

  /** @return payload bytes of sends whose callback has not run yet */
  public long sendQueueSize() {
    return sender.queuedBytes();
  }

  /** @return sends whose callback has not run yet */
  public long sendQueueCount() {
    return sender.queuedCount();
  }

  /** @return the largest payload received whole (see {@link Options#maxDatagramSize}) */
  public int maxDatagramSize() {
    return options.maxDatagramSize;
  }

  // ---- events (loop thread) ----

  @Override
  void onEvent(int kind, int result, long aux, int offset, int length) {
    if (kind == EV_SEND) {
      sender.onSendDone(result, aux);
    } else if (kind == EV_RECV) {
      onReceive(result, aux, offset, length);
    }
    UdpPassing.afterEvent(this);
  }

  /** A move over a pipe (see the class): the fd leaves once the queued sends completed. */
  @Override
  void detachWhenQuiet(java.util.function.IntConsumer onFd,
      java.util.function.Consumer<IOException> onFail) {
    loop.execute(new UdpPassing(this, onFd, onFail));
  }

  /** Receiving stops for good: the socket is leaving (loop thread). */
  void stopReceiving() {
    receiving = false;
    handler = null;
    UdpNative.recvStop(loop.ptr(), token);
  }

  @Override
  void loopClosing() {
    UdpPassing.giveUp(this);
  }

  private void onReceive(int result, long aux, int offset, int length) {
    DatagramHandler h = handler;
    if (!receiving || h == null || !isOpen()) return;
    try {
      if (result < 0) {
        h.onError(this, Errors.exception(result, "recv", remoteAddress));
        return;
      }
      InetSocketAddress from = senderAt(offset);
      ByteBuffer data = loop.readView(offset + UdpNative.ADDR_SLOT, length);
      bytesReceived += length;
      h.onDatagram(this, data, from, (aux & UdpNative.TRUNCATED) != 0);
    } catch (Throwable t) {
      loop.report(this, t);
    }
  }

  /** Decodes the sender slot at offset; a sender seen just before is not decoded again. */
  private InetSocketAddress senderAt(int offset) {
    ByteBuffer a = loop.readView(offset, UdpNative.ADDR_SLOT);
    int lo = a.get(offset) & 0xff;
    int hi = a.get(offset + 1) & 0xff;
    int family = LITTLE_ENDIAN ? lo | hi << 8 : lo << 8 | hi;
    int len = family == Handles.AF_INET ? 16 : family == Handles.AF_INET6 ? 28 : 0;
    if (len == 0) return null;
    boolean same = lastSender != null && len == lastSenderLength;
    for (int i = 0; same && i < len; i++) same = a.get(offset + i) == lastSenderBytes[i];
    if (same) return lastSender;
    for (int i = 0; i < len; i++) lastSenderBytes[i] = a.get(offset + i);
    lastSenderLength = len;
    lastSender = Handles.decode(ByteBuffer.wrap(lastSenderBytes), len);
    return lastSender;
  }

  @Override
  boolean isActive() {
    return receiving || sender.isActive();
  }

  @Override
  void onClosed() {
    receiving = false;
    handler = null;
    sender.cancelAll();
  }

  @Override
  String typeName() {
    return "UdpSocket";
  }

  /** A send of n payload bytes completed successfully (loop thread). */
  void countSent(long n) {
    bytesSent += n;
  }

  @Override
  long infoBytesRead() {
    return bytesReceived;
  }

  @Override
  long infoBytesWritten() {
    return bytesSent;
  }
}
