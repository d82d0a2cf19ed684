package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.OperationCanceledException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * close() with messages queued both ways: every send's callback runs exactly once (written, or
 * canceled), later sends are rejected with HandleClosedException; queued inbound messages are
 * dropped and no handler callback follows; no fd leaks.
 */
class CloseWithQueuedMessagesTest {
  static final int SENDS = 200;

  @Test
  @Timeout(30)
  void everySendCallbackRunsOnceAndInboundIsDropped() throws Exception {
    int baseline = CodecTestSupport.baselineFdCount();
    try (EventLoop loop = EventLoop.create()) {
      loop.start("close-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      // Small kernel buffers, so most sends are still queued in user space at close.
      p.server().setReceiveBufferSize(64 * 1024);
      p.client().setSendBufferSize(64 * 1024);
      // The server reads paused with a small queue and polls nothing: the sender backs up.
      FramedStream<ByteBuffer> server = FramedStream.wrap(p.server(), MessageCodec.frames(),
          FramedStream.Options.defaults().messageWaterMarks(1, 4));
      AtomicInteger serverCallbacks = new AtomicInteger();
      server.startPaused(new ReadableHandler<>() {
        @Override
        public void onReadable(FramedStream<ByteBuffer> s) {
          serverCallbacks.incrementAndGet();
        }

        @Override
        public void onEnd(FramedStream<ByteBuffer> s) {
          serverCallbacks.incrementAndGet();
        }

        @Override
        public void onError(FramedStream<ByteBuffer> s, IOException e) {
          serverCallbacks.incrementAndGet();
        }
      });
      FramedStream<ByteBuffer> client = FramedStream.wrap(p.client(), MessageCodec.frames());
      Map<Integer, Integer> calls = new ConcurrentHashMap<>();
      Map<Integer, IOException> results = new ConcurrentHashMap<>();
      for (int i = 0; i < SENDS; i++) {
        int id = i;
        client.send(ByteBuffer.allocate(64 * 1024).putInt(0, i), err -> {
          calls.merge(id, 1, Integer::sum);
          if (err != null) results.put(id, err);
        });
      }
      assertTrue(CodecTestSupport.await(() -> server.queuedMessages() >= 4, 20_000));
      assertTrue(client.writeQueueSize() > 0, "sends are still queued");

      CompletableFuture<Void> clientClosed = new CompletableFuture<>();
      client.onClose(() -> clientClosed.complete(null));
      client.close();
      clientClosed.get(5, TimeUnit.SECONDS);
      assertTrue(CodecTestSupport.await(() -> calls.size() == SENDS, 20_000));
      Thread.sleep(50); // a second call would show up here
      for (int i = 0; i < SENDS; i++) assertEquals(1, calls.get(i), "send " + i + " callback");
      assertFalse(results.isEmpty(), "some sends were canceled");
      for (IOException e : results.values()) assertInstanceOf(OperationCanceledException.class, e);
      assertFalse(client.isOpen());
      assertThrows(HandleClosedException.class, () -> client.send(ByteBuffer.allocate(1)));
      client.close(); // idempotent

      int before = serverCallbacks.get();
      server.close();
      assertNull(server.poll(), "queued inbound messages are dropped");
      assertEquals(0, server.queuedMessages());
      assertEquals(0, server.bufferedBytes());
      Thread.sleep(100);
      assertEquals(before, serverCallbacks.get(), "no handler callback after close");
      p.listener().close();
    }
    assertEquals(baseline, CodecTestSupport.awaitFdCount(baseline), "fds after close");
  }
}
