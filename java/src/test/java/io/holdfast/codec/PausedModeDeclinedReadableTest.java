package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The documented rule for a readable handler that takes nothing: it is not called again until
 * another message arrives, so it does not spin while reading is stopped; a consumer polling from
 * another thread then drains the queue, which resumes reading, and gets everything.
 */
class PausedModeDeclinedReadableTest {
  static final int TOTAL = 200;

  @Test
  @Timeout(30)
  void decliningHandlerIsNotSpunAndOffLoopPollingResumes() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("declined-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      FramedStream<ByteBuffer> consumer = FramedStream.wrap(p.server(), MessageCodec.frames(),
          FramedStream.Options.defaults().messageWaterMarks(1, 4));
      FramedStream<ByteBuffer> producer = FramedStream.wrap(p.client(), MessageCodec.frames());
      AtomicInteger calls = new AtomicInteger();
      consumer.startPaused(s -> calls.incrementAndGet()); // declines: polls nothing
      for (int i = 0; i < TOTAL; i++) producer.send(ByteBuffer.allocate(64).putInt(0, i));

      assertTrue(CodecTestSupport.await(
          () -> consumer.queuedMessages() >= 4 && !consumer.isReading(), 20_000));
      Thread.sleep(100); // let scheduled notifications run
      int before = calls.get();
      assertTrue(before >= 1, "the handler was told");
      Thread.sleep(300);
      assertEquals(before, calls.get(), "no notification without a new message");
      assertFalse(consumer.isReading());

      int next = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (next < TOTAL && System.nanoTime() < deadline) {
        ByteBuffer m = consumer.poll();
        if (m == null) {
          Thread.sleep(1);
          continue;
        }
        assertEquals(next++, m.getInt(0));
      }
      assertEquals(TOTAL, next);
      producer.close();
      consumer.close();
      p.listener().close();
    }
  }
}
