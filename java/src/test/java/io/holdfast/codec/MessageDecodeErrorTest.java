package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import io.holdfast.ReadHandler;
import io.holdfast.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A frame the codec cannot decode destroys the connection with MessageDecodeException whose cause
 * is the codec's exception; the messages before it are delivered (or stay pollable), the bad one
 * and everything after it reach nobody.
 */
class MessageDecodeErrorTest {
  static final IllegalArgumentException POISON = new IllegalArgumentException("poison");

  /** Strings, except that "poison" cannot be decoded. */
  static final MessageCodec<String> CODEC = new MessageCodec<>() {
    @Override
    public ByteBuffer encode(String message) {
      return ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String decode(ByteBuffer frame) {
      String s = StandardCharsets.UTF_8.decode(frame).toString();
      if (s.equals("poison")) throw POISON;
      return s;
    }
  };

  private static byte[] wire(String... messages) {
    List<byte[]> frames = new ArrayList<>();
    for (String m : messages) frames.add(m.getBytes(StandardCharsets.UTF_8));
    return CodecTestSupport.wire(frames);
  }

  private static CompletableFuture<Boolean> peerEnd(Stream client) throws Exception {
    CompletableFuture<Boolean> end = new CompletableFuture<>();
    client.readStart(new ReadHandler() {
      @Override
      public void onData(Stream s, ByteBuffer data) {}

      @Override
      public void onEnd(Stream s) {
        end.complete(true);
      }

      @Override
      public void onError(Stream s, IOException e) {
        end.complete(true);
      }
    });
    return end;
  }

  @Test
  @Timeout(30)
  void flowingModeDeliversWhatCameBeforeThenFails() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("decode-error-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      FramedStream<String> server = FramedStream.wrap(p.server(), CODEC);
      List<String> got = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<IOException> error = new CompletableFuture<>();
      server.startFlowing(new MessageHandler<>() {
        @Override
        public void onMessage(FramedStream<String> s, String m) {
          got.add(m);
        }

        @Override
        public void onError(FramedStream<String> s, IOException e) {
          error.complete(e);
        }
      });
      CompletableFuture<Boolean> end = peerEnd(p.client());
      p.client().write(ByteBuffer.wrap(wire("a", "b", "poison", "c")), null);
      MessageDecodeException e = assertInstanceOf(MessageDecodeException.class,
          error.get(10, TimeUnit.SECONDS));
      assertSame(POISON, e.getCause());
      assertEquals(6, e.frameLength());
      assertTrue(end.get(5, TimeUnit.SECONDS), "the connection is destroyed");
      Thread.sleep(50);
      assertEquals(List.of("a", "b"), got);
      assertFalse(server.isOpen());
      p.client().close();
      p.listener().close();
    }
  }

  @Test
  @Timeout(30)
  void pausedModeKeepsEarlierMessagesPollableThenFails() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("decode-error-loop");
      CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
      FramedStream<String> server = FramedStream.wrap(p.server(), CODEC);
      CompletableFuture<IOException> error = new CompletableFuture<>();
      CompletableFuture<Void> readable = new CompletableFuture<>();
      server.startPaused(new ReadableHandler<>() {
        @Override
        public void onReadable(FramedStream<String> s) {
          readable.complete(null); // takes nothing: polled from the test thread below
        }

        @Override
        public void onError(FramedStream<String> s, IOException e) {
          error.complete(e);
        }
      });
      CompletableFuture<Boolean> end = peerEnd(p.client());
      p.client().write(ByteBuffer.wrap(wire("a", "b", "poison", "c")), null);
      readable.get(10, TimeUnit.SECONDS);
      assertTrue(end.get(5, TimeUnit.SECONDS), "the connection is destroyed at once");
      assertFalse(server.isOpen());
      Thread.sleep(50);
      assertFalse(error.isDone(), "the failure waits behind the queued messages");
      assertEquals("a", server.poll());
      assertEquals("b", server.poll());
      assertNull(server.poll());
      MessageDecodeException e = assertInstanceOf(MessageDecodeException.class,
          error.get(5, TimeUnit.SECONDS));
      assertSame(POISON, e.getCause());
      p.client().close();
      p.listener().close();
    }
  }
}
