package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pipe end moves to another loop (transferTo) and same-loop (transfer): the old objects are
 * stale (MOVED), the new owners read and write on their loop, and what the moved end can do
 * (peer credentials, passing handles) moves with it.
 */
class PipeTransferToOtherLoopTest {
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void pipeEndMovesBetweenLoops() throws Exception {
    int baseline = PipeTestSupport.baselineFdCount();
    try (PipeTestSupport.Running a = new PipeTestSupport.Running("pipe-a");
        PipeTestSupport.Running b = new PipeTestSupport.Running("pipe-b")) {
      PipeStream.Pair pair = PipeStream.pair(a.loop);
      CompletableFuture<PipeStream> arrived = new CompletableFuture<>();
      pair.second().transferTo(b.loop, arrived::complete);
      assertEquals(HandleClosedException.Reason.MOVED, assertThrows(HandleClosedException.class,
          () -> pair.second().readStart((s, d) -> { })).reason());
      PipeStream onB = arrived.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS).transfer();
      assertSame(b.loop, onB.loop());
      CompletableFuture<String> readOn = new CompletableFuture<>();
      CompletableFuture<String> text = new CompletableFuture<>();
      onB.readStart((s, d) -> {
        readOn.complete(Thread.currentThread().getName());
        text.complete(StandardCharsets.US_ASCII.decode(d).toString());
      });
      pair.first().write(ByteBuffer.wrap("to b".getBytes(StandardCharsets.US_ASCII)), null);
      assertEquals("to b", text.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS));
      assertEquals("pipe-b", readOn.get());
      assertEquals(ProcessHandle.current().pid(), onB.peerCredentials().pid());

      // The moved end can still pass a handle.
      PipeStream.Pair extra = PipeStream.pair(b.loop);
      CompletableFuture<Handle> got = new CompletableFuture<>();
      pair.first().readStart(new PipeReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer d) {}

        @Override
        public void onHandle(PipeStream p, Handle h) {
          got.complete(h);
        }
      });
      onB.send(extra.second(), null);
      Handle h = got.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS);
      assertSame(a.loop, h.loop());
      h.close();
      extra.first().close();
      onB.close();
      pair.first().close();
    }
    assertEquals(baseline, PipeTestSupport.awaitFdCount(baseline));
  }
}
