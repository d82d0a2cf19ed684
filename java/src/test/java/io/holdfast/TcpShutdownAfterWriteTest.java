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
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * shutdown() requested right after a burst of writes half-closes only once they drained: the peer
 * reads every byte, then EOF; every write callback runs before the shutdown callback; later writes
 * are rejected with IllegalStateException while reading still works.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpShutdownAfterWriteTest {
  private static final int TOTAL = 4 << 20; // more than the kernel buffers hold: writes queue up
  private static final int CHUNK = 64 << 10;

  private RunningLoop rl;
  private ServerSocket server;
  private Socket peer;

  @AfterEach
  void tearDown() {
    TcpTestSupport.closeQuietly(peer, server);
    if (rl != null) rl.close();
  }

  @Test
  void shutdownWaitsForQueuedWritesThenEndsTheStream() throws Exception {
    rl = new RunningLoop("tcp-shutdown-after-write");
    server = TcpTestSupport.javaServer(4);
    TcpStream s = TcpTestSupport.connect(rl.loop, TcpTestSupport.loopback(server.getLocalPort()));
    peer = server.accept();
    peer.setSoTimeout((int) TcpTestSupport.WAIT_MILLIS);

    byte[] data = new byte[TOTAL];
    new Random(7).nextBytes(data);
    Events events = new Events();
    for (int off = 0; off < TOTAL; off += CHUNK) {
      int index = off / CHUNK;
      s.write(ByteBuffer.wrap(data, off, CHUNK), error -> events.add(
          error == null ? "write " + index : "write " + index + " failed: " + error));
    }
    assertTrue(s.writeQueueSize() > 0, "writes queued");
    CountDownLatch shutDown = new CountDownLatch(1);
    s.shutdown(error -> {
      events.add(error == null ? "shutdown" : "shutdown failed: " + error);
      shutDown.countDown();
    });
    assertThrows(IllegalStateException.class, () -> s.write(ByteBuffer.allocate(1), null));
    assertThrows(IllegalStateException.class, () -> s.tryWrite(ByteBuffer.allocate(1)));

    // The peer reads everything, then sees EOF; only then does it answer.
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    s.readStart(new ReadHandler() {
      final ByteArrayOutputStream got = new ByteArrayOutputStream();

      @Override
      public void onData(Stream stream, ByteBuffer d) {
        got.writeBytes(TcpTestSupport.bytes(d));
      }

      @Override
      public void onEnd(Stream stream) {
        reply.complete(got.toByteArray());
      }
    });
    InputStream in = peer.getInputStream();
    byte[] received = TcpTestSupport.readToEnd(in);
    assertEquals(TOTAL, received.length, "peer read every byte before EOF");
    assertArrayEquals(data, received);
    await(shutDown, "shutdown callback");

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < TOTAL / CHUNK; i++) expected.add("write " + i);
    expected.add("shutdown");
    assertEquals(expected, events.snapshot(), "writes complete, in order, before the shutdown");
    assertEquals(TOTAL, s.bytesWritten());
    assertEquals(0, s.writeQueueSize());

    // Half-closed, not closed: the stream still reads what the peer sends.
    peer.getOutputStream().write(new byte[] {'o', 'k'});
    peer.shutdownOutput();
    assertArrayEquals(new byte[] {'o', 'k'},
        reply.get(TcpTestSupport.WAIT_MILLIS, TimeUnit.MILLISECONDS));
    // Both directions ended and allowHalfOpen is off: the stream closes itself.
    TcpTestSupport.waitUntil(() -> !s.isOpen(), "stream closed after both sides ended");
  }
}
