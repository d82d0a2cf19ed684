package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flowing mode: pause() inside the handler stops delivery right there (later messages of the
 * same read queue up); resume() from another thread delivers the queue, then the rest, in order.
 */
class FlowingPauseResumeTest {
  static final int TOTAL = 50;

  @Test
  @Timeout(30)
  void pauseHoldsDeliveryAndResumeKeepsOrder() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("pause-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      FramedStream<String> server = FramedStream.wrap(p.server(), MessageCodec.utf8());
      FramedStream<String> client = FramedStream.wrap(p.client(), MessageCodec.utf8());
      List<String> got = Collections.synchronizedList(new ArrayList<>());
      server.startFlowing((s, m) -> {
        got.add(m);
        if (m.equals("3")) s.pause();
      });
      for (int i = 0; i < TOTAL; i++) client.send(Integer.toString(i));
      assertTrue(CodecTestSupport.await(() -> server.queuedMessages() == TOTAL - 4, 20_000),
          "the rest queues up while paused: " + server.queuedMessages());
      Thread.sleep(100);
      assertEquals(List.of("0", "1", "2", "3"), got);
      assertTrue(server.isPaused());
      server.resume();
      assertTrue(CodecTestSupport.await(() -> got.size() == TOTAL, 20_000));
      for (int i = 0; i < TOTAL; i++) assertEquals(Integer.toString(i), got.get(i));
      assertEquals(0, server.queuedMessages());
      client.close();
      server.close();
      p.listener().close();
    }
  }
}
