package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * shutdownGracefully: in-flight writes drain and each callback runs once; a stuck peer cannot
 * hold it past its timeout; no fd and no loop thread is left.
 */
class LoopGroupGracefulShutdownTest {
  private static final int WRITES = 200;
  private static final int SIZE = 256 * 1024; // 50 MiB in all: more than loopback buffers hold

  @Test
  @Timeout(60)
  void inFlightWritesDrainAndEachCallbackRunsOnce() throws Exception {
    int baseline = OwnershipTestSupport.baselineFdCount();
    AtomicInteger ok = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failed = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> queued = new CompletableFuture<>();
    LoopGroup group = LoopGroup.create(2, "graceful");
    TcpListener l = group.listenAndDistribute(new InetSocketAddress("127.0.0.1", 0),
        TcpListener.Options.defaults(), s -> {
          ByteBuffer chunk = ByteBuffer.allocateDirect(SIZE);
          for (int i = 0; i < WRITES; i++) {
            try {
              s.write(chunk.duplicate(), err -> {
                if (err == null) ok.incrementAndGet();
                else failed.add(err);
              });
            } catch (HandleClosedException e) {
              failed.add(e);
            }
          }
          queued.complete(null);
        });
    try (Socket peer = new Socket("127.0.0.1", l.localAddress().getPort())) {
      queued.get(10, TimeUnit.SECONDS);
      Thread reader = new Thread(() -> drain(peer, (long) WRITES * SIZE));
      reader.start();
      assertTrue(group.shutdownGracefully(50, 20_000), "writes should drain in time");
      reader.join(10_000);
    }
    assertEquals(WRITES, ok.get());
    assertTrue(failed.isEmpty(), failed.toString());
    assertEquals(0, LoopGroupTestSupport.threadsNamed("graceful-"));
    OwnershipTestSupport.assertNoFdLeak(baseline);
  }

  @Test
  @Timeout(60)
  void stuckPeerCannotHoldShutdownPastItsTimeout() throws Exception {
    int baseline = OwnershipTestSupport.baselineFdCount();
    AtomicInteger callbacks = new AtomicInteger();
    AtomicInteger canceled = new AtomicInteger();
    CompletableFuture<Void> queued = new CompletableFuture<>();
    LoopGroup group = LoopGroup.create(2, "stuck");
    TcpListener l = group.listenAndDistribute(new InetSocketAddress("127.0.0.1", 0),
        TcpListener.Options.defaults(), s -> {
          ByteBuffer chunk = ByteBuffer.allocateDirect(SIZE);
          for (int i = 0; i < WRITES; i++) {
            try {
              s.write(chunk.duplicate(), err -> {
                callbacks.incrementAndGet();
                if (err instanceof OperationCanceledException) canceled.incrementAndGet();
              });
            } catch (HandleClosedException e) {
              throw new AssertionError(e);
            }
          }
          queued.complete(null);
        });
    try (Socket peer = new Socket("127.0.0.1", l.localAddress().getPort())) {
      queued.get(10, TimeUnit.SECONDS);
      long start = System.nanoTime();
      assertFalse(group.shutdownGracefully(0, 300), "a peer that never reads cannot drain");
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMs < 10_000, "took " + tookMs + " ms");
    }
    assertEquals(WRITES, callbacks.get(), "every write callback exactly once");
    assertTrue(canceled.get() > 0, "unsent writes were canceled");
    assertEquals(0, LoopGroupTestSupport.threadsNamed("stuck-"));
    OwnershipTestSupport.assertNoFdLeak(baseline);
  }

  private static void drain(Socket peer, long bytes) {
    try {
      InputStream in = peer.getInputStream();
      byte[] buf = new byte[64 * 1024];
      long got = 0;
      while (got < bytes) {
        int n = in.read(buf);
        if (n < 0) return;
        got += n;
      }
    } catch (Exception e) {
      // the test asserts on the server side
    }
  }
}
