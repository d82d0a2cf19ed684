package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flowing mode with raw frames: a frame that arrived within one read is handed over as a view of
 * the loop's (direct) read memory, not copied; one larger than a read is assembled on the heap
 * and arrives intact.
 */
class FlowingZeroCopyDeliveryTest {
  @Test
  @Timeout(30)
  void framesWithinOneReadAreViewsOfTheReadMemory() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("zero-copy-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      FramedStream<ByteBuffer> server = FramedStream.wrap(p.server(), MessageCodec.frames());
      List<Boolean> direct = Collections.synchronizedList(new ArrayList<>());
      List<byte[]> got = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<Void> done = new CompletableFuture<>();
      server.startFlowing((s, m) -> {
        direct.add(m.isDirect());
        got.add(CodecTestSupport.bytes(m));
        if (got.size() == 41) done.complete(null);
      });
      List<byte[]> frames = new ArrayList<>();
      for (int i = 0; i < 40; i++) frames.add(new byte[] {(byte) i, 1, 2, 3});
      byte[] big = new byte[200 * 1024]; // more than one read (64 KiB)
      for (int i = 0; i < big.length; i++) big[i] = (byte) (i % 251);
      p.client().write(ByteBuffer.wrap(CodecTestSupport.wire(frames)), null);
      assertTrue(CodecTestSupport.await(() -> got.size() == 40, 20_000));
      p.client().write(ByteBuffer.wrap(CodecTestSupport.wire(List.of(big))), null);
      done.get(10, TimeUnit.SECONDS);
      for (int i = 0; i < 40; i++) {
        assertArrayEquals(frames.get(i), got.get(i));
        assertTrue(direct.get(i), "frame " + i + " is a view of the read arena");
      }
      assertArrayEquals(big, got.get(40));
      assertFalse(direct.get(40), "an assembled frame is a heap buffer of its own");
      assertEquals(0, server.bufferedBytes());
      server.close();
      p.closeAll();
    }
  }
}
