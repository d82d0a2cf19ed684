package io.holdfast.bench;

import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.LoopGroup;
import io.holdfast.ReadHandler;
import io.holdfast.Stream;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Holdfast: TcpListener and TcpStream on LoopGroups (listenAndDistribute for several loops). */
final class HoldfastTransport implements Transport {
  private final Completion done = new Completion();
  private LoopGroup servers;
  private LoopGroup clients;
  private final List<Client> connections = new ArrayList<>();
  private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
  private InetSocketAddress address;
  private Sink sink;
  private final Churn churn = new Churn();
  private final WakeTask wakeTask = new WakeTask();

  @Override
  public void start(ServerKind kind, int serverLoops, int clientLoops, int count) throws Exception {
    servers = LoopGroup.create(serverLoops, "hf-server");
    clients = LoopGroup.create(clientLoops, "hf-client");
    sink = kind == ServerKind.SINK ? new Sink() : null;
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    TcpListener listener;
    if (serverLoops == 1) {
      listener = TcpListener.bind(servers.loops().get(0), any);
      listener.listen(this::accepted);
    } else {
      listener = servers.listenAndDistribute(any, TcpListener.Options.defaults(), this::accepted);
    }
    address = listener.localAddress();
    for (int i = 0; i < count; i++) {
      CompletableFuture<TcpStream> connected = new CompletableFuture<>();
      TcpStream.connect(clients.loops().get(i % clientLoops), address, (s, error) -> {
        if (error != null) connected.completeExceptionally(error);
        else connected.complete(s);
      });
      Client c = new Client(connected.get(10, TimeUnit.SECONDS));
      c.stream.readStart(c);
      c.stream.onDrain(c::pump);
      connections.add(c);
    }
  }

  private void accepted(TcpStream s) {
    s.tryReadStart(sink != null ? sink : new Echo());
  }

  /** Copies what it reads into its own buffer (the read view is only valid in the callback). */
  private static final class Echo implements ReadHandler {
    private final ByteBuffer copy = ByteBuffer.allocateDirect(CHUNK);

    @Override
    public void onData(Stream s, ByteBuffer data) {
      copy.clear();
      copy.put(data).flip();
      try {
        s.write(copy, null);
      } catch (HandleClosedException e) {
        // the benchmark is tearing down
      }
    }
  }

  /** Counts bytes on the server loop; signals when the batch's target arrived. */
  private final class Sink implements ReadHandler {
    private long received; // server loop only (one server loop for streaming)
    volatile long target;
    private long signalled;

    @Override
    public void onData(Stream s, ByteBuffer data) {
      received += data.remaining();
      long t = target;
      if (received >= t && signalled < t) {
        signalled = t;
        done.countDown();
      }
    }
  }

  private final class Client implements ReadHandler {
    final TcpStream stream;
    private final ByteBuffer message = ByteBuffer.allocateDirect(CHUNK);
    private int size;
    private int got;
    private int tripsLeft;
    private int chunksLeft;

    Client(TcpStream stream) {
      this.stream = stream;
    }

    void startTrips(int messageSize, int trips) {
      if (message.capacity() < messageSize) throw new IllegalArgumentException("message too big");
      size = messageSize;
      message.clear();
      for (int i = 0; i < size; i++) message.put(Message.byteAt(i));
      message.flip();
      tripsLeft = trips;
      send();
    }

    private void send() {
      got = 0;
      try {
        stream.write(message, null);
      } catch (HandleClosedException e) {
        done.fail(e);
      }
    }

    @Override
    public void onData(Stream s, ByteBuffer data) {
      Message.check(data, got);
      got += data.remaining();
      if (got < size) return;
      if (--tripsLeft > 0) send();
      else done.countDown();
    }

    @Override
    public void onError(Stream s, IOException error) {
      done.fail(error);
    }

    void startChunks(int chunks) {
      chunksLeft += chunks;
      pump();
    }

    /** Writes until the queue passes high water; onDrain comes back here. */
    void pump() {
      try {
        while (chunksLeft > 0) {
          chunksLeft--;
          if (!stream.write(chunk, null)) return;
        }
      } catch (HandleClosedException e) {
        done.fail(e);
      }
    }
  }

  @Override
  public void pingPong(int size, int roundTrips) throws Exception {
    done.reset(connections.size());
    for (Client c : connections) c.stream.loop().execute(() -> c.startTrips(size, roundTrips));
    done.await();
  }

  @Override
  public void stream(int chunks) throws Exception {
    done.reset(1);
    sink.target += (long) chunks * CHUNK * connections.size();
    for (Client c : connections) c.stream.loop().execute(() -> c.startChunks(chunks));
    done.await();
  }

  /** Listener and clients on one loop: every accept closes and starts the next connect. */
  private final class Churn {
    private TcpListener listener;
    private int toStart;

    void start(EventLoop loop, int count) throws IOException {
      if (listener == null) {
        listener = TcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
        listener.listen(s -> {
          s.close();
          connectNext(loop);
          done.countDown();
        });
      }
      toStart = count;
      for (int i = 0; i < CHURN_WINDOW; i++) connectNext(loop);
    }

    private void connectNext(EventLoop loop) {
      if (toStart == 0) return;
      toStart--;
      try {
        TcpStream.connect(loop, listener.localAddress(), (s, error) -> {
          s.close();
          if (error != null) done.fail(error);
        });
      } catch (IOException e) {
        done.fail(e);
      }
    }
  }

  @Override
  public void churn(int count) throws Exception {
    done.reset(count);
    EventLoop loop = clients.loops().get(0);
    loop.execute(() -> {
      try {
        churn.start(loop, count);
      } catch (IOException e) {
        done.fail(e);
      }
    });
    done.await();
  }

  @Override
  public void wakeUp() throws Exception {
    wakeTask.runOn(clients.loops().get(0));
  }

  /** Posted to a sleeping loop; the poster spins (bounded) until it ran. */
  private static final class WakeTask implements Runnable {
    private volatile long ran;
    private long posted;

    @Override
    public void run() {
      ran++; // only the loop thread writes it
    }

    void runOn(EventLoop loop) throws Exception {
      long want = ++posted;
      loop.execute(this);
      Spin.until(() -> ran == want);
    }
  }

  @Override
  public void close() {
    if (clients != null) clients.close();
    if (servers != null) servers.close();
  }
}
