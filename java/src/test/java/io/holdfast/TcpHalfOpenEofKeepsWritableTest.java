package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.Events;
import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With allowHalfOpen, the peer's EOF ends only the reading side: the stream stays open and
 * writable, the peer still receives what we write after its EOF, and our own shutdown then ends
 * the connection. Without allowHalfOpen (the default), our side ends once queued writes drained,
 * then the stream closes by itself.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpHalfOpenEofKeepsWritableTest {
  private RunningLoop rl;
  private Socket peer;

  @AfterEach
  void tearDown() {
    TcpTestSupport.closeQuietly(peer);
    if (rl != null) rl.close();
  }

  @Test
  void allowHalfOpenKeepsTheStreamWritableAfterPeerEof() throws Exception {
    rl = new RunningLoop("tcp-half-open");
    Events events = new Events();
    CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
    CountDownLatch ended = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    TcpListener.Options options = TcpListener.Options.defaults()
        .streamOptions(TcpStream.Options.defaults().allowHalfOpen(true));
    TcpListener l = TcpTestSupport.listen(rl.loop, options, stream -> {
      accepted.complete(stream);
      stream.onClose(() -> {
        events.add("close");
        closed.countDown();
      });
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      TcpTestSupport.unchecked(() -> stream.readStart(new ReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer data) {
          got.writeBytes(TcpTestSupport.bytes(data));
        }

        @Override
        public void onEnd(Stream s) {
          events.add("end " + got.toString(StandardCharsets.US_ASCII));
          ended.countDown();
        }
      }));
    });
    peer = TcpTestSupport.javaClient(l.localAddress());
    peer.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
    peer.shutdownOutput();
    await(ended, "onEnd");
    TcpStream s = accepted.get();
    Thread.sleep(100); // an automatic end or close would happen now
    assertTrue(s.isOpen(), "still open after the peer's EOF");

    // Still writable: the peer receives what we write after its EOF.
    CountDownLatch written = new CountDownLatch(1);
    assertTrue(s.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)), error -> {
      events.add(error == null ? "written" : "write failed: " + error);
      written.countDown();
    }));
    await(written, "write after EOF");
    InputStream in = peer.getInputStream();
    assertArrayEquals("pong".getBytes(StandardCharsets.US_ASCII), TcpTestSupport.readFully(in, 4));
    assertTrue(s.isOpen());

    CountDownLatch shut = new CountDownLatch(1);
    s.shutdown(error -> {
      events.add(error == null ? "shutdown" : "shutdown failed: " + error);
      shut.countDown();
    });
    await(shut, "shutdown");
    assertEquals(-1, in.read(), "peer sees our EOF after our shutdown");
    rl.run(() -> { });
    assertEquals(List.of("end ping", "written", "shutdown"), events.snapshot());
    assertTrue(s.isOpen(), "half-open: both sides ended, closing is up to the owner");
    s.close();
    await(closed, "close callback");
    assertEquals(4, s.bytesRead());
    assertEquals(4, s.bytesWritten());
    l.close();
  }

  @Test
  void withoutHalfOpenTheStreamEndsAndClosesAfterPeerEof() throws Exception {
    rl = new RunningLoop("tcp-half-open");
    Events events = new Events();
    CountDownLatch closed = new CountDownLatch(1);
    CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
    TcpListener l = TcpTestSupport.listen(rl.loop, stream -> {
      accepted.complete(stream);
      stream.onClose(() -> {
        events.add("close");
        closed.countDown();
      });
      TcpTestSupport.unchecked(() -> stream.readStart(new ReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer data) {
          // Queued before the EOF arrives: still delivered before our side ends.
          TcpTestSupport.unchecked(() -> s.write(
              ByteBuffer.wrap("reply".getBytes(StandardCharsets.US_ASCII)),
              error -> events.add(error == null ? "written" : "write failed: " + error)));
        }

        @Override
        public void onEnd(Stream s) {
          events.add("end");
        }
      }));
    });
    peer = TcpTestSupport.javaClient(l.localAddress());
    peer.getOutputStream().write('x');
    // Wait for the reply before ending, so the data and the EOF are read separately.
    assertArrayEquals("reply".getBytes(StandardCharsets.US_ASCII),
        TcpTestSupport.readFully(peer.getInputStream(), 5));
    peer.shutdownOutput();
    await(closed, "the stream closes by itself");
    assertEquals(-1, peer.getInputStream().read(), "our side ended");
    assertEquals(List.of("written", "end", "close"), events.snapshot());
    TcpStream s = accepted.get();
    assertThrows(HandleClosedException.class, () -> s.write(ByteBuffer.allocate(1), null));
    l.close();
  }
}
