package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.OperationCanceledException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * close() with writes queued toward a peer that is not reading: the handle is stale at once,
 * every write callback runs exactly once (canceled if not sent), all of them before the close
 * callback, and the fd is closed.
 */
class TlsCloseCancelsQueuedWritesTest {
  private static final int WRITES = 128;

  @Test
  @Timeout(60)
  void closeCancelsEachQueuedWriteOnceThenRunsCloseCallbacks() throws Exception {
    int baseline = TlsTestSupport.baselineFdCount();
    try (EventLoop loop = EventLoop.create()) {
      loop.start("tls-close-cancels");
      try (NonReadingPeer peer = new NonReadingPeer(loop, TlsTestSupport.clientOptions())) {
        TlsStream tls = peer.tls;
        Map<Integer, IOException> canceled = new ConcurrentHashMap<>();
        AtomicInteger completions = new AtomicInteger();
        AtomicInteger completionsAtClose = new AtomicInteger(-1);
        for (int i = 0; i < WRITES; i++) {
          int id = i;
          tls.write(ByteBuffer.allocate(16 * 1024), err -> {
            completions.incrementAndGet();
            if (err != null) canceled.put(id, err);
          });
        }
        Thread.sleep(200);
        assertTrue(tls.writeQueueSize() > 0, "writes are queued");
        CompletableFuture<Void> closed = new CompletableFuture<>();
        tls.onClose(() -> {
          completionsAtClose.set(completions.get());
          closed.complete(null);
        });

        tls.close();
        assertFalse(tls.isOpen(), "stale at once");
        HandleClosedException e = assertThrows(HandleClosedException.class,
            () -> tls.write(ByteBuffer.allocate(1), null));
        assertEquals(HandleClosedException.Reason.CLOSED, e.reason());
        assertThrows(HandleClosedException.class, () -> tls.readStart((s, d) -> { }));

        closed.get(10, TimeUnit.SECONDS);
        assertEquals(WRITES, completionsAtClose.get(), "every write completed before onClose");
        assertFalse(canceled.isEmpty());
        for (IOException c : canceled.values()) {
          assertInstanceOf(OperationCanceledException.class, c);
        }
        assertEquals(0, tls.writeQueueSize());
        Thread.sleep(50);
        assertEquals(WRITES, completions.get(), "no callback ran twice");
      }
    }
    TlsTestSupport.assertNoFdLeak(baseline, "fds");
  }
}
