package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.TcpStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * wrap() takes the stream over: the raw reference is stale with reason MOVED for every
 * operation, data that arrived before the wrap is not lost, and a stream that is already stale
 * cannot be wrapped.
 */
class FramedWrapTakesOwnershipTest {
  @Test
  @Timeout(30)
  void rawStreamIsMovedAndEarlierDataIsKept() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("wrap-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      TcpStream raw = p.server();
      // Arrives (and may already be read by the loop) before anyone frames the stream.
      p.client().write(ByteBuffer.wrap(CodecTestSupport.wire(List.of("early".getBytes()))), null);
      Thread.sleep(50);
      FramedStream<String> framed = FramedStream.wrap(raw, MessageCodec.utf8());

      assertFalse(raw.isOpen());
      HandleClosedException e = assertThrows(HandleClosedException.class,
          () -> raw.readStart((s, d) -> { }));
      assertEquals(HandleClosedException.Reason.MOVED, e.reason());
      assertThrows(HandleClosedException.class, () -> raw.write(ByteBuffer.allocate(1), null));
      assertThrows(HandleClosedException.class, raw::transfer);
      HandleClosedException again = assertThrows(HandleClosedException.class,
          () -> FramedStream.wrap(raw, MessageCodec.utf8()));
      assertEquals(HandleClosedException.Reason.MOVED, again.reason());
      assertEquals(raw.remoteAddress(), framed.remoteAddress());
      assertTrue(framed.isOpen());

      CompletableFuture<String> first = new CompletableFuture<>();
      framed.startFlowing((s, m) -> first.complete(m));
      assertEquals("early", first.get(5, TimeUnit.SECONDS));
      framed.close();
      p.client().close();
      p.listener().close();
    }
  }
}
