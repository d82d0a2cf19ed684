package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * write() returns false once the queued plaintext reaches the high-water mark, and the drain
 * callback runs (once) when the peer reads and the queue falls to the low-water mark.
 */
class TlsWriteBackpressureTest {
  private static final int LOW = 64 * 1024;
  private static final int HIGH = 256 * 1024;

  @Test
  @Timeout(60)
  void writeReturnsFalseAtHighWaterAndDrainFollows() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("tls-write-backpressure");
      TlsOptions options = TlsTestSupport.clientOptions().writeBufferWaterMarks(LOW, HIGH);
      try (NonReadingPeer peer = new NonReadingPeer(loop, options)) {
        TlsStream tls = peer.tls;
        AtomicInteger drains = new AtomicInteger();
        CompletableFuture<Long> drainedAt = new CompletableFuture<>();
        tls.onDrain(() -> {
          drains.incrementAndGet();
          drainedAt.complete(tls.writeQueueSize());
        });
        long written = 0;
        boolean accepted = true;
        // The kernel and the transport absorb some first; bounded so a bug cannot loop forever.
        for (int i = 0; i < 2048 && accepted; i++) {
          accepted = tls.write(ByteBuffer.allocate(16 * 1024), null);
          written += 16 * 1024;
          if (accepted && i % 16 == 15) Thread.sleep(20); // let the pipeline fill
        }
        assertTrue(!accepted, "write never returned false after " + written + " bytes");
        assertTrue(tls.writeQueueSize() >= HIGH, "queued " + tls.writeQueueSize());
        Thread.sleep(200);
        assertEquals(0, drains.get(), "no drain while the peer is not reading");

        peer.startReading();
        long queuedAtDrain = drainedAt.get(20, TimeUnit.SECONDS);
        assertTrue(queuedAtDrain <= LOW, "drained at " + queuedAtDrain);
        TlsTestSupport.await(() -> tls.writeQueueSize() == 0, 20_000, "the queue to empty");
        assertEquals(1, drains.get(), "one drain per write that returned false");
        assertEquals(written, tls.bytesWritten());
        tls.close();
      }
    }
  }
}
