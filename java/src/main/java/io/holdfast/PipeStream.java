package io.holdfast;

import io.holdfast.internal.Errors;
import io.holdfast.internal.HandleNative;
import io.holdfast.internal.PipeNative;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A pipe: a {@link Stream} over a Unix-domain socket (connected by {@link #connect}, accepted by a
 * {@link PipeListener}, made by {@link #pair}), or over an adopted fd ({@link #open}: an os pipe
 * end, a terminal, an inherited Unix socket). Socket-backed pipes can tell who the peer is
 * ({@link #peerCredentials()}) and pass handles to it ({@link #send}).
 *
 * <p>Writes to an fd that is no socket use {@code writev}; a reader that is gone gives
 * {@code EPIPE} because the JVM ignores {@code SIGPIPE}. {@link #shutdown} on such an fd ends a
 * pipe's write end (the reader sees end of stream) and is a no-op for a read-only one.
 *
 * <p>Thread-safety and ownership as for every {@link Stream}: any method from any thread,
 * callbacks on the loop thread; the stream owns its fd, and a closed or moved stream rejects every
 * operation with {@link HandleClosedException} while its counters and addresses stay readable.
 */
public final class PipeStream extends StreamBase {
  static final int TYPE_TCP_STREAM = 3;
  static final int TYPE_PIPE_STREAM = 5;
  static final int TYPE_UDP = 6;

  /** Options for a pipe stream. Not thread-safe; copied when used. */
  public static final class Options {
    boolean allowHalfOpen;
    long lowWater = 32 * 1024;
    long highWater = 64 * 1024;

    /** @return options with the defaults */
    public static Options defaults() {
      return new Options();
    }

    /**
     * Whether the stream stays writable after the peer ended (default false: our side ends once
     * writes drain, then the stream closes).
     *
     * @param allow true to keep the stream half-open
     * @return this
     */
    public Options allowHalfOpen(boolean allow) {
      allowHalfOpen = allow;
      return this;
    }

    /**
     * Sets the write-buffer water marks (defaults 32 KiB and 64 KiB).
     *
     * @param low low-water mark in bytes, 0 or more
     * @param high high-water mark in bytes, above low
     * @return this
     * @throws IllegalArgumentException if low is negative or high is not above low
     */
    public Options writeBufferWaterMarks(long low, long high) {
      if (low < 0) throw new IllegalArgumentException("low-water mark < 0: " + low);
      if (high <= low) {
        throw new IllegalArgumentException("high-water mark " + high + " not above low " + low);
      }
      lowWater = low;
      highWater = high;
      return this;
    }

    Options copy() {
      Options o = new Options();
      o.allowHalfOpen = allowHalfOpen;
      o.lowWater = lowWater;
      o.highWater = highWater;
      return o;
    }
  }

  /**
   * Two connected pipe streams made by {@link PipeStream#pair}.
   *
   * @param first one end
   * @param second the other end
   */
  public record Pair(PipeStream first, PipeStream second) {}

  /** A handle on its way out (loop thread): completes once, when sent, failed or canceled. */
  private static final class PendingSend {
    final Callback callback;
    boolean done;

    PendingSend(Callback callback) {
      this.callback = callback;
    }
  }

  private final Options options;
  private volatile Boolean socket; // null until known
  private PipeConnectHandler connectHandler;
  private boolean connecting;
  private List<PendingSend> pendingSends = new ArrayList<>(2);

  private PipeStream(EventLoop loop, long token, Options options) {
    super(loop, token, options.allowHalfOpen);
    this.options = options;
    setWriteBufferWaterMarks(options.lowWater, options.highWater);
  }

  /**
   * Connects to a pipe without blocking; handler learns the outcome exactly once.
   *
   * @param loop the loop that will own the stream
   * @param address a path, or {@code @name} for an abstract name (see {@link PipeAddress#of})
   * @param handler receives the outcome
   * @return the connecting stream (writes and readStart before the connect completes are kept)
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the address is empty or too long
   * @throws IOException if the socket cannot be created (e.g. {@code EMFILE})
   */
  public static PipeStream connect(EventLoop loop, String address, PipeConnectHandler handler)
      throws IOException {
    Objects.requireNonNull(address, "address");
    return connect(loop, PipeAddress.of(address), handler, Options.defaults());
  }

  /**
   * Connects to a pipe with options; see {@link #connect(EventLoop, String, PipeConnectHandler)}.
   *
   * @param loop the loop that will own the stream
   * @param address the pipe's address
   * @param handler receives the outcome
   * @param options half-open, water marks
   * @return the connecting stream
   * @throws NullPointerException if an argument is null
   * @throws IOException if the socket cannot be created (e.g. {@code EMFILE})
   */
  public static PipeStream connect(EventLoop loop, PipeAddress address, PipeConnectHandler handler,
      Options options) throws IOException {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(handler, "handler");
    Options opts = Objects.requireNonNull(options, "options").copy();
    return Handles.call(loop, () -> {
      int len = address.encode(loop.scratch());
      long rc = PipeNative.connect(loop.ptr(), loop.scratchAddress(), len, 1);
      if (rc < 0) throw Errors.exception((int) rc, "connect", address);
      PipeStream s = new PipeStream(loop, rc, opts);
      s.socket = true;
      s.remoteAddress = address;
      s.connecting = true;
      s.connectHandler = handler;
      s.connectStarted();
      s.updateActive();
      return s;
    });
  }

  /**
   * Creates two connected pipe streams ({@code socketpair}), e.g. to hand one end to another loop.
   *
   * @param loop the loop that owns both
   * @return the pair, neither end reading yet
   * @throws NullPointerException if loop is null
   * @throws IOException if the kernel refuses (e.g. {@code EMFILE})
   */
  public static Pair pair(EventLoop loop) throws IOException {
    Objects.requireNonNull(loop, "loop");
    return Handles.call(loop, () -> {
      int rc = PipeNative.pair(loop.ptr(), loop.scratchAddress());
      if (rc < 0) throw Errors.exception(rc, "socketpair", null);
      long a = loop.scratch().getLong(0);
      long b = loop.scratch().getLong(8);
      PipeStream first = new PipeStream(loop, a, Options.defaults());
      PipeStream second = new PipeStream(loop, b, Options.defaults());
      first.socket = true;
      second.socket = true;
      return new Pair(first, second);
    });
  }

  /**
   * Adopts an existing fd: an os pipe end, a terminal, an inherited Unix socket (stdin of a
   * process started with a pipe, say). The stream owns the fd from now on and closes it; it is
   * made non-blocking and close-on-exec. {@code O_NONBLOCK} belongs to the open file, so other
   * processes sharing it (a shell sharing a terminal) see it too.
   *
   * @param loop the loop that will own the stream
   * @param fd the file descriptor
   * @return the stream, not reading yet
   * @throws NullPointerException if loop is null
   * @throws IllegalArgumentException if fd is negative
   * @throws IOException {@code EEXIST} if a live handle of any loop already owns fd (the fd is
   *     left alone); {@code EBADF} if fd is not open; {@code EINVAL} for an fd that is no stream
   *     (a regular file, a listening or datagram socket); {@code EAFNOSUPPORT} for a socket that
   *     is not a Unix socket; {@code EPERM} if the kernel cannot poll it. The caller keeps fd on
   *     every error.
   */
  public static PipeStream open(EventLoop loop, int fd) throws IOException {
    Objects.requireNonNull(loop, "loop");
    if (fd < 0) throw new IllegalArgumentException("fd < 0: " + fd);
    return Handles.call(loop, () -> {
      long rc = PipeNative.open(loop.ptr(), fd);
      if (rc < 0) throw Errors.exception((int) rc, "open", null);
      PipeStream s = new PipeStream(loop, rc, Options.defaults());
      s.socket = PipeNative.isSocket(loop.ptr(), rc) == 1;
      if (s.socket) s.fetchAddresses();
      return s;
    });
  }

  /** Wraps an accepted or received connection (loop thread). */
  static PipeStream wrap(EventLoop loop, long token, Options options) {
    PipeStream s = new PipeStream(loop, token, options);
    s.socket = PipeNative.isSocket(loop.ptr(), token) == 1;
    if (s.socket) s.fetchAddresses();
    return s;
  }

  private void fetchAddresses() {
    localAddress = fetchAddress(false);
    remoteAddress = fetchAddress(true);
  }

  private PipeAddress fetchAddress(boolean peer) {
    int n = PipeNative.address(loop.ptr(), token, peer, loop.scratchAddress(),
        Handles.SOCKADDR_CAPACITY);
    return n > 0 ? PipeAddress.decode(loop.scratch(), n) : null;
  }

  /**
   * The peer process's credentials, as the kernel recorded them at connect (or pair) time.
   *
   * @return pid, uid and gid of the peer
   * @throws HandleClosedException if the stream is closed or moved
   * @throws IOException {@code ENOTSOCK} for a pipe that is no socket, or another kernel error
   */
  public PeerCredentials peerCredentials() throws IOException {
    checkOpen();
    return Handles.call(loop, () -> {
      checkOpen();
      check(PipeNative.peerCredentials(loop.ptr(), token, loop.scratchAddress()),
          "getsockopt SO_PEERCRED");
      ByteBuffer s = loop.scratch();
      return new PeerCredentials(s.getInt(0), s.getInt(4) & 0xffffffffL,
          s.getInt(8) & 0xffffffffL);
    });
  }

  /** @return true while the connect has not completed */
  public boolean isConnecting() {
    return connecting;
  }

  // ---- passing handles ----

  /**
   * Passes a stream or UDP socket to the peer ({@code SCM_RIGHTS}), in order with this pipe's
   * writes: bytes written before arrive before it, bytes written after arrive after it. The handle
   * is moved at once: every operation on it throws {@link HandleClosedException} with reason
   * {@link HandleClosedException.Reason#MOVED}. Once it is quiet (a stream's queued writes done,
   * a UDP socket's queued sends completed: they are not canceled, see {@link UdpSocket}), its fd
   * leaves its loop and is sent; then this process's copy is closed. The peer receives a live
   * handle of the same type through {@link PipeReadHandler#onHandle}. If the send fails or this
   * pipe closes first, the handle is closed. On the wire the fd rides on one byte of its own,
   * which a Holdfast receiver takes out of the data (another receiver would see it).
   *
   * @param handle a {@link TcpStream}, {@link PipeStream} or bound {@link UdpSocket} (of any
   *     loop), not this pipe
   * @param callback called exactly once on this pipe's loop: null once sent, else the error or
   *     {@link OperationCanceledException}; may be null
   * @throws NullPointerException if handle is null
   * @throws IllegalArgumentException if handle is this pipe or of a type that cannot be sent
   * @throws IllegalStateException if handle is a UdpSocket that is not bound yet (no socket)
   * @throws HandleClosedException if this pipe, or handle, is closed or moved
   * @throws IOException {@code ENOTSOCK} if this pipe is no socket (an os pipe cannot pass fds)
   */
  public void send(Handle handle, Callback callback) throws IOException {
    Objects.requireNonNull(handle, "handle");
    if (handle == this) throw new IllegalArgumentException("a pipe cannot send itself");
    if (!(handle instanceof TcpStream) && !(handle instanceof PipeStream)
        && !(handle instanceof UdpSocket)) {
      throw new IllegalArgumentException("cannot send a " + handle.getClass().getSimpleName()
          + ": only TcpStream, PipeStream and UdpSocket");
    }
    if (handle instanceof UdpSocket && handle.isOpen() && !((UdpSocket) handle).isBound()) {
      throw new IllegalStateException("cannot send an unbound UdpSocket: it has no socket yet"
          + " (bind, connect or send first)");
    }
    HandleBase h = (HandleBase) handle;
    checkOpen();
    if (!isSocket()) throw Errors.exception(Errors.ENOTSOCK, "sendmsg", remoteAddress);
    if (!h.markStale(MOVED, "sent over a pipe")) throw h.closedException();
    PendingSend ps = new PendingSend(callback);
    loop.runOrSubmit(() -> sequenced(() -> startSend(h, ps)));
  }

  private boolean isSocket() throws IOException {
    Boolean known = socket;
    if (known != null) return known;
    int rc = Handles.call(loop, () -> (int) check(PipeNative.isSocket(loop.ptr(), token), "send"));
    socket = rc == 1;
    return rc == 1;
  }

  /** At the send's place among the writes (loop thread): later ones wait until the fd is out. */
  private void startSend(HandleBase h, PendingSend ps) {
    PipeStream owner = current(); // this object, or its successor after a same-loop move
    if (!owner.isOpen() && !owner.isMoved()) {
      finishSend(ps, new OperationCanceledException("send"));
      h.loop.runOrSubmit(h::closeNow);
      return;
    }
    owner.holdSubmissions();
    owner.pendingSends.add(ps);
    owner.updateActive();
    try {
      detachAndSend(h, ps);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      finishSend(ps, new OperationCanceledException("send")); // the handle's loop closed
      owner.releaseSubmissions();
    }
  }

  private void detachAndSend(HandleBase h, PendingSend ps) {
    h.detachWhenQuiet(fd -> {
      try {
        loop.execute(() -> sendDetached(ps, fd));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        HandleNative.closeFd(fd); // this pipe's loop is gone, and ps was canceled with it
      }
    }, error -> {
      try {
        loop.execute(() -> {
          finishSend(ps, error);
          current().releaseSubmissions();
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // canceled when this pipe's loop closed
      }
    });
  }

  private void sendDetached(PendingSend ps, int fd) {
    if (ps.done) { // this pipe closed meanwhile
      HandleNative.closeFd(fd);
      return;
    }
    PipeStream owner = current();
    ps.done = true; // from here the request completes like a write
    pendingSends.remove(ps);
    owner.pendingSends.remove(ps);
    long rc = owner.submitNative(ps.callback,
        req -> PipeNative.writeHandle(loop.ptr(), owner.token, fd, req),
        err -> err == Errors.STALE ? new OperationCanceledException("send")
            : Errors.exception((int) err, "sendmsg", remoteAddress));
    if (rc < 0) HandleNative.closeFd(fd); // refused: the fd is still ours to close
    owner.releaseSubmissions();
  }

  private void finishSend(PendingSend ps, IOException error) {
    if (ps.done) return;
    ps.done = true;
    PipeStream owner = current();
    pendingSends.remove(ps);
    owner.pendingSends.remove(ps);
    owner.updateActive();
    if (ps.callback != null) loop.runUser(this, () -> ps.callback.onComplete(error));
  }

  /** @return the object that owns this pipe now (after same-loop moves) */
  private PipeStream current() {
    StreamBase s = this;
    while (s.successor != null) s = s.successor;
    return (PipeStream) s;
  }

  /** Runs r now, or after the submissions held back behind a handle send (loop thread). */
  private void sequenced(Runnable r) {
    PipeStream owner = current();
    if (owner.gate != null) owner.gate.add(r);
    else r.run();
  }

  private void holdSubmissions() {
    if (gate == null) gate = new ArrayDeque<>();
  }

  /** Lets held submissions through, in order, until one of them (a send) holds them again. */
  private void releaseSubmissions() {
    ArrayDeque<Runnable> waiting = gate;
    gate = null;
    while (waiting != null && !waiting.isEmpty()) {
      waiting.poll().run();
      if (gate != null) {
        gate.addAll(waiting);
        return;
      }
    }
    if (pendingMove != null) loop.execute(pendingMove);
  }

  // ---- receiving handles ----

  /** A handle the peer passed arrived (loop thread): delivered in order with the data. */
  private void onHandleArrived(HandleBase h) {
    if (!isOpen() && !isMoved()) {
      h.close(); // nobody would own it
      return;
    }
    if (reading && held == null && isOpen()) {
      try {
        deliverHandle(readHandler, h);
      } catch (Throwable t) {
        loop.report(this, t);
      }
    } else {
      if (held == null) held = new ArrayDeque<>();
      held.add(h);
    }
  }

  @Override
  void deliverHandle(ReadHandler handler, HandleBase h) {
    if (handler instanceof PipeReadHandler) ((PipeReadHandler) handler).onHandle(this, h);
    else h.close(); // nobody takes it
  }

  /** Wraps a received handle in the object of its type; one case per type that can be passed. */
  private HandleBase received(int type, long token) {
    switch (type) {
      case TYPE_TCP_STREAM:
        return TcpStream.accepted(loop, token, TcpStream.Options.defaults());
      case TYPE_PIPE_STREAM:
        return wrap(loop, token, Options.defaults());
      case TYPE_UDP:
        return UdpPassing.received(loop, token);
      default:
        return null;
    }
  }

  @Override
  void onEvent(int kind, int result, long aux, int offset, int length) {
    if (kind == EV_HANDLE) {
      HandleBase h = result > 0 ? received(result, aux) : null;
      if (h != null) {
        onHandleArrived(h);
        return;
      }
      if (result > 0) HandleNative.close(loop.ptr(), aux, false); // a type Java cannot wrap
      loop.report(this, Errors.exception(result > 0 ? Errors.EOPNOTSUPP : result,
          "recvmsg", remoteAddress));
      return;
    }
    if (kind == EV_CONNECT) {
      if (!connecting) return;
      connecting = false;
      IOException error;
      if (!isOpen() && !isMoved()) {
        error = new OperationCanceledException("connect"); // closed before it was delivered
      } else if (result == 0) {
        localAddress = fetchAddress(false);
        error = null;
      } else {
        error = Errors.exception(result, "connect", remoteAddress);
      }
      finishConnect(error);
      return;
    }
    super.onEvent(kind, result, aux, offset, length);
  }

  private void finishConnect(IOException error) {
    PipeConnectHandler h = connectHandler;
    connectHandler = null;
    connectFinished(error);
    updateActive();
    if (h != null) {
      try {
        h.onConnect(this, error);
      } catch (Throwable t) {
        loop.report(this, t);
      }
    }
  }

  @Override
  boolean isActive() {
    return connecting || !pendingSends.isEmpty() || super.isActive();
  }

  @Override
  String typeName() {
    return "PipeStream";
  }

  // ---- moving ownership ----

  @Override
  StreamBase newOwner(EventLoop loop, long token) {
    Options o = options.copy();
    return new PipeStream(loop, token, o);
  }

  @Override
  void inheritFrom(StreamBase old) {
    PipeStream o = (PipeStream) old;
    socket = o.socket;
    if (o.connecting) {
      connecting = true;
      connectHandler = o.connectHandler;
      o.connecting = false;
      o.connectHandler = null;
    }
    pendingSends = o.pendingSends; // sends waiting for their fd complete on the new owner's behalf
    o.pendingSends = new ArrayList<>(0);
  }

  @Override
  public PipeStream transfer() throws HandleClosedException {
    return (PipeStream) transferSameLoop();
  }

  /**
   * Moves the pipe to another loop. This object is stale at once (reason {@code MOVED}); once the
   * pipe has no queued write, connect, shutdown or handle send and no undelivered event, its fd
   * leaves this loop without being closed and onArrival receives the new owner on target's
   * thread. Data read but not yet consumed travels with it. If target closes before the pipe
   * arrives, the fd is closed.
   *
   * @param target the loop that will own the pipe
   * @param onArrival receives the new owner on target's loop thread
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if target is closed
   * @throws HandleClosedException if this pipe is already closed or moved
   */
  public void transferTo(EventLoop target, java.util.function.Consumer<PipeStream> onArrival)
      throws HandleClosedException {
    if (target == loop) {
      Objects.requireNonNull(onArrival, "onArrival");
      PipeStream moved = transfer();
      target.execute(() -> onArrival.accept(moved));
      return;
    }
    transferToLoop(target, onArrival);
  }

  @Override
  void onClosed() {
    super.onClosed(); // writes queued natively complete first, as canceled
    for (PendingSend ps : new ArrayList<>(pendingSends)) {
      finishSend(ps, new OperationCanceledException("send"));
    }
    releaseSubmissions(); // what waited behind a send now completes as canceled
    if (connecting) {
      connecting = false;
      finishConnect(new OperationCanceledException("connect"));
    }
  }
}
