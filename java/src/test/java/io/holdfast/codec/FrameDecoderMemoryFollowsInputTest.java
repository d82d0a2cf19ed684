package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A peer that announces a large frame and trickles its bytes costs memory in proportion to what
 * it sent (at most twice that, plus 8 KiB), never more than the frame; and a frame delivered from
 * the assembly buffer is intact.
 */
class FrameDecoderMemoryFollowsInputTest {
  @Property(tries = 60)
  void assemblyBufferGrowsWithTheBytesReceived(
      @ForAll @IntRange(min = 1, max = 4 * 1024 * 1024) int length,
      @ForAll @IntRange(min = 1, max = 50_000) int step, @ForAll long seed) throws Exception {
    FrameDecoder d = new FrameDecoder(4 * 1024 * 1024);
    byte[] payload = new byte[length];
    new Random(seed).nextBytes(payload);
    List<byte[]> got = new ArrayList<>();
    d.decode(ByteBuffer.wrap(CodecTestSupport.header(length)), (f, o) -> got.add(null));
    assertTrue(d.bufferedBytes() <= 4, "only the header is counted before any payload");
    for (int sent = 0; sent < length; ) {
      int n = Math.min(step, length - sent);
      d.decode(ByteBuffer.wrap(payload, sent, n), (f, o) -> got.add(CodecTestSupport.bytes(f)));
      sent += n;
      if (sent < length) {
        long held = d.bufferedBytes();
        assertTrue(held <= Math.max(2L * sent, sent + 8 * 1024), held + " held for " + sent);
        assertTrue(held <= length);
      }
    }
    assertEquals(1, got.size());
    assertArrayEquals(payload, got.get(0));
    assertEquals(0, d.bufferedBytes());
  }
}
