package io.holdfast.tls;

import io.holdfast.EventLoop;
import io.holdfast.ReadHandler;
import io.holdfast.Stream;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Shared pieces of the TLS tests: certificates made by keytool at test time (once per JVM),
 * contexts, a JDK TLS peer on plain threads, loopback connections and fd counting.
 */
final class TlsTestSupport {
  private TlsTestSupport() {}

  static final String HOST = "localhost";
  private static final char[] PASSWORD = "changeit".toCharArray();

  /** Key stores generated once: "server", "client" and an unrelated "rogue", all CN=localhost. */
  private static final class Certs {
    static final Path DIR = generate();

    private static Path generate() {
      try {
        Path dir = Files.createTempDirectory("holdfast-tls-test");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        List<Process> gens = new ArrayList<>();
        for (String alias : new String[] {"server", "rogue", "client"}) {
          gens.add(keytool(dir, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname",
              "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=" + HOST,
              "-ext", "SAN=dns:" + HOST + ",ip:127.0.0.1", "-validity", "2",
              "-keystore", alias + ".p12", "-storetype", "PKCS12",
              "-storepass", "changeit", "-keypass", "changeit"));
        }
        for (Process p : gens) finish(p);
        return dir;
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("cannot generate test certificates with keytool", e);
      }
    }

    private static Process keytool(Path dir, String... args) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
      cmd.add("-J-XX:TieredStopAtLevel=1"); // a short-lived JVM: C1 only starts much faster
      cmd.addAll(List.of(args));
      return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    private static void finish(Process p) throws IOException, InterruptedException {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool failed: " + new String(out));
      }
    }

    private static void deleteTree(Path dir) {
      try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (IOException e) {
        // best effort at exit
      }
    }
  }

  private static KeyStore load(String file) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Certs.DIR.resolve(file))) {
      ks.load(in, PASSWORD);
    }
    return ks;
  }

  /** A context with key (may be null) and trust (may be null) from the generated stores. */
  static SSLContext context(String keyAlias, String trustAlias) throws Exception {
    KeyManagerFactory kmf = null;
    if (keyAlias != null) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(keyAlias + ".p12"), PASSWORD);
    }
    TrustManagerFactory tmf = null;
    if (trustAlias != null) {
      // Trust exactly the certificate keytool generated for trustAlias.
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry(trustAlias, load(trustAlias + ".p12").getCertificate(trustAlias));
      tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(),
        tmf == null ? null : tmf.getTrustManagers(), null);
    return ctx;
  }

  /** The server's context (its key; trusts "client" for client authentication). */
  static SSLContext serverContext() throws Exception {
    return context("server", "client");
  }

  /** A client context that trusts the server. */
  static SSLContext clientContext() throws Exception {
    return context("client", "server");
  }

  static TlsOptions clientOptions() {
    return TlsOptions.defaults().serverName(HOST);
  }

  // ---- JDK peer ----

  /** A JDK TLS server socket on loopback, limited to protocols. */
  static SSLServerSocket jdkServer(SSLContext ctx, String... protocols) throws IOException {
    SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    if (protocols.length > 0) ss.setEnabledProtocols(protocols);
    ss.setSoTimeout(20_000);
    return ss;
  }

  /** A JDK TLS client socket to port (not yet handshaken), limited to protocols. */
  static SSLSocket jdkClient(SSLContext ctx, int port, String... protocols) throws IOException {
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(HOST, port);
    if (protocols.length > 0) s.setEnabledProtocols(protocols);
    s.setSoTimeout(20_000);
    return s;
  }

  /** Runs body on a new daemon thread; the future holds its result or failure. */
  static <T> CompletableFuture<T> peer(String name, ThrowingSupplier<T> body) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(body.get());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return f;
  }

  @FunctionalInterface
  interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) throw new IOException("EOF after " + b.length + " of " + n + " bytes");
    return b;
  }

  // ---- Holdfast side ----

  static TcpStream connect(EventLoop loop, int port) throws Exception {
    CompletableFuture<TcpStream> f = new CompletableFuture<>();
    TcpStream.connect(loop, new InetSocketAddress("127.0.0.1", port), (s, err) -> {
      if (err != null) f.completeExceptionally(err);
      else f.complete(s);
    });
    return f.get(10, TimeUnit.SECONDS);
  }

  static TcpStream connect(EventLoop loop, int port, TcpStream.Options options) throws Exception {
    CompletableFuture<TcpStream> f = new CompletableFuture<>();
    TcpStream.connect(loop, new InetSocketAddress("127.0.0.1", port), (s, err) -> {
      if (err != null) f.completeExceptionally(err);
      else f.complete(s);
    }, options);
    return f.get(10, TimeUnit.SECONDS);
  }

  /** A listener whose first accepted connection completes the future. */
  static TcpListener listen(EventLoop loop, CompletableFuture<TcpStream> accepted)
      throws IOException {
    TcpListener l = TcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
    l.listen(accepted::complete);
    return l;
  }

  /** Completes with the handshake, or exceptionally with its error. */
  static CompletableFuture<TlsHandshake> handshake(TlsStream s) {
    CompletableFuture<TlsHandshake> f = new CompletableFuture<>();
    s.onHandshake((stream, h, err) -> {
      if (err != null) f.completeExceptionally(err);
      else f.complete(h);
    });
    return f;
  }

  /** Waits for f to fail and returns its cause. */
  static Throwable awaitFailure(CompletableFuture<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("completed normally: " + f.get());
  }

  /** Collects what a stream reads; records end and error. */
  static final class Collector implements ReadHandler {
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    final CompletableFuture<Void> end = new CompletableFuture<>();
    final CompletableFuture<IOException> error = new CompletableFuture<>();
    volatile int callbacks;

    @Override
    public synchronized void onData(Stream stream, ByteBuffer b) {
      callbacks++;
      byte[] a = new byte[b.remaining()];
      b.get(a);
      data.write(a, 0, a.length);
    }

    @Override
    public void onEnd(Stream stream) {
      end.complete(null);
    }

    @Override
    public void onError(Stream stream, IOException e) {
      error.complete(e);
    }

    synchronized int size() {
      return data.size();
    }

    synchronized byte[] bytes() {
      return data.toByteArray();
    }
  }

  static void await(BooleanSupplier condition, long millis, String what)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(5);
    }
  }

  // ---- fds ----

  static int fdCount() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  /**
   * The fd count after a full TLS cycle (loop, connection, handshake with the JDK peer), so the
   * JVM's lazily opened fds are already counted.
   */
  static int baselineFdCount() throws Exception {
    SSLContext server = serverContext();
    try (EventLoop loop = EventLoop.create(); SSLServerSocket ss = jdkServer(server)) {
      loop.start("tls-fd-warm-up");
      CompletableFuture<Void> peer = peer("warm-up-peer", () -> {
        try (SSLSocket s = (SSLSocket) ss.accept()) {
          s.startHandshake();
          s.getOutputStream().write(1);
          s.getOutputStream().flush();
          s.getInputStream().read();
        } catch (IOException e) {
          // our side closes without close_notify: fine for a warm-up
        }
        return null;
      });
      TlsStream c = TlsStream.client(connect(loop, ss.getLocalPort()), clientContext(),
          clientOptions());
      Collector in = new Collector();
      c.readStart(in);
      await(() -> in.size() == 1, 30_000, "the warm-up byte");
      c.close();
      peer.get(10, TimeUnit.SECONDS);
    }
    return awaitFdCount(fdCount());
  }

  /** Fails if more fds are open than at baseline (fewer is not a leak: the JVM may close some). */
  static void assertNoFdLeak(int baseline, String what) throws InterruptedException {
    int n = awaitFdCount(baseline);
    if (n > baseline) throw new AssertionError(what + ": " + n + " fds open, baseline " + baseline);
  }

  /** Waits until the fd count is at most expected (closing happens on the loop thread). */
  static int awaitFdCount(int expected) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int n;
    while ((n = fdCount()) > expected && System.nanoTime() < until) Thread.sleep(10);
    return n;
  }

  static byte[] pattern(long seed, int size) {
    byte[] b = new byte[size];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }
}
