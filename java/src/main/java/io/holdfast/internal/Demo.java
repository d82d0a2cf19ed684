package io.holdfast.internal;

import io.holdfast.EventLoop;
import io.holdfast.LoopGroup;
import io.holdfast.Stream;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The main job: an echo server and ping-pong clients on loopback, reporting round trips/s, MB/s and
 * latency percentiles. {@code demo} runs both halves in one process (each on its own loop thread);
 * {@code echo-server} and {@code echo-client} run them separately.
 */
public final class Demo {
  private Demo() {}

  /** Parsed command-line options shared by the three commands. */
  static final class Args {
    String host = "127.0.0.1";
    int port;
    int seconds = 5;
    int clients = 4;
    int size = 64;
    int loops = 1;

    static Args parse(String[] argv) {
      Args a = new Args();
      for (int i = 0; i < argv.length; i++) {
        String flag = argv[i];
        if (i + 1 >= argv.length) throw new IllegalArgumentException(flag + " needs a value");
        String v = argv[++i];
        switch (flag) {
          case "--host": a.host = v; break;
          case "--port": a.port = intArg(flag, v, 0, 65535); break;
          case "--seconds": a.seconds = intArg(flag, v, 1, 3600); break;
          case "--clients": a.clients = intArg(flag, v, 1, 10_000); break;
          case "--size": a.size = intArg(flag, v, 1, 16 * 1024 * 1024); break;
          case "--loops": a.loops = intArg(flag, v, 1, 256); break;
          default: throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      return a;
    }

    private static int intArg(String flag, String v, int min, int max) {
      int n;
      try {
        n = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " takes a number, got " + v);
      }
      if (n < min || n > max) {
        throw new IllegalArgumentException(flag + " must be in " + min + ".." + max + ", got " + n);
      }
      return n;
    }
  }

  /**
   * Runs a demo command.
   *
   * @param command {@code demo}, {@code echo-server} or {@code echo-client}
   * @param argv its options
   * @return the process exit status
   * @throws Exception if the network fails
   */
  public static int run(String command, String[] argv) throws Exception {
    Args args;
    try {
      args = Args.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println(command + ": " + e.getMessage());
      System.err.println("usage: demo [--seconds N] [--clients N] [--size BYTES] [--loops N]\n"
          + "       echo-server [--host H] --port N [--loops N]\n"
          + "       echo-client [--host H] --port N [--seconds N] [--clients N] [--size BYTES]");
      return 2;
    }
    switch (command) {
      case "demo": {
        try (LoopGroup server = LoopGroup.create(args.loops, "holdfast-echo-server")) {
          InetSocketAddress bound = startServer(server, new InetSocketAddress(args.host, 0));
          System.out.println("echo server on " + bound + " (" + args.loops + " loop"
              + (args.loops == 1 ? "" : "s, SO_REUSEPORT") + ", "
              + server.loops().get(0).backend() + "), " + args.clients + " clients, "
              + args.size + "-byte messages, " + args.seconds + " s");
          return runClients(bound, args, System.out);
        }
      }
      case "echo-server": {
        LoopGroup server = LoopGroup.create(args.loops, "holdfast-echo-server");
        InetSocketAddress bound = startServer(server, new InetSocketAddress(args.host, args.port));
        System.out.println("echo server listening on " + bound + " with " + args.loops
            + " loop(s); Ctrl-C stops it");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        for (Thread t : Thread.getAllStackTraces().keySet()) {
          if (t.getName().startsWith("holdfast-echo-server")) t.join();
        }
        return 0;
      }
      case "echo-client":
        if (args.port == 0) {
          System.err.println("echo-client: --port is required");
          return 2;
        }
        return runClients(new InetSocketAddress(args.host, args.port), args, System.out);
      default:
        System.err.println("unknown command " + command);
        return 2;
    }
  }

  /** Starts an echo server on every loop of group (SO_REUSEPORT); returns its address. */
  static InetSocketAddress startServer(LoopGroup group, InetSocketAddress address)
      throws IOException {
    List<TcpListener> listeners = group.listenReusePort(address, TcpListener.Options.defaults(),
        stream -> {
          ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
          stream.tryReadStart((s, data) -> echo(s, data, spare));
        });
    return listeners.get(0).localAddress();
  }

  private static void echo(Stream s, ByteBuffer data, ArrayDeque<ByteBuffer> spare) {
    ByteBuffer copy = spare.poll();
    if (copy == null || copy.capacity() < data.remaining()) {
      copy = ByteBuffer.allocateDirect(Math.max(data.remaining(), 16 * 1024));
    }
    copy.clear();
    copy.put(data).flip();
    ByteBuffer out = copy;
    try {
      if (!s.write(out, err -> spare.push(out))) {
        // The peer is slow: stop reading until our queue drains (backpressure end to end).
        s.readStop();
        s.onDrain(() -> s.tryReadStart((st, d) -> echo(st, d, spare)));
      }
    } catch (IOException e) {
      s.close();
    }
  }

  /** One ping-pong client connection. */
  private static final class Client {
    final ByteBuffer message;
    final long[] samples;
    int sampleCount;
    long received;
    long sentAt;
    long roundTrips;
    TcpStream stream;

    Client(int size, int maxSamples) {
      message = ByteBuffer.allocateDirect(size);
      for (int i = 0; i < size; i++) message.put(i, (byte) i);
      samples = new long[maxSamples];
    }

    void send() {
      sentAt = System.nanoTime();
      try {
        stream.write(message, null);
      } catch (IOException e) {
        stream.close();
      }
    }

    void onData(ByteBuffer data, int size, AtomicLong total) {
      received += data.remaining();
      total.addAndGet(data.remaining());
      while (received >= size) {
        received -= size;
        long rtt = System.nanoTime() - sentAt;
        if (sampleCount < samples.length) samples[sampleCount++] = rtt;
        roundTrips++;
        if (received == 0) send();
      }
    }
  }

  /** Runs ping-pong clients for the configured time and prints the results. */
  static int runClients(InetSocketAddress server, Args args, PrintStream out) throws Exception {
    EventLoop loop = EventLoop.create();
    List<Client> clients = new ArrayList<>();
    AtomicLong bytes = new AtomicLong();
    CountDownLatch connected = new CountDownLatch(args.clients);
    List<String> errors = new ArrayList<>();
    try {
      loop.start("holdfast-echo-client");
      for (int i = 0; i < args.clients; i++) {
        Client c = new Client(args.size, 2_000_000 / args.clients);
        clients.add(c);
        TcpStream.connect(loop, server, (s, err) -> {
          c.stream = s;
          if (err != null) {
            synchronized (errors) {
              errors.add(err.toString());
            }
            s.close();
          } else {
            s.tryReadStart((st, data) -> c.onData(data, args.size, bytes));
            c.send();
          }
          connected.countDown();
        });
      }
      if (!connected.await(10, TimeUnit.SECONDS) || !errors.isEmpty()) {
        out.println("connect failed: " + errors);
        return 1;
      }
      long start = System.nanoTime();
      long lastTrips = 0;
      for (int s = 1; s <= args.seconds; s++) {
        Thread.sleep(Math.max(0, start + s * 1_000_000_000L - System.nanoTime()) / 1_000_000);
        long trips = totalTrips(clients);
        out.printf("[%ds] %,d round trips/s%n", s, trips - lastTrips);
        lastTrips = trips;
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      loop.close();
      long trips = totalTrips(clients);
      long[] all = mergeSamples(clients);
      out.printf("round trips/s: %,.0f%n", trips / elapsed);
      out.printf("throughput: %.2f MB/s each way%n", bytes.get() / elapsed / 1e6);
      out.printf("latency: p50 %.1f us, p99 %.1f us (%,d samples)%n",
          percentile(all, 0.50) / 1e3, percentile(all, 0.99) / 1e3, all.length);
      return trips > 0 ? 0 : 1;
    } finally {
      loop.close();
    }
  }

  private static long totalTrips(List<Client> clients) {
    long n = 0;
    for (Client c : clients) n += c.roundTrips; // racy read of a counter: fine for progress
    return n;
  }

  private static long[] mergeSamples(List<Client> clients) {
    int n = 0;
    for (Client c : clients) n += c.sampleCount;
    long[] all = new long[n];
    int at = 0;
    for (Client c : clients) {
      System.arraycopy(c.samples, 0, all, at, c.sampleCount);
      at += c.sampleCount;
    }
    Arrays.sort(all);
    return all;
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) return 0;
    return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
  }
}
