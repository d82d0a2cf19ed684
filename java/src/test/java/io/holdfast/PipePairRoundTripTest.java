package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A socket pair: ping one way, pong back; the first end closes, the second reads end of stream
 * (once), ends its side and closes, and the loop, with nothing left to do, returns from run().
 */
class PipePairRoundTripTest {
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void pingPongThenEofDrainsTheLoop() throws Exception {
    int baseline = PipeTestSupport.baselineFdCount();
    List<String> events = new CopyOnWriteArrayList<>();
    try (EventLoop loop = EventLoop.create()) {
      PipeStream.Pair pair = PipeStream.pair(loop);
      PipeStream a = pair.first();
      PipeStream b = pair.second();
      assertNull(a.remoteAddress(), "pair ends are unnamed");
      b.readStart(new ReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer data) {
          events.add("b got " + StandardCharsets.US_ASCII.decode(data));
          try {
            s.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)), null);
          } catch (HandleClosedException e) {
            throw new IllegalStateException(e);
          }
        }

        @Override
        public void onEnd(Stream s) {
          events.add("b end");
        }
      });
      a.readStart((s, data) -> {
        events.add("a got " + StandardCharsets.US_ASCII.decode(data));
        s.close();
      });
      b.onClose(() -> events.add("b closed"));
      a.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), null);
      loop.run(); // returns once no handle is active: b closes itself after the end of stream
      assertEquals(List.of("b got ping", "a got pong", "b end", "b closed"), events);
      assertFalse(a.isOpen());
      assertFalse(b.isOpen());
      assertEquals(4, b.bytesRead());
      assertEquals(4, b.bytesWritten());
    }
    assertEquals(baseline, PipeTestSupport.awaitFdCount(baseline));
  }
}
