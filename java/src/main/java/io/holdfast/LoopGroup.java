package io.holdfast;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A group of event loops, each on its own named thread, to use every core.
 *
 * <p>Two ways to serve:
 *
 * <ul>
 *   <li>{@link #listenReusePort}: one listener per loop on the same port with {@code SO_REUSEPORT};
 *       the kernel spreads connections by a hash of their addresses. No hand-off cost and no
 *       acceptor bottleneck: choose it for many short connections.
 *   <li>{@link #listenAndDistribute}: one accepting loop moves each accepted stream to the next
 *       loop, round robin ({@link TcpStream#transferTo}: the acceptor's reference is stale at once,
 *       the worker owns the fd, no event is lost or duplicated). Spreads connections evenly even
 *       when few clients hash unevenly: choose it for few, long-lived connections.
 * </ul>
 *
 * <p>A callback that blocks stalls only its own loop; the other loops keep serving. Work from
 * other threads goes to a loop with {@link EventLoop#execute}.
 *
 * <p>Thread-safety: every method may be called from any thread. The group owns its loops;
 * {@link #shutdownGracefully} or {@link #close()} closes them and joins their threads.
 */
public final class LoopGroup implements AutoCloseable {
  private final List<EventLoop> loops;
  private final List<Thread> threads;
  private final AtomicInteger nextIndex = new AtomicInteger();
  private final List<TcpListener> listeners = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean shutDown;

  private LoopGroup(int n, String namePrefix) {
    List<EventLoop> ls = new ArrayList<>(n);
    List<Thread> ts = new ArrayList<>(n);
    try {
      for (int i = 0; i < n; i++) {
        EventLoop loop = EventLoop.create(namePrefix + "-" + i);
        ls.add(loop);
        ts.add(loop.start(namePrefix + "-" + i));
      }
    } catch (RuntimeException | Error e) {
      for (EventLoop loop : ls) loop.close();
      throw e;
    }
    loops = Collections.unmodifiableList(ls);
    threads = Collections.unmodifiableList(ts);
  }

  /**
   * Starts one loop per available processor.
   *
   * @return the running group
   * @throws UnsatisfiedLinkError if the native library cannot be loaded
   */
  public static LoopGroup create() {
    return create(Runtime.getRuntime().availableProcessors());
  }

  /**
   * Starts n loops on threads named {@code holdfast-loop-0..n-1}.
   *
   * @param n number of loops, 1 or more
   * @return the running group
   * @throws IllegalArgumentException if n is less than 1
   * @throws UnsatisfiedLinkError if the native library cannot be loaded
   */
  public static LoopGroup create(int n) {
    return create(n, "holdfast-loop");
  }

  /**
   * Starts n loops on threads named {@code namePrefix-0..n-1}.
   *
   * @param n number of loops, 1 or more
   * @param namePrefix thread name prefix
   * @return the running group
   * @throws IllegalArgumentException if n is less than 1
   * @throws NullPointerException if namePrefix is null
   * @throws UnsatisfiedLinkError if the native library cannot be loaded
   */
  public static LoopGroup create(int n, String namePrefix) {
    if (n < 1) throw new IllegalArgumentException("a group needs at least one loop, got " + n);
    Objects.requireNonNull(namePrefix, "namePrefix");
    return new LoopGroup(n, namePrefix);
  }

  /** @return the loops, in order */
  public List<EventLoop> loops() {
    return loops;
  }

  /** @return the number of loops */
  public int size() {
    return loops.size();
  }

  /**
   * Picks the next loop, round robin.
   *
   * @return a loop of this group
   * @throws IllegalStateException if the group was shut down
   */
  public EventLoop next() {
    if (shutDown) throw new IllegalStateException("loop group is shut down");
    return loops.get(Math.floorMod(nextIndex.getAndIncrement(), loops.size()));
  }

  /**
   * Serving mode (a): binds one listener per loop to the same address with {@code SO_REUSEPORT};
   * each accepted stream stays on the loop that accepted it. With port 0 the first listener's
   * ephemeral port is used for all.
   *
   * @param address where to listen
   * @param options listener options ({@code reusePort} is forced on)
   * @param handler receives each accepted stream on the loop that owns it
   * @return the listeners, one per loop
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the group was shut down
   * @throws IOException if binding or listening fails (every listener bound so far is closed)
   */
  public List<TcpListener> listenReusePort(InetSocketAddress address,
      TcpListener.Options options, ConnectionHandler handler) throws IOException {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    if (shutDown) throw new IllegalStateException("loop group is shut down");
    TcpListener.Options opts = options.copy().reusePort(true);
    List<TcpListener> bound = new ArrayList<>();
    try {
      InetSocketAddress at = address;
      for (EventLoop loop : loops) {
        TcpListener l = TcpListener.bind(loop, at, opts);
        bound.add(l);
        at = l.localAddress();
        l.listen(handler);
      }
    } catch (IOException | RuntimeException e) {
      for (TcpListener l : bound) l.close();
      throw e;
    }
    listeners.addAll(bound);
    return Collections.unmodifiableList(bound);
  }

  /**
   * Serving mode (b): one listener on the next loop accepts; each accepted stream moves to the
   * next loop of the group (round robin, the acceptor's own loop included) and handler receives it
   * there, on that loop's thread.
   *
   * @param address where to listen
   * @param options listener options
   * @param handler receives each stream on the loop it was moved to
   * @return the accepting listener
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the group was shut down
   * @throws IOException if binding or listening fails
   */
  public TcpListener listenAndDistribute(InetSocketAddress address, TcpListener.Options options,
      ConnectionHandler handler) throws IOException {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    EventLoop acceptor = next();
    TcpListener l = TcpListener.bind(acceptor, address, options);
    try {
      l.listen(new ConnectionHandler() {
        @Override
        public void onConnection(TcpStream stream) {
          EventLoop worker = shutDown ? acceptor : next();
          try {
            stream.transferTo(worker, handler::onConnection);
          } catch (HandleClosedException e) {
            // closed by someone else meanwhile: nothing to hand on
          }
        }

        @Override
        public void onAcceptError(TcpListener listener, IOException error) {
          handler.onAcceptError(listener, error);
        }
      });
    } catch (IOException | RuntimeException e) {
      l.close();
      throw e;
    }
    listeners.add(l);
    return l;
  }

  /**
   * Client side: connects from the next loop of the group.
   *
   * @param address where to connect
   * @param handler learns the outcome on the chosen loop
   * @return the connecting stream
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if address is unresolved
   * @throws IllegalStateException if the group was shut down
   * @throws IOException if the socket cannot be created
   */
  public TcpStream connect(InetSocketAddress address, ConnectHandler handler) throws IOException {
    return TcpStream.connect(next(), address, handler);
  }

  /**
   * Shuts the group down: stops accepting (closes the group's listeners), waits until every
   * stream's queued writes drained and no write was queued for quietMillis, or until timeoutMillis
   * passed, then closes every handle (pending writes complete as canceled, each callback once),
   * closes the loops and joins their threads. Idempotent.
   *
   * @param quietMillis how long the write queues must stay empty before closing
   * @param timeoutMillis the most this call waits for writes to drain
   * @return true if the writes drained in time, false if some were canceled
   * @throws IllegalArgumentException if a duration is negative or quietMillis exceeds timeoutMillis
   */
  public boolean shutdownGracefully(long quietMillis, long timeoutMillis) {
    if (quietMillis < 0 || timeoutMillis < 0 || quietMillis > timeoutMillis) {
      throw new IllegalArgumentException("need 0 <= quietMillis <= timeoutMillis, got "
          + quietMillis + " and " + timeoutMillis);
    }
    shutDown = true;
    synchronized (listeners) {
      for (TcpListener l : listeners) l.close();
      listeners.clear();
    }
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    long quietSince = -1;
    boolean drained = false;
    while (true) {
      long queued = 0;
      for (EventLoop loop : loops) {
        if (loop.isClosed()) continue;
        try {
          queued += loop.call(loop::queuedWriteBytes);
        } catch (Exception e) {
          // a loop that cannot answer is treated as drained; it is closed below
        }
      }
      long now = System.nanoTime();
      if (queued == 0) {
        if (quietSince < 0) quietSince = now;
        if (now - quietSince >= quietMillis * 1_000_000L) {
          drained = true;
          break;
        }
      } else {
        quietSince = -1;
      }
      if (now >= deadline) break;
      try {
        Thread.sleep(Math.max(1, Math.min(10, (deadline - now) / 1_000_000L)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
    return drained;
  }

  /**
   * Closes every loop at once (pending writes complete as canceled) and joins their threads.
   * Idempotent.
   */
  @Override
  public void close() {
    shutDown = true;
    synchronized (listeners) {
      for (TcpListener l : listeners) l.close();
      listeners.clear();
    }
    for (EventLoop loop : loops) loop.close();
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** @return true once the group was shut down */
  public boolean isShutdown() {
    return shutDown;
  }
}
