package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.Pair;
import io.holdfast.TcpTestSupport.RunningLoop;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reader that stops reading pushes back all the way to the writer: once the kernel buffers are
 * full the write queue stops draining, write() returns false at the high-water mark, and a writer
 * that waits for the drain callback keeps the queue from growing past the mark. When the reader
 * resumes, the drain callback fires and every byte arrives.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpBackpressureTest {
  private static final int CHUNK = 16 << 10;
  private static final long LOW = 32 << 10;
  private static final long HIGH = 64 << 10;
  private static final long STOP_READING_AT = 256 << 10;

  private RunningLoop rl;

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  /** Writes chunks until write() returns false, then waits for the drain callback (loop thread). */
  private static final class Pump implements Runnable {
    final TcpStream out;
    final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
    final AtomicLong sent = new AtomicLong();
    final AtomicLong maxQueue = new AtomicLong();
    final AtomicInteger drains = new AtomicInteger();
    final AtomicInteger falses = new AtomicInteger();
    volatile boolean waitingForDrain;
    volatile boolean stopped;
    volatile long queueWhenFalse;

    Pump(TcpStream out) {
      this.out = out;
    }

    @Override
    public void run() {
      waitingForDrain = false;
      while (!stopped) {
        boolean more = TcpTestSupport.uncheckedWrite(out, chunk.duplicate());
        sent.addAndGet(CHUNK);
        maxQueue.accumulateAndGet(out.writeQueueSize(), Math::max);
        if (!more) {
          falses.incrementAndGet();
          queueWhenFalse = out.writeQueueSize();
          waitingForDrain = true;
          return;
        }
      }
    }
  }

  @Test
  void stoppedReaderStallsTheWriterAndDrainFiresOnResume() throws Exception {
    rl = new RunningLoop("tcp-backpressure");
    TcpStream.Options opts = TcpStream.Options.defaults().writeBufferWaterMarks(LOW, HIGH);
    try (Pair p = TcpTestSupport.pair(rl.loop, TcpListener.Options.defaults(), opts)) {
      // Small kernel buffers so the stall comes quickly.
      p.client.setSendBufferSize(64 << 10);
      p.server.setReceiveBufferSize(64 << 10);
      AtomicLong received = new AtomicLong();
      CountDownLatch readerStopped = new CountDownLatch(1);
      ReadHandler reader = (s, data) -> {
        if (received.addAndGet(data.remaining()) >= STOP_READING_AT && readerStopped.getCount() > 0) {
          TcpTestSupport.unchecked(s::readStop);
          readerStopped.countDown();
        }
      };
      p.server.readStart(reader);

      Pump pump = new Pump(p.client);
      p.client.onDrain(() -> {
        pump.drains.incrementAndGet();
        pump.run();
      });
      rl.run(pump::run);
      await(readerStopped, "reader stopping");

      // Wait for the stall: the writer waits for a drain and the queue no longer moves.
      long stable = -1;
      long stableSince = System.nanoTime();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        long q = p.client.writeQueueSize();
        if (q != stable || !pump.waitingForDrain) {
          stable = q;
          stableSince = System.nanoTime();
        } else if (System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(300)) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, "writer never stalled; queue " + q);
        Thread.sleep(10);
      }
      int drainsAtStall = pump.drains.get();
      long sentAtStall = pump.sent.get();
      assertTrue(pump.falses.get() > 0, "write() returned false");
      assertTrue(pump.queueWhenFalse >= HIGH, "false only at the high-water mark: "
          + pump.queueWhenFalse);
      assertTrue(stable > LOW, "stalled above the low-water mark (else drain fires): " + stable);
      assertTrue(pump.maxQueue.get() < HIGH + CHUNK,
          "the queue never grew past the mark plus one write: " + pump.maxQueue.get());

      // Still stalled a while later: nothing drains, nothing more is queued.
      Thread.sleep(300);
      assertEquals(stable, p.client.writeQueueSize(), "queue stopped growing");
      assertEquals(sentAtStall, pump.sent.get());
      assertEquals(drainsAtStall, pump.drains.get(), "no drain while the reader is stopped");
      assertTrue(received.get() < sentAtStall);

      // The reader resumes: the queue drains, the drain callback fires, the writer goes on.
      p.server.readStart(reader);
      TcpTestSupport.waitUntil(() -> pump.drains.get() > drainsAtStall, "drain after resume");
      TcpTestSupport.waitUntil(() -> pump.sent.get() > sentAtStall + 4 * HIGH, "writer resumed");
      rl.run(() -> pump.stopped = true);
      long total = pump.sent.get();
      TcpTestSupport.waitUntil(() -> received.get() == total,
          () -> "every byte arrives: " + received.get() + " of " + total);
      assertEquals(0, p.client.writeQueueSize());
      assertEquals(total, p.client.bytesWritten());
    }
  }
}
