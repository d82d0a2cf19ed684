package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * transferTo() on a stream whose connect has not completed: the move waits for the connect (the
 * stream is not quiet before it), then the stream arrives on the target loop and works there.
 * The source loop's table no longer holds it. A move that waited for the connect event and was
 * never retried after it left the stream stale in Java, alive in the kernel, and never arrived.
 */
class TcpTransferToOtherLoopWhileConnectingTest {
  @Test
  @Timeout(60)
  void connectingStreamArrivesOnceItsConnectCompletes() throws Exception {
    int baseline = OwnershipTestSupport.baselineFdCount();
    try (EventLoop source = EventLoop.create(); EventLoop target = EventLoop.create()) {
      source.start("connecting-source");
      target.start("connecting-target");
      TcpListener listener = TcpListener.bind(source, new InetSocketAddress("127.0.0.1", 0));
      CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
      listener.listen(accepted::complete);
      CompletableFuture<IOException> connected = new CompletableFuture<>();
      CompletableFuture<TcpStream> arrived = new CompletableFuture<>();
      CompletableFuture<TcpStream> original = new CompletableFuture<>();
      // Connect and move in one loop task: the connect cannot have been delivered yet.
      source.execute(() -> {
        try {
          TcpStream s = TcpStream.connect(source, listener.localAddress(),
              (st, err) -> connected.complete(err));
          s.transferTo(target, arrived::complete);
          original.complete(s);
        } catch (Throwable t) {
          original.completeExceptionally(t);
        }
      });
      TcpStream stale = original.get(20, TimeUnit.SECONDS);
      assertThrows(HandleClosedException.class, () -> stale.setNoDelay(true));
      TcpStream moved = arrived.get(20, TimeUnit.SECONDS);
      assertNull(connected.get(20, TimeUnit.SECONDS), "the connect succeeded");
      assertEquals(target, moved.loop());
      assertTrue(source.handles().stream().noneMatch(h -> h.token() == stale.token()),
          "the source loop still holds the moved stream");

      // The moved stream works: what the peer sends arrives on the target loop.
      TcpStream server = accepted.get(20, TimeUnit.SECONDS);
      CompletableFuture<String> got = new CompletableFuture<>();
      moved.readStart((st, data) -> got.complete(StandardCharsets.UTF_8.decode(data).toString()));
      server.write(ByteBuffer.wrap("after the move".getBytes(StandardCharsets.UTF_8)), null);
      assertEquals("after the move", got.get(20, TimeUnit.SECONDS));
      moved.close();
      server.close();
      listener.close();
    }
    OwnershipTestSupport.assertNoFdLeak(baseline);
  }
}
