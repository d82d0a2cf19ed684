package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * End to end over loopback TCP: the peer writes the wire bytes of random frames in random pieces,
 * each piece only after the previous one was read, so the framer sees those read boundaries; the
 * same messages come out in order.
 */
class FramedLoopbackChunkingPropertyTest {
  private static final int MAX_PIECES = 200;
  private static EventLoop loop;

  @BeforeContainer
  static void startLoop() {
    loop = EventLoop.create();
    loop.start("chunking-loop");
  }

  @AfterContainer
  static void closeLoop() {
    loop.close();
  }

  @Property(tries = 30)
  void anyReadBoundariesGiveTheSameMessages(@ForAll("frameLists") List<byte[]> frames,
      @ForAll("pieceSizes") List<Integer> sizes) throws Exception {
    CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
    FramedStream<ByteBuffer> server = FramedStream.wrap(p.server(), MessageCodec.frames());
    try {
      List<byte[]> got = Collections.synchronizedList(new ArrayList<>());
      server.startFlowing((s, m) -> got.add(CodecTestSupport.bytes(m)));
      byte[] wire = CodecTestSupport.wire(frames);
      int pos = 0;
      for (int i = 0; pos < wire.length; i++) {
        int n = i == MAX_PIECES - 1 ? wire.length - pos
            : Math.min(sizes.get(i % sizes.size()), wire.length - pos);
        p.client().write(ByteBuffer.wrap(wire, pos, n), null);
        pos += n;
        int upTo = pos;
        assertTrue(CodecTestSupport.await(() -> server.bytesRead() >= upTo, 20_000),
            "piece " + i + " read");
      }
      assertTrue(CodecTestSupport.await(() -> got.size() >= frames.size(), 20_000));
      assertEquals(frames.size(), got.size());
      for (int i = 0; i < frames.size(); i++) assertArrayEquals(frames.get(i), got.get(i));
      assertEquals(0, server.bufferedBytes());
    } finally {
      server.close();
      p.closeAll();
    }
  }

  @Provide
  Arbitrary<List<byte[]>> frameLists() {
    Arbitrary<Integer> length = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(0)),
        Tuple.of(6, Arbitraries.integers().between(1, 300)),
        Tuple.of(2, Arbitraries.integers().between(301, 20_000)),
        Tuple.of(1, Arbitraries.integers().between(60_000, 200_000)));
    return length.map(byte[]::new).map(FramedLoopbackChunkingPropertyTest::fill).list()
        .ofMaxSize(20);
  }

  private static byte[] fill(byte[] b) {
    for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 31 + b.length);
    return b;
  }

  @Provide
  Arbitrary<List<Integer>> pieceSizes() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.integers().between(1, 7)),
        Tuple.of(4, Arbitraries.integers().between(8, 2000)),
        Tuple.of(2, Arbitraries.integers().between(2001, 150_000))).list().ofMinSize(1)
        .ofMaxSize(40);
  }
}
