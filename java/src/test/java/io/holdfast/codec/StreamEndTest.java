package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The peer's end: after whole frames, onEnd runs once every message was delivered; inside a
 * frame, the stream fails with EOFException instead (a truncated message is never delivered).
 */
class StreamEndTest {
  private static final class Recorder implements MessageHandler<String> {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<IOException> done = new CompletableFuture<>();

    @Override
    public void onMessage(FramedStream<String> s, String m) {
      events.add(m);
    }

    @Override
    public void onEnd(FramedStream<String> s) {
      events.add("<end>");
      done.complete(null);
    }

    @Override
    public void onError(FramedStream<String> s, IOException e) {
      events.add("<error>");
      done.complete(e);
    }
  }

  @Test
  @Timeout(30)
  void cleanEndFollowsTheLastMessage() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("end-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      FramedStream<String> server = FramedStream.wrap(p.server(), MessageCodec.utf8());
      FramedStream<String> client = FramedStream.wrap(p.client(), MessageCodec.utf8());
      Recorder r = new Recorder();
      server.startFlowing(r);
      client.send("one");
      client.send("two");
      client.send("");
      client.shutdown(null);
      assertEquals(null, r.done.get(10, TimeUnit.SECONDS));
      assertEquals(List.of("one", "two", "", "<end>"), r.events);
      client.close();
      server.close();
      p.listener().close();
    }
  }

  @Test
  @Timeout(30)
  void endInsideAFrameIsAnError() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("end-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      FramedStream<String> server = FramedStream.wrap(p.server(), MessageCodec.utf8());
      Recorder r = new Recorder();
      server.startFlowing(r);
      byte[] whole = CodecTestSupport.wire(List.of("whole".getBytes()));
      byte[] cut = new byte[whole.length + 4 + 10];
      System.arraycopy(whole, 0, cut, 0, whole.length);
      System.arraycopy(CodecTestSupport.header(100), 0, cut, whole.length, 4);
      p.client().write(ByteBuffer.wrap(cut), null);
      p.client().shutdown(null);
      EOFException e = assertInstanceOf(EOFException.class, r.done.get(10, TimeUnit.SECONDS));
      assertTrue(e.getMessage().contains("14"), e.getMessage()); // header + 10 payload bytes
      assertEquals(List.of("whole", "<error>"), r.events);
      p.client().close();
      server.close();
      p.listener().close();
    }
  }
}
