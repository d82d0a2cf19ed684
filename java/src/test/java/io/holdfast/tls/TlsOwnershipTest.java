package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Wrapping takes the raw stream over (the caller's reference is stale, reason MOVED), and
 * TlsStream.transfer() moves the TLS connection on the same way; data keeps flowing through the
 * new owner.
 */
class TlsOwnershipTest {
  @Test
  @Timeout(60)
  void wrappingAndTransferMakeTheOldReferencesStale() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("tls-ownership");
      CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
      TcpListener listener = TlsTestSupport.listen(loop, accepted);
      TcpStream rawClient = TlsTestSupport.connect(loop, listener.localAddress().getPort());
      TlsStream client = TlsStream.client(rawClient, TlsTestSupport.clientContext(),
          TlsTestSupport.clientOptions());
      TlsStream server = TlsStream.server(accepted.get(10, TimeUnit.SECONDS),
          TlsTestSupport.serverContext(), TlsOptions.defaults());

      HandleClosedException raw = assertThrows(HandleClosedException.class,
          () -> rawClient.write(ByteBuffer.allocate(1), null));
      assertEquals(HandleClosedException.Reason.MOVED, raw.reason());
      assertThrows(HandleClosedException.class, () -> rawClient.readStart((s, d) -> { }));
      assertNotEquals(rawClient.token(), client.token());

      TlsTestSupport.Collector atServer = new TlsTestSupport.Collector();
      server.readStart(atServer);
      TlsTestSupport.handshake(client).get(10, TimeUnit.SECONDS);

      TlsStream moved = client.transfer();
      HandleClosedException old = assertThrows(HandleClosedException.class,
          () -> client.write(ByteBuffer.allocate(1), null));
      assertEquals(HandleClosedException.Reason.MOVED, old.reason());
      assertThrows(HandleClosedException.class, client::transfer);
      assertFalse(client.isOpen());
      assertEquals(client.remoteAddress(), moved.remoteAddress());

      moved.write(ByteBuffer.wrap("moved".getBytes(StandardCharsets.US_ASCII)), null);
      TlsTestSupport.await(() -> atServer.size() == 5, 10_000, "data through the new owner");
      assertArrayEquals("moved".getBytes(StandardCharsets.US_ASCII), atServer.bytes());

      TlsTestSupport.Collector atClient = new TlsTestSupport.Collector();
      moved.readStart(atClient);
      server.write(ByteBuffer.wrap("back".getBytes(StandardCharsets.US_ASCII)), null);
      TlsTestSupport.await(() -> atClient.size() == 4, 10_000, "data to the new owner");
      CompletableFuture<Void> closed = new CompletableFuture<>();
      moved.onClose(() -> closed.complete(null));
      moved.close();
      closed.get(10, TimeUnit.SECONDS);
      server.close();
      listener.close();
    }
  }
}
