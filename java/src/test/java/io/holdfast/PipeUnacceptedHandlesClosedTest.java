package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Handles nobody takes are closed, never leaked: those arriving at a pipe whose read handler is a
 * plain ReadHandler, and those sent to a pipe that closes before reading them. Each passed pipe
 * end is watched through its partner, which reads end of stream only once every copy is closed.
 */
class PipeUnacceptedHandlesClosedTest {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void handlesNobodyTakesAreClosed() throws Exception {
    int baseline = PipeTestSupport.baselineFdCount();
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-unaccepted")) {
      // A plain ReadHandler: data is delivered, handles are closed.
      PipeStream.Pair pipe = PipeStream.pair(r.loop);
      StringBuilder data = new StringBuilder();
      pipe.second().readStart((s, d) -> {
        synchronized (data) {
          data.append(new String(PipeTestSupport.bytes(d)));
        }
      });
      CountDownLatch ended = new CountDownLatch(5);
      List<PipeStream> partners = sendPairEnds(r.loop, pipe.first(), 5, ended);
      pipe.first().write(ByteBuffer.wrap("data still flows".getBytes()), null);
      assertEquals(true, ended.await(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS),
          "every passed end was closed by the receiver");
      PipeTestSupport.waitUntil(() -> {
        synchronized (data) {
          return data.toString().equals("data still flows");
        }
      }, "data after the handles");
      partners.forEach(PipeStream::close);
      pipe.first().close();
      pipe.second().close();

      // A receiver that closes without reading: what it never delivered is closed with it.
      PipeStream.Pair closing = PipeStream.pair(r.loop);
      CountDownLatch ended2 = new CountDownLatch(5);
      List<PipeStream> partners2 = sendPairEnds(r.loop, closing.first(), 5, ended2);
      closing.second().readStart(new PipeReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer d) {}

        @Override
        public void onHandle(PipeStream p, Handle handle) {
          p.close(); // takes none: the first one arriving closes the receiver instead
          handle.close();
        }
      });
      assertEquals(true, ended2.await(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS),
          "every passed end was closed");
      partners2.forEach(PipeStream::close);
      closing.first().close();
    }
    assertEquals(baseline, PipeTestSupport.awaitFdCount(baseline));
  }

  /** Sends one end of each of n new pairs over pipe; the kept ends count down on end of stream. */
  private static List<PipeStream> sendPairEnds(EventLoop loop, PipeStream pipe, int n,
      CountDownLatch ended) throws Exception {
    List<PipeStream> kept = new ArrayList<>();
    List<CompletableFuture<IOException>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PipeStream.Pair p = PipeStream.pair(loop);
      kept.add(p.first());
      p.first().readStart(new ReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer d) {}

        @Override
        public void onEnd(Stream s) {
          ended.countDown();
        }
      });
      CompletableFuture<IOException> done = new CompletableFuture<>();
      pipe.send(p.second(), done::complete);
      sent.add(done);
    }
    for (CompletableFuture<IOException> f : sent) {
      IOException e = f.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS);
      // Sent, or failed because the receiver closed first (then the sender closed the handle).
      NativeIOException facts = io.holdfast.internal.Errors.facts(e);
      assertTrue(e == null || e instanceof OperationCanceledException
          || (facts != null && facts.code().matches("EPIPE|ECONNRESET")), String.valueOf(e));
    }
    return kept;
  }
}
