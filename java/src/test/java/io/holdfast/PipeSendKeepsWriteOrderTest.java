package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handle sent between two writes arrives between them, even when it must first finish its own
 * queued writes: the write after send() waits for the handle. The sent stream's writes complete
 * (all its bytes reach its peer) before the send does, and it works on the receiving side.
 */
class PipeSendKeepsWriteOrderTest {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void writeAfterSendWaitsForTheHandle() throws Exception {
    int baseline = PipeTestSupport.baselineFdCount();
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-order")) {
      PipeStream.Pair pipe = PipeStream.pair(r.loop);
      PipeStream.Pair busy = PipeStream.pair(r.loop);
      List<String> seen = new CopyOnWriteArrayList<>();
      CompletableFuture<PipeStream> received = new CompletableFuture<>();
      pipe.second().readStart(new PipeReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer data) {
          seen.add(StandardCharsets.US_ASCII.decode(data).toString());
        }

        @Override
        public void onHandle(PipeStream p, Handle handle) {
          seen.add("<handle>");
          received.complete((PipeStream) handle);
        }
      });

      // The stream to send has 4 MiB queued that its peer does not read yet.
      int big = 4 << 20;
      List<String> completions = new CopyOnWriteArrayList<>();
      busy.first().write(ByteBuffer.allocateDirect(big), e -> completions.add("busy write " + e));
      pipe.first().write(ByteBuffer.wrap("before|".getBytes(StandardCharsets.US_ASCII)), null);
      pipe.first().send(busy.first(), e -> completions.add("send " + e));
      pipe.first().write(ByteBuffer.wrap("|after".getBytes(StandardCharsets.US_ASCII)), null);
      PipeTestSupport.waitUntil(() -> !seen.isEmpty(), "first data");
      Thread.sleep(200); // the handle, and what follows it, wait for the busy stream
      assertEquals(List.of("before|"), seen);
      assertEquals(List.of(), completions);

      AtomicLong drained = new AtomicLong();
      busy.second().readStart((s, data) -> drained.addAndGet(data.remaining()));
      PipeTestSupport.waitUntil(() -> seen.size() == 3, () -> "seen " + seen);
      assertEquals(List.of("before|", "<handle>", "|after"), seen);
      assertEquals(List.of("busy write null", "send null"), completions);
      assertEquals(big, drained.get());

      PipeStream moved = received.get();
      CompletableFuture<String> via = new CompletableFuture<>();
      busy.second().readStart((s, d) -> via.complete(StandardCharsets.US_ASCII.decode(d).toString()));
      moved.write(ByteBuffer.wrap("via the received end".getBytes(StandardCharsets.US_ASCII)), null);
      assertEquals("via the received end", via.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS));
      assertInstanceOf(PeerCredentials.class, moved.peerCredentials());
      moved.close();
      busy.second().close();
      pipe.first().close();
      pipe.second().close();
    }
    assertEquals(baseline, PipeTestSupport.awaitFdCount(baseline));
  }
}
