package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An echo round trip through a pipe listener, shared by the path and abstract-name tests. */
final class PipeEchoSupport {
  private PipeEchoSupport() {}

  /** Echoes 1 MiB through a listener bound at address and checks bytes and addresses. */
  static void echo(EventLoop loop, PipeAddress address) throws Exception {
    PipeListener listener = PipeListener.bind(loop, address, PipeListener.Options.defaults());
    CompletableFuture<PipeStream> accepted = new CompletableFuture<>();
    listener.listen(s -> {
      accepted.complete(s);
      s.tryReadStart((st, data) -> {
        try {
          st.write(data, null); // heap copy of the arena view: safe after the callback
        } catch (HandleClosedException e) {
          throw new IllegalStateException(e);
        }
      });
    });
    byte[] payload = new byte[1 << 20];
    new Random(42).nextBytes(payload);
    PipeStream client = PipeTestSupport.connect(loop, address);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    CompletableFuture<Void> done = new CompletableFuture<>();
    client.readStart((s, data) -> {
      synchronized (got) {
        got.write(PipeTestSupport.bytes(data), 0, data.remaining());
        if (got.size() >= payload.length) done.complete(null);
      }
    });
    for (int at = 0; at < payload.length; at += 10_000) {
      client.write(ByteBuffer.wrap(payload, at, Math.min(10_000, payload.length - at)), null);
    }
    done.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS);
    synchronized (got) {
      assertArrayEquals(payload, got.toByteArray());
    }
    PipeStream server = accepted.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(address, client.remoteAddress());
    assertNull(client.localAddress(), "a connecting pipe is unnamed");
    assertEquals(address, server.localAddress());
    assertEquals(address, listener.localAddress());
    assertEquals(1, listener.connectionCount());
    client.close();
    server.close();
    listener.close();
  }
}
