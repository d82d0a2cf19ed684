package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.ReadHandler;
import io.holdfast.Stream;
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
 * Over TCP, a header above the maximum destroys the connection with FrameTooLargeException (the
 * peer sees its end), after the messages before it were delivered; a frame of exactly the
 * maximum (the 256 KiB default) is delivered.
 */
class FrameLengthLimitsOverTcpTest {
  private record Outcome(List<byte[]> messages, IOException error, FramedStream<ByteBuffer> s) {}

  /** Sends wire raw from the client and collects what a framed server makes of it. */
  private static Outcome receive(EventLoop loop, FramedStream.Options options, byte[] wire,
      int expectMessages, boolean expectError) throws Exception {
    CodecTestSupport.Pair p = CodecTestSupport.connectedPair(loop);
    FramedStream<ByteBuffer> server =
        FramedStream.wrap(p.server(), MessageCodec.frames(), options);
    List<byte[]> got = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<IOException> error = new CompletableFuture<>();
    server.startFlowing(new MessageHandler<>() {
      @Override
      public void onMessage(FramedStream<ByteBuffer> s, ByteBuffer m) {
        got.add(CodecTestSupport.bytes(m));
      }

      @Override
      public void onError(FramedStream<ByteBuffer> s, IOException e) {
        error.complete(e);
      }
    });
    CompletableFuture<Boolean> peerSawEnd = new CompletableFuture<>();
    p.client().readStart(new ReadHandler() {
      @Override
      public void onData(Stream s, ByteBuffer data) {}

      @Override
      public void onEnd(Stream s) {
        peerSawEnd.complete(true);
      }

      @Override
      public void onError(Stream s, IOException e) {
        peerSawEnd.complete(true);
      }
    });
    p.client().write(ByteBuffer.wrap(wire), null);
    IOException e = null;
    if (expectError) {
      e = error.get(10, TimeUnit.SECONDS);
      assertTrue(peerSawEnd.get(5, TimeUnit.SECONDS), "the connection is destroyed");
    } else {
      assertTrue(CodecTestSupport.await(() -> got.size() >= expectMessages, 10_000));
    }
    assertEquals(expectMessages, got.size());
    p.client().close();
    p.listener().close();
    return new Outcome(got, e, server);
  }

  @Test
  @Timeout(30)
  void maxPlusOneDestroysTheConnection() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("limits-loop");
      byte[] ok = CodecTestSupport.wire(List.of("ok".getBytes()));
      byte[] bad = CodecTestSupport.header(1001);
      byte[] wire = new byte[ok.length + bad.length + 500];
      System.arraycopy(ok, 0, wire, 0, ok.length);
      System.arraycopy(bad, 0, wire, ok.length, bad.length);
      Outcome o = receive(loop, FramedStream.Options.defaults().maxFrameLength(1000), wire, 1,
          true);
      assertArrayEquals("ok".getBytes(), o.messages().get(0));
      FrameTooLargeException e = assertInstanceOf(FrameTooLargeException.class, o.error());
      assertEquals(1001, e.length());
      assertEquals(1000, e.maxLength());
      assertFalse(o.s().isOpen());
      assertEquals(0, o.s().bufferedBytes(), "no payload was buffered");
      HandleClosedException closed = assertThrows(HandleClosedException.class,
          () -> o.s().send(ByteBuffer.allocate(1)));
      assertTrue(closed.getMessage().contains("FrameTooLargeException"), closed.getMessage());
    }
  }

  @Test
  @Timeout(30)
  void largestHeaderValueDestroysTheConnection() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("limits-loop");
      byte[] wire = {-1, -1, -1, -1, 0, 0, 0};
      Outcome o = receive(loop, FramedStream.Options.defaults(), wire, 0, true);
      FrameTooLargeException e = assertInstanceOf(FrameTooLargeException.class, o.error());
      assertEquals(4294967295L, e.length());
      assertEquals(256 * 1024, e.maxLength());
    }
  }

  @Test
  @Timeout(30)
  void frameOfExactlyTheDefaultMaximumIsDelivered() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("limits-loop");
      byte[] max = new byte[256 * 1024];
      for (int i = 0; i < max.length; i++) max[i] = (byte) (i * 7);
      Outcome o = receive(loop, FramedStream.Options.defaults(),
          CodecTestSupport.wire(List.of(max, new byte[0])), 2, false);
      assertArrayEquals(max, o.messages().get(0));
      assertEquals(0, o.messages().get(1).length);
      o.s().close();
    }
  }
}
