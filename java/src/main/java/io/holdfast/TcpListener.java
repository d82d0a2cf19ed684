package io.holdfast;

import io.holdfast.internal.Errors;
import io.holdfast.internal.TcpNative;
import io.holdfast.internal.jfr.Jfr;
import io.holdfast.internal.jfr.JfrEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A listening TCP socket. {@link #bind} creates and binds it; {@link #listen} starts accepting.
 * Accepted streams are not reading until their handler calls {@link Stream#readStart}, so a
 * handler may hand a connection on first.
 *
 * <p>Under fd exhaustion ({@code EMFILE}/{@code ENFILE}) the loop spends a reserved fd to accept
 * and close the pending connection, so the listener never spins, counts it in
 * {@link #shedCount()}, reports it to {@link ConnectionHandler#onAcceptError} and keeps serving.
 *
 * <p>Thread-safety: any method from any thread; callbacks on the loop thread. Closing the listener
 * stops accepting; streams already accepted are unaffected.
 */
public final class TcpListener extends HandleBase {
  /** Listener options. Not thread-safe; copied when used. */
  public static final class Options {
    int backlog = 511;
    boolean reuseAddress = true;
    boolean reusePort;
    boolean ipv6Only;
    TcpStream.Options streamOptions = TcpStream.Options.defaults();

    /** @return options with the defaults (backlog 511, reuseAddress on) */
    public static Options defaults() {
      return new Options();
    }

    /**
     * @param backlog the accept queue length, positive
     * @return this
     * @throws IllegalArgumentException if backlog is not positive
     */
    public Options backlog(int backlog) {
      if (backlog <= 0) throw new IllegalArgumentException("backlog <= 0: " + backlog);
      this.backlog = backlog;
      return this;
    }

    /**
     * @param on whether to set {@code SO_REUSEADDR} (default on)
     * @return this
     */
    public Options reuseAddress(boolean on) {
      reuseAddress = on;
      return this;
    }

    /**
     * @param on whether to set {@code SO_REUSEPORT}, letting several listeners share a port
     * @return this
     */
    public Options reusePort(boolean on) {
      reusePort = on;
      return this;
    }

    /**
     * @param on for an IPv6 address, whether to refuse IPv4-mapped connections
     * @return this
     */
    public Options ipv6Only(boolean on) {
      ipv6Only = on;
      return this;
    }

    /**
     * @param options options applied to every accepted stream
     * @return this
     * @throws NullPointerException if options is null
     */
    public Options streamOptions(TcpStream.Options options) {
      streamOptions = Objects.requireNonNull(options, "options").copy();
      return this;
    }

    Options copy() {
      Options o = new Options();
      o.backlog = backlog;
      o.reuseAddress = reuseAddress;
      o.reusePort = reusePort;
      o.ipv6Only = ipv6Only;
      o.streamOptions = streamOptions.copy();
      return o;
    }
  }

  private final Options options;
  private final InetSocketAddress localAddress;
  private volatile boolean listening;
  private volatile long connectionCount;
  private volatile long shedCount;
  private ConnectionHandler handler;

  private TcpListener(EventLoop loop, long token, Options options, InetSocketAddress local) {
    super(loop, token);
    this.options = options;
    this.localAddress = local;
  }

  /**
   * Creates a socket bound to address (port 0 picks an ephemeral port: see {@link #localAddress}).
   *
   * @param loop the owning loop
   * @param address the IPv4 or IPv6 address to bind
   * @return the bound listener, not yet listening
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if address is unresolved
   * @throws java.net.BindException if the address is in use ({@code EADDRINUSE}) or unavailable
   * @throws IOException for other kernel errors
   */
  public static TcpListener bind(EventLoop loop, InetSocketAddress address) throws IOException {
    return bind(loop, address, Options.defaults());
  }

  /**
   * Creates a bound socket with options; see {@link #bind(EventLoop, InetSocketAddress)}.
   *
   * @param loop the owning loop
   * @param address the IPv4 or IPv6 address to bind
   * @param options backlog, reuse flags, IPv6-only, options of accepted streams
   * @return the bound listener, not yet listening
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if address is unresolved
   * @throws java.net.BindException if the address is in use ({@code EADDRINUSE}) or unavailable
   * @throws IOException for other kernel errors
   */
  public static TcpListener bind(EventLoop loop, InetSocketAddress address, Options options)
      throws IOException {
    Objects.requireNonNull(loop, "loop");
    Handles.checkAddress(address, "address");
    Options opts = Objects.requireNonNull(options, "options").copy();
    int flags = (opts.reuseAddress ? TcpNative.REUSE_ADDRESS : 0)
        | (opts.reusePort ? TcpNative.REUSE_PORT : 0) | (opts.ipv6Only ? TcpNative.IPV6_ONLY : 0);
    try {
      return loop.call(() -> {
        int len = Handles.encode(address, loop.scratch());
        long rc = TcpNative.bind(loop.ptr(), loop.scratchAddress(), len, flags);
        if (rc < 0) throw Errors.exception((int) rc, "bind", address);
        int n = TcpNative.address(loop.ptr(), rc, false, loop.scratchAddress(),
            Handles.SOCKADDR_CAPACITY);
        InetSocketAddress local = n > 0 ? Handles.decode(loop.scratch(), n) : address;
        return new TcpListener(loop, rc, opts, local);
      });
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /**
   * Starts accepting; each connection goes to handler.
   *
   * @param handler receives accepted streams and accept errors
   * @throws NullPointerException if handler is null
   * @throws IllegalStateException if already listening
   * @throws HandleClosedException if the listener is closed
   * @throws IOException if the kernel refuses to listen
   */
  public void listen(ConnectionHandler handler) throws IOException {
    Objects.requireNonNull(handler, "handler");
    checkOpen();
    try {
      loop.call(() -> {
        checkOpen();
        if (listening) throw new IllegalStateException("already listening");
        int rc = TcpNative.listen(loop.ptr(), token, options.backlog);
        if (rc == Errors.STALE) throw closedException();
        if (rc < 0) throw Errors.exception(rc, "listen", localAddress);
        this.handler = handler;
        listening = true;
        updateActive();
        return null;
      });
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /** @return the bound address, with the actual port; readable after close */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** @return connections accepted and handed to the handler so far */
  public long connectionCount() {
    return connectionCount;
  }

  /** @return connections accepted and dropped because the process ran out of fds */
  public long shedCount() {
    return shedCount;
  }

  /** @return whether the listener is accepting */
  public boolean isListening() {
    return listening && isOpen();
  }

  @Override
  String typeName() {
    return "TcpListener";
  }

  @Override
  java.net.SocketAddress infoLocalAddress() {
    return localAddress;
  }

  @Override
  boolean isActive() {
    return listening;
  }

  @Override
  void onEvent(int kind, int result, long aux, int offset, int length) {
    if (kind != EV_ACCEPT) return;
    if (result == 0) {
      TcpStream s = TcpStream.accepted(loop, aux, options.streamOptions);
      if (!isOpen()) {
        s.close(); // accepted in the same batch as our close: nobody would own it
        return;
      }
      connectionCount++;
      if (Jfr.AVAILABLE) {
        JfrEvents.accept("TcpListener", token, localAddress, s.token, s.remoteAddress, null);
      }
      try {
        handler.onConnection(s);
      } catch (Throwable t) {
        loop.report(this, t);
      }
      return;
    }
    // aux 1: the pending connection was accepted and closed to shed it (EMFILE/ENFILE).
    if ((result == Errors.EMFILE || result == Errors.ENFILE) && aux != 0) shedCount++;
    IOException error = Errors.exception(result, "accept", localAddress);
    if (Jfr.AVAILABLE) JfrEvents.accept("TcpListener", token, localAddress, 0, null, error);
    try {
      handler.onAcceptError(this, error);
    } catch (Throwable t) {
      loop.report(this, t);
    }
  }

  @Override
  void onClosed() {
    listening = false;
  }
}
