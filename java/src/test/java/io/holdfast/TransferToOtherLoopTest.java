package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * transferTo(): an accepted connection moves to a worker loop while its peer keeps sending a
 * numbered byte stream; the worker sees every byte exactly once, in order, on its own thread.
 */
class TransferToOtherLoopTest {
  @Test
  @Timeout(60)
  void streamMovesToWorkerWithNoByteLostOrDuplicated() throws Exception {
    int baseline = OwnershipTestSupport.baselineFdCount();
    try (EventLoop acceptor = EventLoop.create(); EventLoop worker = EventLoop.create()) {
      acceptor.start("acceptor");
      Thread workerThread = worker.start("worker");
      OwnershipTestSupport.Pair pair = OwnershipTestSupport.connectedPair(acceptor);
      TcpStream server = pair.server();
      int total = 2_000_000;
      AtomicLong expected = new AtomicLong();
      CompletableFuture<Void> allSeen = new CompletableFuture<>();
      CompletableFuture<String> wrongThread = new CompletableFuture<>();
      ReadHandler verifier = (s, data) -> {
        if (Thread.currentThread() != workerThread && s != server) {
          wrongThread.complete(Thread.currentThread().getName());
        }
        while (data.hasRemaining()) {
          byte b = data.get();
          long at = expected.getAndIncrement();
          if (b != (byte) (at * 31)) {
            allSeen.completeExceptionally(new AssertionError("byte " + at + " wrong"));
            return;
          }
        }
        if (expected.get() == total) allSeen.complete(null);
      };
      server.readStart(verifier);
      // The peer streams numbered bytes from another thread while the move happens.
      Thread sender = new Thread(() -> {
        ByteBuffer chunk = ByteBuffer.allocateDirect(total);
        for (int i = 0; i < total; i++) chunk.put(i, (byte) (i * 31));
        try {
          pair.client().write(chunk, null);
        } catch (Exception e) {
          allSeen.completeExceptionally(e);
        }
      });
      sender.start();
      Thread.sleep(5);
      CompletableFuture<TcpStream> arrived = new CompletableFuture<>();
      server.transferTo(worker, arrived::complete);
      assertThrows(HandleClosedException.class, () -> server.readStart(verifier));
      TcpStream moved = arrived.get(5, TimeUnit.SECONDS);
      assertEquals(worker, moved.loop());
      moved.readStart(verifier);
      allSeen.get(30, TimeUnit.SECONDS);
      sender.join();
      assertTrue(!wrongThread.isDone(), () -> "read on " + wrongThread.join());
      assertEquals(total, expected.get());
      assertTrue(acceptor.handles().stream().noneMatch(h -> h.token() == server.token()));
      moved.close();
      pair.client().close();
      pair.listener().close();
    }
    OwnershipTestSupport.assertNoFdLeak(baseline);
  }
}
