package io.holdfast.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/** Plain java.nio: one Selector per thread; the first server loop accepts, round robin over all. */
final class NioTransport implements Transport {
  private final Completion done = new Completion();
  private final List<NioLoop> servers = new ArrayList<>();
  private final List<NioLoop> clients = new ArrayList<>();
  private final List<Client> connections = new ArrayList<>();
  private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
  private ServerSocketChannel listener;
  private ServerKind kind;
  private long received; // server loop only (one server loop for streaming)
  private volatile long target;
  private long signalled;
  private final WakeTask wakeTask = new WakeTask();

  @Override
  public void start(ServerKind kind, int serverLoops, int clientLoops, int count) throws Exception {
    this.kind = kind;
    for (int i = 0; i < serverLoops; i++) servers.add(new NioLoop("nio-server-" + i));
    for (int i = 0; i < clientLoops; i++) clients.add(new NioLoop("nio-client-" + i));
    listener = ServerSocketChannel.open();
    listener.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
    listener.configureBlocking(false);
    NioLoop acceptor = servers.get(0);
    Acceptor a = new Acceptor();
    onLoop(acceptor, () -> listener.register(acceptor.selector, SelectionKey.OP_ACCEPT, a));
    for (int i = 0; i < count; i++) {
      SocketChannel ch = SocketChannel.open(listener.getLocalAddress());
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.configureBlocking(false);
      NioLoop loop = clients.get(i % clientLoops);
      Client c = new Client(ch, loop);
      onLoop(loop, () -> c.key = ch.register(loop.selector, SelectionKey.OP_READ, c));
      connections.add(c);
    }
  }

  private interface LoopAction {
    void run() throws IOException;
  }

  /** Runs action on loop and waits for it (registration must happen on the selecting thread). */
  private void onLoop(NioLoop loop, LoopAction action) throws Exception {
    done.reset(1);
    loop.execute(() -> {
      try {
        action.run();
        done.countDown();
      } catch (IOException e) {
        done.fail(e);
      }
    });
    done.await();
  }

  private final class Acceptor implements NioLoop.Ready {
    private int next;

    @Override
    public void ready(SelectionKey key) throws IOException {
      SocketChannel ch;
      while ((ch = listener.accept()) != null) {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.configureBlocking(false);
        NioLoop loop = servers.get(next++ % servers.size());
        SocketChannel accepted = ch;
        NioLoop.Ready handler = kind == ServerKind.SINK ? new Sink(accepted) : new Echo(accepted);
        if (loop.inLoop()) {
          accepted.register(loop.selector, SelectionKey.OP_READ, handler);
        } else {
          loop.execute(() -> {
            try {
              accepted.register(loop.selector, SelectionKey.OP_READ, handler);
            } catch (IOException e) {
              NioLoop.closeQuietly(accepted);
            }
          });
        }
      }
    }
  }

  private static final class Echo implements NioLoop.Ready {
    private final SocketChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);

    Echo(SocketChannel ch) {
      this.ch = ch;
    }

    @Override
    public void ready(SelectionKey key) throws IOException {
      buf.clear();
      if (ch.read(buf) < 0) {
        NioLoop.closeQuietly(key);
        return;
      }
      buf.flip();
      // Small messages: the socket buffer takes them whole; bounded in case it does not.
      for (int i = 0; buf.hasRemaining() && i < 1000; i++) ch.write(buf);
    }
  }

  private final class Sink implements NioLoop.Ready {
    private final SocketChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);

    Sink(SocketChannel ch) {
      this.ch = ch;
    }

    @Override
    public void ready(SelectionKey key) throws IOException {
      buf.clear();
      int n = ch.read(buf);
      if (n < 0) {
        NioLoop.closeQuietly(key);
        return;
      }
      received += n;
      long t = target;
      if (received >= t && signalled < t) {
        signalled = t;
        done.countDown();
      }
    }
  }

  private final class Client implements NioLoop.Ready {
    final SocketChannel ch;
    final NioLoop loop;
    SelectionKey key;
    private ByteBuffer message;
    private final ByteBuffer in = ByteBuffer.allocateDirect(CHUNK);
    private final ByteBuffer out = chunk.duplicate();
    private int got;
    private int tripsLeft;
    private int chunksLeft;

    Client(SocketChannel ch, NioLoop loop) {
      this.ch = ch;
      this.loop = loop;
    }

    void startTrips(int size, int trips) {
      if (message == null || message.capacity() != size) message = Message.direct(size);
      tripsLeft = trips;
      send();
    }

    private void send() {
      got = 0;
      message.rewind();
      try {
        for (int i = 0; message.hasRemaining() && i < 1000; i++) ch.write(message);
      } catch (IOException e) {
        done.fail(e);
      }
    }

    @Override
    public void ready(SelectionKey key) throws IOException {
      if (key.isWritable()) pump();
      if (!key.isValid() || !key.isReadable()) return;
      in.clear();
      int n = ch.read(in);
      if (n < 0) {
        done.fail(new IOException("server closed the connection"));
        return;
      }
      if (message == null) return;
      in.flip();
      Message.check(in, got);
      got += n;
      if (got < message.capacity()) return;
      if (--tripsLeft > 0) send();
      else done.countDown();
    }

    void startChunks(int chunks) {
      chunksLeft += chunks;
      pump();
    }

    /** Writes straight to the socket; when it is full, waits for OP_WRITE. */
    void pump() {
      try {
        while (chunksLeft > 0) {
          ch.write(out);
          if (out.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            return;
          }
          out.clear();
          chunksLeft--;
        }
        key.interestOps(SelectionKey.OP_READ);
      } catch (IOException e) {
        done.fail(e);
      }
    }
  }

  @Override
  public void pingPong(int size, int roundTrips) throws Exception {
    done.reset(connections.size());
    for (Client c : connections) c.loop.execute(() -> c.startTrips(size, roundTrips));
    done.await();
  }

  @Override
  public void stream(int chunks) throws Exception {
    done.reset(1);
    target += (long) chunks * CHUNK * connections.size();
    for (Client c : connections) c.loop.execute(() -> c.startChunks(chunks));
    done.await();
  }

  private NioChurn churnState;

  @Override
  public void churn(int count) throws Exception {
    NioLoop loop = clients.get(0);
    if (churnState == null) churnState = new NioChurn(loop, done);
    done.reset(count);
    loop.execute(() -> churnState.start(count));
    done.await();
  }

  @Override
  public void wakeUp() throws Exception {
    wakeTask.runOn(clients.get(0));
  }

  private static final class WakeTask implements Runnable {
    private volatile long ran;
    private long posted;

    @Override
    public void run() {
      ran++; // only the loop thread writes it
    }

    void runOn(NioLoop loop) throws Exception {
      long want = ++posted;
      loop.execute(this);
      Spin.until(() -> ran == want);
    }
  }

  @Override
  public void close() throws Exception {
    for (NioLoop l : clients) l.close();
    for (NioLoop l : servers) l.close();
    if (listener != null) listener.close();
    for (Client c : connections) c.ch.close();
  }
}
