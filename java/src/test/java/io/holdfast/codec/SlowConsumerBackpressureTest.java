package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fast producer and a consumer that takes one message every 2 ms: the framer stops reading once
 * its queue is full, so what it holds stays under a bound (high-water mark + one read + one
 * partial frame) however much the producer has to send; the backpressure reaches the producer,
 * whose send returns false and which then waits for drain; once the consumer speeds up every
 * message arrives, in order.
 */
class SlowConsumerBackpressureTest {
  static final int TOTAL = 3000;
  static final int SIZE = 1024;
  static final int MAX_FRAME = 4096;
  static final long HIGH_BYTES = 32 * 1024;
  static final long READ_CHUNK = 64 * 1024; // the most one read delivers

  @Test
  @Timeout(60)
  void slowConsumerBoundsTheFramerAndStallsTheProducer() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("backpressure-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      // Modest kernel buffers so the producer feels the stop soon. (Much smaller ones make
      // loopback TCP itself crawl: its window updates lag when the window is below one MSS.)
      p.server().setReceiveBufferSize(64 * 1024);
      p.client().setSendBufferSize(64 * 1024);
      FramedStream<ByteBuffer> consumer = FramedStream.wrap(p.server(), MessageCodec.frames(),
          FramedStream.Options.defaults().maxFrameLength(MAX_FRAME)
              .byteWaterMarks(8 * 1024, HIGH_BYTES));
      FramedStream<ByteBuffer> producer = FramedStream.wrap(p.client(), MessageCodec.frames(),
          FramedStream.Options.defaults().writeBufferWaterMarks(16 * 1024, 64 * 1024));
      consumer.startPaused(s -> { }); // polled from the consumer thread below

      Semaphore drained = new Semaphore(0);
      producer.onDrain(drained::release);
      AtomicInteger sent = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      AtomicReference<Throwable> producerFailure = new AtomicReference<>();
      Thread producerThread = new Thread(() -> {
        try {
          for (int i = 0; i < TOTAL; i++) {
            ByteBuffer m = ByteBuffer.allocate(SIZE).putInt(0, i);
            boolean more = producer.send(m);
            sent.incrementAndGet();
            if (!more) {
              refused.incrementAndGet();
              // Wait for drain; the queue size re-check covers a drain that raced the send.
              while (!drained.tryAcquire(20, TimeUnit.MILLISECONDS)
                  && producer.writeQueueSize() >= 64 * 1024) {
                if (Thread.interrupted()) return;
              }
            }
          }
        } catch (Throwable t) {
          producerFailure.set(t);
        }
      }, "producer");
      producerThread.start();

      // Slow phase: one message every 2 ms for a second.
      int next = 0;
      boolean sawStopped = false;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (System.nanoTime() < until) {
        ByteBuffer m = consumer.poll();
        if (m != null) {
          assertEquals(next++, m.getInt(0));
        }
        sawStopped |= !consumer.isReading();
        Thread.sleep(2);
      }
      int sentDuringSlowPhase = sent.get();
      long peak = consumer.peakBufferedBytes();
      long bound = HIGH_BYTES + READ_CHUNK + MAX_FRAME + FrameDecoder.HEADER_LENGTH;
      System.out.printf("slow phase: consumed %d, producer sent %d of %d (%d refused),"
          + " framer peak %d bytes (bound %d)%n", next, sentDuringSlowPhase, TOTAL,
          refused.get(), peak, bound);
      assertTrue(peak <= bound, "framer held " + peak + " bytes, bound " + bound);
      assertTrue(sawStopped, "the framer stopped reading");
      assertTrue(refused.get() > 0, "the producer's send returned false");
      assertTrue(sentDuringSlowPhase < TOTAL,
          "the producer was held back: sent " + sentDuringSlowPhase);
      assertTrue(producerThread.isAlive());

      // Fast phase: drain everything.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (next < TOTAL && System.nanoTime() < deadline) {
        ByteBuffer m = consumer.poll();
        if (m == null) {
          Thread.sleep(1);
          continue;
        }
        assertEquals(next++, m.getInt(0));
        assertTrue(consumer.bufferedBytes() <= bound);
      }
      producerThread.join(10_000);
      assertNull(producerFailure.get());
      assertEquals(TOTAL, next);
      assertTrue(consumer.peakBufferedBytes() <= bound);
      assertEquals(TOTAL, sent.get());
      producer.close();
      consumer.close();
      p.listener().close();
    }
  }

}
