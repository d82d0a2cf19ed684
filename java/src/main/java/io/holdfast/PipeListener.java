package io.holdfast;

import io.holdfast.internal.Errors;
import io.holdfast.internal.PipeNative;
import io.holdfast.internal.jfr.Jfr;
import io.holdfast.internal.jfr.JfrEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening Unix-domain socket, on a filesystem path or a Linux abstract name ({@code @name}:
 * see {@link PipeAddress}). {@link #bind} creates and binds it; {@link #listen} starts accepting.
 * Accepted streams are not reading until their handler calls {@link Stream#readStart}.
 *
 * <p>Socket files: a path that exists is {@code EADDRINUSE} ({@link java.net.BindException}), even
 * when it was left by a process that died, unless {@link Options#replaceStale} asks for it to be
 * replaced: then a connect probes it, and only a socket file nobody listens on is unlinked (a live
 * listener sees the probe as a connection that closes at once). Closing does not remove the file
 * unless {@link Options#unlinkOnClose} is set or {@link #closeAndUnlink()} is called; the file is
 * removed only while it is still the one this listener created.
 *
 * <p>Thread-safety: any method from any thread; callbacks on the loop thread. Closing the listener
 * stops accepting; streams already accepted are unaffected.
 */
public final class PipeListener extends HandleBase {
  /** Listener options. Not thread-safe; copied when used. */
  public static final class Options {
    int backlog = 511;
    boolean readableByAll;
    boolean writableByAll;
    boolean replaceStale;
    boolean unlinkOnClose;
    PipeStream.Options streamOptions = PipeStream.Options.defaults();

    /** @return options with the defaults (backlog 511, nothing else) */
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
     * Makes the socket file readable by everyone after bind (filesystem paths only).
     *
     * @param on whether to add read permission for all
     * @return this
     */
    public Options readableByAll(boolean on) {
      readableByAll = on;
      return this;
    }

    /**
     * Makes the socket file writable by everyone after bind, so any user may connect (connecting
     * needs write permission). Filesystem paths only. With {@link #readableByAll} the file is
     * {@code 0666} at least.
     *
     * @param on whether to add write permission for all
     * @return this
     */
    public Options writableByAll(boolean on) {
      writableByAll = on;
      return this;
    }

    /**
     * Replaces a socket file nobody listens on (left by a process that died) instead of failing
     * with {@code EADDRINUSE}. A file that is no socket, or one a live process listens on, is
     * never replaced.
     *
     * @param on whether to replace a stale socket file
     * @return this
     */
    public Options replaceStale(boolean on) {
      replaceStale = on;
      return this;
    }

    /**
     * Removes the socket file when the listener closes (also when its loop closes).
     *
     * @param on whether close unlinks the file
     * @return this
     */
    public Options unlinkOnClose(boolean on) {
      unlinkOnClose = on;
      return this;
    }

    /**
     * @param options options applied to every accepted stream
     * @return this
     * @throws NullPointerException if options is null
     */
    public Options streamOptions(PipeStream.Options options) {
      streamOptions = Objects.requireNonNull(options, "options").copy();
      return this;
    }

    Options copy() {
      Options o = new Options();
      o.backlog = backlog;
      o.readableByAll = readableByAll;
      o.writableByAll = writableByAll;
      o.replaceStale = replaceStale;
      o.unlinkOnClose = unlinkOnClose;
      o.streamOptions = streamOptions.copy();
      return o;
    }
  }

  private final Options options;
  private final PipeAddress localAddress;
  private final Object fileKey; // identity of the socket file we created, null for abstract names
  private final AtomicBoolean unlinked = new AtomicBoolean();
  private volatile boolean listening;
  private volatile long connectionCount;
  private PipeConnectionHandler handler;

  private PipeListener(EventLoop loop, long token, Options options, PipeAddress local,
      Object fileKey) {
    super(loop, token);
    this.options = options;
    this.localAddress = local;
    this.fileKey = fileKey;
  }

  /**
   * Creates a socket bound to a path, or to an abstract name written {@code @name}.
   *
   * @param loop the owning loop
   * @param address a path, or {@code @name}
   * @return the bound listener, not yet listening
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the address is empty or too long
   * @throws java.net.BindException if the address is in use ({@code EADDRINUSE}) or the directory
   *     is not writable ({@code EACCES})
   * @throws IOException for other kernel errors (e.g. {@code ENOENT}: no such directory)
   */
  public static PipeListener bind(EventLoop loop, String address) throws IOException {
    Objects.requireNonNull(address, "address");
    return bind(loop, PipeAddress.of(address), Options.defaults());
  }

  /**
   * Creates a bound socket with options; see {@link #bind(EventLoop, String)}.
   *
   * @param loop the owning loop
   * @param address the address to bind
   * @param options backlog, permissions, stale-file handling, options of accepted streams
   * @return the bound listener, not yet listening
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if permissions are asked for an abstract name
   * @throws java.net.BindException if the address is in use ({@code EADDRINUSE}) or the directory
   *     is not writable ({@code EACCES})
   * @throws IOException for other kernel errors
   */
  public static PipeListener bind(EventLoop loop, PipeAddress address, Options options)
      throws IOException {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(address, "address");
    Options opts = Objects.requireNonNull(options, "options").copy();
    if (address.isAbstract() && (opts.readableByAll || opts.writableByAll)) {
      throw new IllegalArgumentException("an abstract name has no file to set permissions on: "
          + address);
    }
    int flags = (opts.replaceStale ? PipeNative.REPLACE_STALE : 0)
        | (opts.readableByAll ? PipeNative.READABLE : 0)
        | (opts.writableByAll ? PipeNative.WRITABLE : 0);
    return Handles.call(loop, () -> {
      int len = address.encode(loop.scratch());
      long rc = PipeNative.bind(loop.ptr(), loop.scratchAddress(), len, flags);
      if (rc < 0) throw Errors.exception((int) rc, "bind", address);
      return new PipeListener(loop, rc, opts, address, fileKey(address));
    });
  }

  private static Object fileKey(PipeAddress address) {
    if (address.isAbstract()) return null;
    try {
      return Files.readAttributes(address.path(), BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (IOException e) {
      return null; // unknown: the file will not be unlinked
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
  public void listen(PipeConnectionHandler handler) throws IOException {
    Objects.requireNonNull(handler, "handler");
    checkOpen();
    Handles.call(loop, () -> {
      checkOpen();
      if (listening) throw new IllegalStateException("already listening");
      check(PipeNative.listen(loop.ptr(), token, options.backlog), "listen");
      this.handler = handler;
      listening = true;
      updateActive();
      return null;
    });
  }

  /** @return the bound address; readable after close */
  public PipeAddress localAddress() {
    return localAddress;
  }

  /** @return connections accepted and handed to the handler so far */
  public long connectionCount() {
    return connectionCount;
  }

  /** @return whether the listener is accepting */
  public boolean isListening() {
    return listening && isOpen();
  }

  /**
   * Closes the listener and removes its socket file (if it is still the file this listener
   * created; an abstract name has none). The file is gone when this returns. Idempotent.
   */
  public void closeAndUnlink() {
    if (isOpen()) unlink();
    close();
  }

  /** Closes the listener; with {@link Options#unlinkOnClose} its socket file is removed first. */
  @Override
  public void close() {
    if (options.unlinkOnClose && isOpen()) unlink();
    super.close();
  }

  private void unlink() {
    if (fileKey == null || !unlinked.compareAndSet(false, true)) return;
    Path path = localAddress.path();
    try {
      Object now = Files.readAttributes(path, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS).fileKey();
      if (fileKey.equals(now)) Files.deleteIfExists(path); // not a file someone else made since
    } catch (IOException e) {
      // gone already, or not ours to remove
    }
  }

  @Override
  java.net.SocketAddress infoLocalAddress() {
    return localAddress;
  }

  @Override
  String typeName() {
    return "PipeListener";
  }

  @Override
  boolean isActive() {
    return listening;
  }

  @Override
  void onEvent(int kind, int result, long aux, int offset, int length) {
    if (kind != EV_ACCEPT) return;
    if (result == 0) {
      PipeStream s = PipeStream.wrap(loop, aux, options.streamOptions);
      if (!isOpen()) {
        s.close(); // accepted in the same batch as our close: nobody would own it
        return;
      }
      connectionCount++;
      if (Jfr.AVAILABLE) {
        JfrEvents.accept("PipeListener", token, localAddress, s.token, s.remoteAddress, null);
      }
      try {
        handler.onConnection(s);
      } catch (Throwable t) {
        loop.report(this, t);
      }
      return;
    }
    IOException error = Errors.exception(result, "accept", localAddress);
    if (Jfr.AVAILABLE) JfrEvents.accept("PipeListener", token, localAddress, 0, null, error);
    try {
      handler.onAcceptError(this, error);
    } catch (Throwable t) {
      loop.report(this, t);
    }
  }

  @Override
  void onClosed() {
    listening = false;
    if (options.unlinkOnClose) unlink(); // also when the loop closed the listener
  }
}
