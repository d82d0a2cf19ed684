package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Length limits of the decoder: 0 and max are delivered; max+1 and 2^32-1 (the largest the
 * header can say) fail with FrameTooLargeException as soon as the header is complete, however it
 * is split, before any payload is buffered; the decoder then refuses further input.
 */
class FrameDecoderLengthLimitsTest {
  static final int MAX = 1000;

  private static List<byte[]> decodeAll(FrameDecoder d, byte[] wire) throws Exception {
    List<byte[]> out = new ArrayList<>();
    d.decode(ByteBuffer.wrap(wire), (f, owned) -> out.add(CodecTestSupport.bytes(f)));
    return out;
  }

  @Example
  void zeroLengthFramesAreDelivered() throws Exception {
    FrameDecoder d = new FrameDecoder(MAX);
    List<byte[]> got = decodeAll(d, CodecTestSupport.wire(List.of(new byte[0], new byte[0])));
    assertEquals(2, got.size());
    assertEquals(0, got.get(0).length);
    assertEquals(0, got.get(1).length);
  }

  @Example
  void maxLengthIsDelivered() throws Exception {
    byte[] payload = new byte[MAX];
    payload[MAX - 1] = 42;
    FrameDecoder d = new FrameDecoder(MAX);
    List<byte[]> got = decodeAll(d, CodecTestSupport.wire(List.of(payload)));
    assertEquals(1, got.size());
    assertArrayEquals(payload, got.get(0));
  }

  @Example
  void defaultMaximumIs256KiB() throws Exception {
    FrameDecoder d = new FrameDecoder();
    assertEquals(256 * 1024, d.maxFrameLength());
    assertEquals(1, decodeAll(d, CodecTestSupport.wire(List.of(new byte[256 * 1024]))).size());
    FrameDecoder d2 = new FrameDecoder();
    assertThrows(FrameTooLargeException.class,
        () -> decodeAll(d2, CodecTestSupport.header(256 * 1024 + 1)));
  }

  @Example
  void maxPlusOneFailsAtTheHeader() {
    FrameDecoder d = new FrameDecoder(MAX);
    byte[] wire = new byte[4 + MAX + 1];
    System.arraycopy(CodecTestSupport.header(MAX + 1), 0, wire, 0, 4);
    ByteBuffer in = ByteBuffer.wrap(wire);
    FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
        () -> d.decode(in, (f, o) -> {
          throw new AssertionError("no frame expected");
        }));
    assertEquals(MAX + 1, e.length());
    assertEquals(MAX, e.maxLength());
    assertEquals(4, in.position(), "nothing past the header is read");
    assertEquals(0, d.bufferedBytes(), "no payload buffered");
    assertTrue(d.isFailed());
    assertThrows(IllegalStateException.class, () -> d.decode(ByteBuffer.allocate(1), (f, o) -> true));
  }

  @Example
  void largestHeaderValueFails() {
    FrameDecoder d = new FrameDecoder(); // even with the default maximum
    FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
        () -> d.decode(ByteBuffer.wrap(new byte[] {-1, -1, -1, -1, 1, 2, 3}), (f, o) -> true));
    assertEquals(4294967295L, e.length());
    assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
  }

  /** Any oversized length, its header split at any point, fails when the 4th byte arrives. */
  @Property(tries = 300)
  void oversizedFailsWhenTheHeaderCompletes(
      @ForAll @LongRange(min = MAX + 1, max = 4294967295L) long length,
      @ForAll @IntRange(min = 0, max = 4) int split) throws Exception {
    FrameDecoder d = new FrameDecoder(MAX);
    List<byte[]> before = decodeAll(d, CodecTestSupport.wire(List.of(new byte[] {7})));
    assertEquals(1, before.size());
    byte[] header = CodecTestSupport.header(length);
    ByteBuffer first = ByteBuffer.wrap(header, 0, split);
    if (split < 4) {
      d.decode(first, (f, o) -> {
        throw new AssertionError("no frame expected");
      });
      assertEquals(split > 0, d.hasPartialFrame());
      assertEquals(split, d.bufferedBytes());
    }
    ByteBuffer rest = ByteBuffer.wrap(header, split < 4 ? split : 0, split < 4 ? 4 - split : 4);
    FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
        () -> d.decode(rest, (f, o) -> true));
    assertEquals(length, e.length());
    assertTrue(d.bufferedBytes() <= 4);
  }

  @Example
  void badMaximumIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(-1));
    assertThrows(IllegalArgumentException.class,
        () -> new FrameDecoder(FrameDecoder.MAX_FRAME_LENGTH_LIMIT + 1));
    assertThrows(NullPointerException.class, () -> new FrameDecoder().decode(null, (f, o) -> true));
    assertThrows(NullPointerException.class,
        () -> new FrameDecoder().decode(ByteBuffer.allocate(0), null));
  }
}
