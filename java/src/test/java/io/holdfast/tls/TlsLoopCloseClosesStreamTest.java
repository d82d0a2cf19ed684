package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import io.holdfast.OperationCanceledException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing the loop closes the underlying stream, which closes the TLS stream: queued writes and
 * the pending shutdown are canceled once each, then the TLS close callback runs.
 */
class TlsLoopCloseClosesStreamTest {
  @Test
  @Timeout(60)
  void loopCloseCancelsTlsCallbacksOnce() throws Exception {
    int baseline = TlsTestSupport.baselineFdCount();
    List<IOException> writeResults = new CopyOnWriteArrayList<>();
    List<IOException> shutdownResults = new CopyOnWriteArrayList<>();
    AtomicInteger closeCallbacks = new AtomicInteger();
    AtomicInteger writesAtClose = new AtomicInteger(-1);
    TlsStream tls;
    EventLoop loop = EventLoop.create();
    loop.start("tls-loop-close");
    try (NonReadingPeer peer = new NonReadingPeer(loop,
        TlsTestSupport.clientOptions().shutdownTimeout(0))) {
      tls = peer.tls;
      for (int i = 0; i < 64; i++) {
        tls.write(ByteBuffer.allocate(32 * 1024), writeResults::add);
      }
      tls.shutdown(shutdownResults::add);
      tls.onClose(() -> {
        writesAtClose.set(writeResults.size());
        closeCallbacks.incrementAndGet();
      });
      Thread.sleep(200);
      assertTrue(tls.writeQueueSize() > 0, "writes are queued");

      loop.close();
    }
    assertFalse(tls.isOpen());
    assertEquals(1, closeCallbacks.get());
    assertEquals(64, writesAtClose.get(), "every write completed before the close callback");
    assertEquals(64, writeResults.size());
    assertTrue(writeResults.stream().anyMatch(e -> e instanceof OperationCanceledException));
    assertEquals(1, shutdownResults.size());
    assertInstanceOf(OperationCanceledException.class, shutdownResults.get(0));
    TlsTestSupport.assertNoFdLeak(baseline, "fds after the loop closed");
  }
}
