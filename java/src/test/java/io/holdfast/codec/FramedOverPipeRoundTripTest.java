package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.PipeStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Framing works on any Stream, not only TCP: over a Unix socket pair, frames of every size
 * (empty, small, larger than one read) go both ways intact and in order, and wrapping takes the
 * pipe over (the raw ends are stale, MOVED).
 */
class FramedOverPipeRoundTripTest {
  @Test
  @Timeout(60)
  void framesCrossAPipePairBothWaysInOrder() throws Exception {
    int baseline = CodecTestSupport.baselineFdCount();
    try (EventLoop loop = EventLoop.create()) {
      loop.start("framed-pipe");
      PipeStream.Pair pair = PipeStream.pair(loop);
      FramedStream<ByteBuffer> a = FramedStream.wrap(pair.first(), MessageCodec.frames());
      FramedStream<ByteBuffer> b = FramedStream.wrap(pair.second(), MessageCodec.frames());
      assertThrows(HandleClosedException.class, () -> pair.first().write(ByteBuffer.allocate(1), null));

      Random rnd = new Random(42);
      List<byte[]> sent = new ArrayList<>();
      for (int size : new int[] {0, 1, 17, 4096, 65_537, 200_000, 0, 3}) {
        byte[] m = new byte[size];
        rnd.nextBytes(m);
        sent.add(m);
      }
      List<byte[]> atB = Collections.synchronizedList(new ArrayList<>());
      List<byte[]> atA = Collections.synchronizedList(new ArrayList<>());
      b.startFlowing((s, m) -> {
        byte[] copy = CodecTestSupport.bytes(m);
        atB.add(copy);
        try {
          s.send(ByteBuffer.wrap(copy)); // echo back through b's own framing
        } catch (HandleClosedException e) {
          throw new AssertionError(e);
        }
      });
      a.startFlowing((s, m) -> atA.add(CodecTestSupport.bytes(m)));
      for (byte[] m : sent) a.send(ByteBuffer.wrap(m));

      assertTrue(CodecTestSupport.await(() -> atA.size() == sent.size(), 30_000),
          () -> "echoed " + atA.size() + " of " + sent.size());
      assertEquals(sent.size(), atB.size());
      for (int i = 0; i < sent.size(); i++) {
        assertArrayEquals(sent.get(i), atB.get(i), "a->b frame " + i);
        assertArrayEquals(sent.get(i), atA.get(i), "b->a frame " + i);
      }
      a.close();
      b.close();
    }
    assertTrue(CodecTestSupport.await(() -> CodecTestSupport.fdCount() <= baseline, 10_000),
        "fds: " + CodecTestSupport.fdCount() + ", baseline " + baseline);
  }
}
