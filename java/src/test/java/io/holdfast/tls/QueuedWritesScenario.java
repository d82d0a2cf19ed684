package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The stall regression: our side has megabytes of writes queued (the JDK peer is not reading)
 * when the peer calls {@code startHandshake()} again: a renegotiation on TLS 1.2, a KeyUpdate on
 * TLS 1.3. The peer then reads everything; every queued write must complete.
 */
final class QueuedWritesScenario {
  private QueuedWritesScenario() {}

  static final int TOTAL = 4 * 1024 * 1024;
  static final int WRITE = 16 * 1024;
  private static final int SMALL_BUFFER = 16 * 1024;

  /** Facts the tests assert on. */
  record Outcome(int peerHandshakes, long postHandshakeMessages, long queuedWhenPeerActed) {}

  private static SSLSocket smallClient(int port, String protocol) throws Exception {
    SSLSocket s = (SSLSocket) TlsTestSupport.clientContext().getSocketFactory().createSocket();
    s.setReceiveBufferSize(SMALL_BUFFER);
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    s.setEnabledProtocols(new String[] {protocol});
    s.setSoTimeout(20_000);
    return s;
  }

  /**
   * Runs the scenario. With holdTasks, the engine's delegated task for the peer's handshake
   * message is held back while our writes are issued: the engine refuses application data then,
   * so the writes queue in the TLS stream while the transport is idle (no writability event
   * will ever come), which is where an implementation that retries only on writability stalls.
   */
  static Outcome run(boolean ourClient, String protocol, boolean holdTasks) throws Exception {
    byte[] data = TlsTestSupport.pattern(42, TOTAL);
    try (EventLoop loop = EventLoop.create()) {
      loop.start("tls-queued-" + protocol);
      CountDownLatch queued = new CountDownLatch(1);
      GatedExecutor tasks = new GatedExecutor();
      AtomicInteger peerHandshakes = new AtomicInteger();
      SSLServerSocket ss = ourClient
          ? TlsTestSupport.jdkServer(TlsTestSupport.serverContext(), protocol) : null;
      if (ss != null) ss.setReceiveBufferSize(SMALL_BUFFER); // inherited by accepted sockets
      TcpListener listener = null;
      CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
      if (!ourClient) listener = TlsTestSupport.listen(loop, accepted);
      int port = ourClient ? ss.getLocalPort() : listener.localAddress().getPort();
      CompletableFuture<byte[]> received = new CompletableFuture<>();
      CompletableFuture<Void> peer = TlsTestSupport.peer("jdk-peer", () -> {
        try (SSLSocket s = ourClient ? (SSLSocket) ss.accept() : smallClient(port, protocol)) {
          s.addHandshakeCompletedListener(e -> peerHandshakes.incrementAndGet());
          s.startHandshake();
          if (!queued.await(20, TimeUnit.SECONDS)) throw new IOException("never queued");
          s.startHandshake(); // renegotiation (TLS 1.2) or KeyUpdate (TLS 1.3)
          byte[] got = TlsTestSupport.readFully(s.getInputStream(), TOTAL);
          received.complete(got);
          s.getOutputStream().write('!'); // data flows our way afterwards
          s.getOutputStream().flush();
          // Reading on drives the rest of the peer's handshake until our answer to '!' arrives.
          if (s.getInputStream().read() != '?') throw new IOException("no answer");
          return null;
        }
      });
      TcpStream raw = ourClient ? TlsTestSupport.connect(loop, port)
          : accepted.get(10, TimeUnit.SECONDS);
      raw.setSendBufferSize(SMALL_BUFFER); // so that megabytes stay queued in the TLS stream
      TlsStream tls = ourClient
          ? TlsStream.client(raw, TlsTestSupport.clientContext(),
              TlsTestSupport.clientOptions().taskExecutor(tasks))
          : TlsStream.server(raw, TlsTestSupport.serverContext(),
              TlsOptions.defaults().taskExecutor(tasks));
      TlsHandshake h = TlsTestSupport.handshake(tls).get(10, TimeUnit.SECONDS);
      assertEquals(protocol, h.protocol());
      TlsTestSupport.Collector in = new TlsTestSupport.Collector();
      tls.readStart(in);

      if (holdTasks) {
        tasks.close();
        queued.countDown(); // the peer starts its handshake now
        TlsTestSupport.await(() -> tasks.heldCount() > 0, 10_000, "the engine's delegated task");
        assertEquals("TASK", tls.waitingFor());
      }
      AtomicInteger ok = new AtomicInteger();
      List<IOException> errors = new CopyOnWriteArrayList<>();
      for (int off = 0; off < TOTAL; off += WRITE) {
        tls.write(ByteBuffer.wrap(data, off, WRITE), err -> {
          if (err == null) ok.incrementAndGet();
          else errors.add(err);
        });
      }
      // Let the transport and the kernel fill up: what is left is queued in the TLS stream.
      Thread.sleep(200);
      long queuedBytes = tls.writeQueueSize();
      if (holdTasks) {
        assertEquals(TOTAL, queuedBytes, "the engine sent nothing while its task was pending");
        tasks.open();
      } else {
        queued.countDown(); // the peer starts its handshake now
      }

      byte[] got = received.applyToEither(peer.thenApply(v -> (byte[]) null), b -> b)
          .get(40, TimeUnit.SECONDS);
      assertArrayEquals(data, got, "the peer received exactly what we wrote");
      TlsTestSupport.await(() -> ok.get() + errors.size() == TOTAL / WRITE, 20_000,
          "every write callback");
      assertEquals(List.of(), errors);
      assertEquals(0, tls.writeQueueSize());
      assertEquals(TOTAL, tls.bytesWritten());
      TlsTestSupport.await(() -> in.size() == 1, 10_000, "the peer's byte after the handshake");
      tls.write(ByteBuffer.wrap(new byte[] {'?'}), null);
      peer.get(20, TimeUnit.SECONDS);
      if (protocol.equals("TLSv1.2")) {
        TlsTestSupport.await(() -> peerHandshakes.get() == 2, 10_000, "the peer's renegotiation");
      }
      long post = tls.connection().postHandshakeMessages;
      tls.close();
      if (ss != null) ss.close();
      if (listener != null) listener.close();
      assertTrue(queuedBytes > 0, "writes were queued when the peer acted");
      return new Outcome(peerHandshakes.get(), post, queuedBytes);
    }
  }
}
