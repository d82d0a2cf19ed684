package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.Events;
import io.holdfast.TcpTestSupport.Pair;
import io.holdfast.TcpTestSupport.RunningLoop;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * readStart twice is harmless: the second call replaces the handler, data is delivered once, and
 * after the end of stream a further readStart delivers nothing and does not leave the stream
 * "reading" (which would keep the loop alive for ever).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpReadStartTwiceHarmlessTest {
  private RunningLoop rl;

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  private static ReadHandler recorder(String name, Events events, CountDownLatch ended) {
    return new ReadHandler() {
      @Override
      public void onData(Stream s, ByteBuffer data) {
        events.add(name + " " + new String(TcpTestSupport.bytes(data), StandardCharsets.US_ASCII));
      }

      @Override
      public void onEnd(Stream s) {
        events.add(name + " end");
        ended.countDown();
      }
    };
  }

  private static void send(TcpStream s, String text) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    s.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), e -> done.countDown());
    await(done, "write " + text);
  }

  @Test
  void secondReadStartReplacesTheHandlerAndDeliversOnce() throws Exception {
    rl = new RunningLoop("tcp-read-start-twice");
    TcpListener.Options halfOpen = TcpListener.Options.defaults()
        .streamOptions(TcpStream.Options.defaults().allowHalfOpen(true));
    try (Pair p = TcpTestSupport.pair(rl.loop, halfOpen, TcpStream.Options.defaults())) {
      Events events = new Events();
      CountDownLatch ended = new CountDownLatch(1);
      p.server.readStart(recorder("first", events, ended));
      p.server.readStart(recorder("second", events, ended));
      send(p.client, "a");
      TcpTestSupport.waitUntil(() -> events.snapshot().size() == 1, "one delivery");
      p.server.readStart(recorder("second", events, ended)); // again, while reading
      send(p.client, "b");
      TcpTestSupport.waitUntil(() -> events.snapshot().size() == 2, "second delivery");
      p.client.shutdown(null);
      await(ended, "end of stream");

      p.server.readStart(recorder("third", events, ended)); // after the end: nothing to read
      rl.run(() -> { });
      Thread.sleep(100);
      rl.run(() -> { });
      assertEquals(List.of("second a", "second b", "second end"), events.snapshot());
      assertFalse(p.server.isReading(), "nothing left to read after the end");
      assertTrue(p.server.isOpen(), "half-open: still open");
    }
  }
}
