package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The classic paused-mode hang: a consumer polls inside the readable callback while the framer
 * has stopped reading for backpressure. Whether it takes one message per call (and returns
 * without draining) or drains until null (resuming reading from inside the callback), the
 * readable notification comes again and every message arrives; the callback is never entered
 * twice at once.
 */
class PausedModeNoHangTest {
  static final int TOTAL = 3000;

  private static void run(boolean drainEachTime) throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("paused-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      FramedStream<ByteBuffer> consumer = FramedStream.wrap(p.server(), MessageCodec.frames(),
          FramedStream.Options.defaults().messageWaterMarks(1, 4));
      FramedStream<ByteBuffer> producer = FramedStream.wrap(p.client(), MessageCodec.frames());
      AtomicInteger next = new AtomicInteger();
      AtomicBoolean inside = new AtomicBoolean();
      AtomicBoolean reentered = new AtomicBoolean();
      AtomicBoolean sawStopped = new AtomicBoolean();
      AtomicBoolean outOfOrder = new AtomicBoolean();
      CompletableFuture<Void> all = new CompletableFuture<>();
      consumer.startPaused(s -> {
        if (!inside.compareAndSet(false, true)) reentered.set(true);
        try {
          sawStopped.compareAndSet(false, !s.isReading());
          ByteBuffer m;
          do {
            m = s.poll();
            if (m != null && m.getInt(0) != next.getAndIncrement()) outOfOrder.set(true);
          } while (drainEachTime && m != null);
          if (next.get() == TOTAL) all.complete(null);
        } finally {
          inside.set(false);
        }
      });
      for (int i = 0; i < TOTAL; i++) producer.send(ByteBuffer.allocate(100).putInt(0, i));
      all.get(30, TimeUnit.SECONDS);
      assertEquals(TOTAL, next.get());
      assertFalse(outOfOrder.get());
      assertFalse(reentered.get(), "onReadable was entered re-entrantly");
      assertTrue(sawStopped.get(), "reading stopped for backpressure at some point");
      producer.close();
      consumer.close();
      p.listener().close();
    }
  }

  @Test
  @Timeout(60)
  void oneMessagePerCallbackDoesNotHang() throws Exception {
    run(false);
  }

  @Test
  @Timeout(60)
  void drainingInsideTheCallbackDoesNotHang() throws Exception {
    run(true);
  }
}
