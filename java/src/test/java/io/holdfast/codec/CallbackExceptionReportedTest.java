package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.holdfast.EventLoop;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An exception thrown by a message handler reaches the loop's exception handler and does not cost
 * the messages after it.
 */
class CallbackExceptionReportedTest {
  @Test
  @Timeout(30)
  void handlerExceptionIsReportedAndDeliveryGoesOn() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      CompletableFuture<Throwable> reported = new CompletableFuture<>();
      loop.setExceptionHandler((h, t) -> reported.complete(t));
      loop.start("report-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      FramedStream<String> server = FramedStream.wrap(p.server(), MessageCodec.utf8());
      FramedStream<String> client = FramedStream.wrap(p.client(), MessageCodec.utf8());
      RuntimeException boom = new RuntimeException("boom");
      List<String> got = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<Void> last = new CompletableFuture<>();
      server.startFlowing((s, m) -> {
        got.add(m);
        if (m.equals("throw")) throw boom;
        if (m.equals("after")) last.complete(null);
      });
      client.send("before");
      client.send("throw");
      client.send("after");
      last.get(5, TimeUnit.SECONDS);
      assertSame(boom, reported.get(5, TimeUnit.SECONDS));
      assertEquals(List.of("before", "throw", "after"), got);
      client.close();
      server.close();
      p.listener().close();
    }
  }
}
