package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** transfer(): the old object is stale with reason MOVED; reads and queued writes carry over. */
class TransferMakesOldStaleTest {
  @Test
  @Timeout(30)
  void oldReferenceRejectsWithMovedAndNewOwnerGetsEverything() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("transfer-loop");
      OwnershipTestSupport.Pair pair = OwnershipTestSupport.connectedPair(loop);
      TcpStream old = pair.server();
      // Data that arrives before the move, while nobody reads, must reach the new owner.
      pair.client().write(ByteBuffer.wrap("before|".getBytes()), null);
      Thread.sleep(50);
      // Writes queued on the old owner complete exactly once, after the move.
      List<Throwable> results = Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < 100; i++) {
        old.write(ByteBuffer.wrap(new byte[1000]), err -> results.add(err == null ? null : err));
      }
      CompletableFuture<Void> closed = new CompletableFuture<>();
      old.onClose(() -> closed.complete(null));

      TcpStream moved = old.transfer();

      assertNotEquals(old.token(), moved.token());
      HandleClosedException e = assertThrows(HandleClosedException.class,
          () -> old.readStart((s, d) -> { }));
      assertEquals(HandleClosedException.Reason.MOVED, e.reason());
      assertTrue(e.getMessage().contains("moved"), e.getMessage());
      assertThrows(HandleClosedException.class, () -> old.write(ByteBuffer.allocate(1), null));
      assertThrows(HandleClosedException.class, old::transfer);
      assertTrue(!old.isOpen());
      assertEquals(old.remoteAddress(), moved.remoteAddress());

      ByteArrayOutputStream got = new ByteArrayOutputStream();
      CompletableFuture<String> done = new CompletableFuture<>();
      moved.readStart((s, d) -> {
        byte[] b = new byte[d.remaining()];
        d.get(b);
        got.write(b, 0, b.length);
        if (got.toString().endsWith("after")) done.complete(got.toString());
      });
      pair.client().write(ByteBuffer.wrap("after".getBytes()), null);
      assertEquals("before|after", done.get(5, TimeUnit.SECONDS));

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (results.size() < 100 && System.nanoTime() < deadline) Thread.sleep(5);
      assertEquals(100, results.size());
      for (Throwable r : results) assertNull(r);
      assertEquals(100_000, moved.bytesWritten());

      // Close callbacks registered on the old object moved with the handle.
      moved.close();
      closed.get(5, TimeUnit.SECONDS);
    }
  }
}
