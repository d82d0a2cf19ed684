package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import io.holdfast.OperationCanceledException;
import io.holdfast.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graceful shutdown towards a peer that stopped reading: bounded by the deadline. The shutdown
 * callback gets a SocketTimeoutException, every queued write is completed exactly once, the fd is
 * closed, and {@link EventLoop#run()} returns because nothing is left active.
 */
class TlsShutdownDeadlineTest {
  private static final long DEADLINE_MS = 500;
  private static final int WRITES = 128;

  @Test
  @Timeout(60)
  void shutdownGivesUpAtTheDeadlineAndTheLoopExits() throws Exception {
    int baseline = TlsTestSupport.baselineFdCount();
    CountDownLatch release = new CountDownLatch(1);
    try (EventLoop loop = EventLoop.create();
        SSLServerSocket ss = TlsTestSupport.jdkServer(TlsTestSupport.serverContext())) {
      ss.setReceiveBufferSize(16 * 1024);
      CompletableFuture<Void> peer = TlsTestSupport.peer("non-reading-peer", () -> {
        try (SSLSocket s = (SSLSocket) ss.accept()) {
          s.startHandshake();
          release.await(30, TimeUnit.SECONDS); // never reads our data
        }
        return null;
      });
      // Everything happens on the loop, which run() drives on its own thread until idle.
      CompletableFuture<TlsStream> tlsReady = new CompletableFuture<>();
      TcpStream.connect(loop, new InetSocketAddress("127.0.0.1", ss.getLocalPort()), (s, err) -> {
        try {
          if (err != null) throw err;
          s.setSendBufferSize(16 * 1024);
          TlsStream tls = TlsStream.client(s, TlsTestSupport.clientContext(),
              TlsTestSupport.clientOptions().shutdownTimeout(DEADLINE_MS));
          // Reading keeps run() alive (as in any real use) until the stream closes.
          tls.readStart((t, d) -> { });
          tls.onHandshake((t, h, e) -> tlsReady.complete(t));
        } catch (Exception e) {
          tlsReady.completeExceptionally(e);
        }
      });
      CompletableFuture<Void> loopExited = TlsTestSupport.peer("loop-runner", () -> {
        loop.run();
        return null;
      });
      TlsStream tls = tlsReady.get(10, TimeUnit.SECONDS);

      Map<Integer, IOException> results = new ConcurrentHashMap<>();
      AtomicInteger completions = new AtomicInteger();
      for (int i = 0; i < WRITES; i++) {
        int id = i;
        tls.write(ByteBuffer.allocate(16 * 1024), err -> {
          completions.incrementAndGet();
          if (err != null) results.put(id, err);
        });
      }
      CompletableFuture<IOException> shutdownResult = new CompletableFuture<>();
      long start = System.nanoTime();
      tls.shutdown(shutdownResult::complete);

      IOException e = shutdownResult.get(10, TimeUnit.SECONDS);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertInstanceOf(SocketTimeoutException.class, e);
      assertTrue(elapsedMs >= DEADLINE_MS - 50 && elapsedMs < DEADLINE_MS + 3000,
          "gave up after " + elapsedMs + " ms");
      loopExited.get(10, TimeUnit.SECONDS); // run() returned: nothing keeps the loop alive
      assertFalse(tls.isOpen());
      assertEquals(WRITES, completions.get(), "every write completed");
      assertFalse(results.isEmpty(), "writes were still queued at the deadline");
      for (IOException r : results.values()) assertInstanceOf(OperationCanceledException.class, r);
      release.countDown();
      peer.get(10, TimeUnit.SECONDS);
      Thread.sleep(50);
      assertEquals(WRITES, completions.get(), "no write completed twice");
    }
    TlsTestSupport.assertNoFdLeak(baseline, "fds after the deadline");
  }
}
