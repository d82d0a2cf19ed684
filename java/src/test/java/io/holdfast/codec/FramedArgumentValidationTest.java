package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad arguments and misuse are rejected before anything reaches the stream, each with the
 * exception its Javadoc names, saying what was wrong.
 */
class FramedArgumentValidationTest {
  @Test
  @Timeout(30)
  void badArgumentsAreRejectedUpFront() throws Exception {
    FramedStream.Options o = FramedStream.Options.defaults();
    assertThrows(IllegalArgumentException.class, () -> o.maxFrameLength(-1));
    assertThrows(IllegalArgumentException.class,
        () -> o.maxFrameLength(FrameDecoder.MAX_FRAME_LENGTH_LIMIT + 1));
    assertThrows(IllegalArgumentException.class, () -> o.messageWaterMarks(-1, 4));
    assertThrows(IllegalArgumentException.class, () -> o.messageWaterMarks(4, 4));
    assertThrows(IllegalArgumentException.class, () -> o.byteWaterMarks(10, 5));
    assertThrows(IllegalArgumentException.class, () -> o.writeBufferWaterMarks(-5, 5));

    try (EventLoop loop = EventLoop.create()) {
      loop.start("args-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      NullPointerException npe = assertThrows(NullPointerException.class,
          () -> FramedStream.wrap(null, MessageCodec.utf8()));
      assertTrue(npe.getMessage().contains("stream"), npe.getMessage());
      assertThrows(NullPointerException.class, () -> FramedStream.wrap(p.client(), null));
      assertThrows(NullPointerException.class,
          () -> FramedStream.wrap(p.client(), MessageCodec.utf8(), null));
      assertTrue(p.client().isOpen(), "a rejected wrap does not take the stream");

      FramedStream<String> f = FramedStream.wrap(p.client(),
          new MessageCodec<String>() {
            @Override
            public ByteBuffer encode(String m) {
              if (m.equals("unencodable")) throw new IllegalStateException("cannot");
              return ByteBuffer.wrap(m.getBytes());
            }

            @Override
            public String decode(ByteBuffer frame) {
              return "";
            }
          }, FramedStream.Options.defaults().maxFrameLength(10));
      assertThrows(NullPointerException.class, () -> f.send(null));
      IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
          () -> f.send("eleven byte"));
      assertTrue(big.getMessage().contains("11"), big.getMessage());
      IllegalArgumentException enc = assertThrows(IllegalArgumentException.class,
          () -> f.send("unencodable"));
      assertTrue(enc.getCause() instanceof IllegalStateException);
      assertEquals(0, f.writeQueueSize(), "nothing was written");
      assertThrows(NullPointerException.class, () -> f.startFlowing(null));
      assertThrows(NullPointerException.class, () -> f.startPaused(null));
      assertThrows(IllegalStateException.class, f::pause, "not flowing yet");
      f.startPaused(s -> { });
      assertThrows(IllegalStateException.class, () -> f.startFlowing((s, m) -> { }));
      assertThrows(IllegalStateException.class, () -> f.startPaused(s -> { }));
      assertThrows(IllegalStateException.class, f::resume, "paused mode has no resume");
      f.close();
      HandleClosedException closed = assertThrows(HandleClosedException.class,
          () -> f.send("x"));
      assertEquals("FramedStream", closed.handleType());
      assertThrows(HandleClosedException.class, () -> f.shutdown(null));
      p.closeAll();
    }
  }
}
