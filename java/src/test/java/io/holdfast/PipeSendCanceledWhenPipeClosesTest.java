package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pipe closed while a send waits for its handle to become quiet: the send and the writes
 * queued behind it complete as canceled, each exactly once and in order; the handle (already
 * moved) still finishes the writes queued on it before the send, then is closed, so its peer reads
 * all of them and end of stream; no fd is left. Sending a closed handle, or
 * over a closed pipe, throws HandleClosedException before anything moves.
 */
class PipeSendCanceledWhenPipeClosesTest {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void pendingSendAndWritesBehindItAreCanceledOnce() throws Exception {
    int baseline = PipeTestSupport.baselineFdCount();
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-send-cancel")) {
      PipeStream.Pair pipe = PipeStream.pair(r.loop);
      PipeStream.Pair busy = PipeStream.pair(r.loop);
      List<String> completions = new CopyOnWriteArrayList<>();
      busy.first().write(ByteBuffer.allocateDirect(4 << 20), e -> completions.add("busy " + name(e)));
      pipe.first().send(busy.first(), e -> completions.add("send " + name(e)));
      pipe.first().write(ByteBuffer.wrap("behind".getBytes()), e -> completions.add("w1 " + name(e)));
      pipe.first().shutdown(e -> completions.add("shutdown " + name(e)));
      Thread.sleep(100);
      assertEquals(List.of(), completions, "all wait for the busy stream");

      pipe.first().close();
      PipeTestSupport.waitUntil(() -> completions.size() == 3, completions::toString);
      assertEquals(List.of("send canceled", "w1 canceled", "shutdown canceled"), completions);
      CountDownLatch peerEnded = new CountDownLatch(1);
      long[] peerRead = new long[1];
      busy.second().readStart(new ReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer d) {
          peerRead[0] += d.remaining();
        }

        @Override
        public void onEnd(Stream s) {
          peerEnded.countDown();
        }
      });
      assertEquals(true, peerEnded.await(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS),
          "the moved handle was closed");
      PipeTestSupport.waitUntil(() -> completions.size() == 4, completions::toString);
      assertEquals("busy ok", completions.get(3));
      assertEquals(4 << 20, peerRead[0]);
      Thread.sleep(100);
      assertEquals(4, completions.size(), "each completes once");
      assertFalse(busy.first().isOpen());

      PipeStream.Pair other = PipeStream.pair(r.loop);
      assertThrows(HandleClosedException.class, () -> pipe.first().send(other.first(), null));
      assertEquals(true, other.first().isOpen(), "nothing moved");
      other.second().close();
      assertThrows(HandleClosedException.class, () -> pipe.second().send(busy.first(), null));
      other.first().close();
      busy.second().close();
      pipe.second().close();
    }
    assertEquals(baseline, PipeTestSupport.awaitFdCount(baseline));
  }

  private static String name(IOException e) {
    if (e == null) return "ok";
    assertInstanceOf(OperationCanceledException.class, e);
    return "canceled";
  }
}
