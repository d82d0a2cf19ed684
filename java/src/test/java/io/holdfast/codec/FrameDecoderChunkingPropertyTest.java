package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The decoder core fed with arbitrary chunkings of arbitrary frames: whatever the read boundaries,
 * the same frames come out in order; a frame whose payload lies within one input is a view of
 * that input (no copy), any other is a buffer of its own.
 */
class FrameDecoderChunkingPropertyTest {
  static final int MAX = 8192;

  record Got(byte[] bytes, boolean owned, boolean sharesInput, boolean direct) {}

  @Property(tries = 400)
  void anySplitGivesTheSameFramesInOrder(@ForAll("frameLists") List<byte[]> frames,
      @ForAll("chunkSizes") List<Integer> sizes, @ForAll boolean direct,
      @ForAll boolean littleEndian) throws Exception {
    byte[] wire = CodecTestSupport.wire(frames);
    FrameDecoder decoder = new FrameDecoder(MAX);
    List<Got> got = new ArrayList<>();
    List<int[]> chunks = new ArrayList<>(); // [start, end) of each input in the wire
    int pos = 0;
    for (int i = 0; pos < wire.length; i++) {
      int n = Math.min(sizes.get(i % sizes.size()), wire.length - pos);
      chunks.add(new int[] {pos, pos + n});
      ByteBuffer in = chunk(wire, pos, n, direct);
      if (littleEndian) in.order(ByteOrder.LITTLE_ENDIAN); // the wire stays big-endian
      byte[] backing = in.hasArray() ? in.array() : null;
      assertTrue(decoder.decode(in, (frame, owned) -> {
        got.add(new Got(CodecTestSupport.bytes(frame), owned,
            backing != null && frame.hasArray() && frame.array() == backing, frame.isDirect()));
        return true;
      }));
      assertFalse(in.hasRemaining(), "the decoder consumes each input whole");
      pos += n;
    }
    assertFalse(decoder.hasPartialFrame());
    assertEquals(0, decoder.bufferedBytes());
    assertEquals(frames.size(), got.size());
    assertEquals(frames.size(), decoder.frameCount());
    int start = 0;
    for (int i = 0; i < frames.size(); i++) {
      assertArrayEquals(frames.get(i), got.get(i).bytes(), "frame " + i);
      int payloadStart = start + FrameDecoder.HEADER_LENGTH;
      int payloadEnd = payloadStart + frames.get(i).length;
      boolean withinOne = frames.get(i).length == 0 || within(chunks, payloadStart, payloadEnd);
      Got g = got.get(i);
      assertEquals(!withinOne, g.owned(), "frame " + i + " owned");
      if (withinOne && !direct) assertTrue(g.sharesInput(), "frame " + i + " is a view");
      if (withinOne && direct) assertTrue(g.direct(), "frame " + i + " is a view");
      if (!withinOne) assertFalse(g.direct(), "an assembled frame is on the heap");
      start = payloadEnd;
    }
  }

  private static boolean within(List<int[]> chunks, int from, int to) {
    for (int[] c : chunks) {
      if (from >= c[0] && to <= c[1]) return true;
    }
    return false;
  }

  /** An input with bytes around it, so positions and offsets are not zero. */
  static ByteBuffer chunk(byte[] wire, int from, int n, boolean direct) {
    ByteBuffer b = direct ? ByteBuffer.allocateDirect(n + 3) : ByteBuffer.allocate(n + 3);
    b.put((byte) 0x55).put((byte) 0x66).put(wire, from, n).put((byte) 0x77);
    return b.position(2).limit(2 + n);
  }

  @Provide
  Arbitrary<List<byte[]>> frameLists() {
    Arbitrary<Integer> length = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(0)),
        Tuple.of(6, Arbitraries.integers().between(1, 64)),
        Tuple.of(2, Arbitraries.integers().between(65, 5000)),
        Tuple.of(1, Arbitraries.just(MAX)));
    Arbitrary<byte[]> frame = length.flatMap(n -> Arbitraries.bytes().array(byte[].class)
        .ofSize(n));
    return frame.list().ofMaxSize(30);
  }

  @Provide
  Arbitrary<List<Integer>> chunkSizes() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.integers().between(1, 7)),
        Tuple.of(4, Arbitraries.integers().between(8, 700)),
        Tuple.of(2, Arbitraries.integers().between(701, 40_000))).list().ofMinSize(1)
        .ofMaxSize(60);
  }
}
