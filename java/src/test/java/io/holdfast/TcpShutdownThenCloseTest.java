package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.Events;
import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * close() right after shutdown(): the shutdown callback runs exactly once (success, or canceled
 * when the close came first), after the callbacks of the writes queued before it, and before the
 * close callback.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpShutdownThenCloseTest {
  private RunningLoop rl;
  private ServerSocket server;
  private Socket peer;

  @AfterEach
  void tearDown() {
    TcpTestSupport.closeQuietly(peer, server);
    if (rl != null) rl.close();
  }

  private TcpStream connect() throws Exception {
    rl = new RunningLoop("tcp-shutdown-close");
    server = TcpTestSupport.javaServer(4);
    TcpStream s = TcpTestSupport.connect(rl.loop, TcpTestSupport.loopback(server.getLocalPort()));
    peer = server.accept();
    peer.setSoTimeout((int) TcpTestSupport.WAIT_MILLIS);
    return s;
  }

  private static String outcome(String what, IOException error) {
    if (error == null) return what;
    if (error instanceof OperationCanceledException) return what + " canceled";
    return what + " failed: " + error;
  }

  @Test
  void idleStreamShutdownThenClose() throws Exception {
    TcpStream s = connect();
    Events events = new Events();
    CountDownLatch closed = new CountDownLatch(1);
    s.onClose(() -> {
      events.add("close");
      closed.countDown();
    });
    s.shutdown(error -> events.add(outcome("shutdown", error)));
    s.close();
    await(closed, "close callback");
    rl.run(() -> { });
    List<String> seen = events.snapshot();
    assertEquals(2, seen.size(), "shutdown callback exactly once: " + seen);
    assertTrue(seen.get(0).equals("shutdown") || seen.get(0).equals("shutdown canceled"),
        "shutdown succeeded or was canceled: " + seen);
    assertEquals("close", seen.get(1));
    assertEquals(-1, peer.getInputStream().read(), "the peer sees the end of the stream");
  }

  @Test
  void shutdownBehindQueuedWritesThenClose() throws Exception {
    TcpStream s = connect();
    s.setSendBufferSize(16 << 10);
    Events events = new Events();
    CountDownLatch closed = new CountDownLatch(1);
    s.onClose(() -> {
      events.add("close");
      closed.countDown();
    });
    // The peer does not read: 8 MiB cannot drain, so the shutdown is still waiting at close.
    ByteBuffer big = ByteBuffer.allocateDirect(8 << 20);
    s.write(big, error -> events.add(outcome("write", error)));
    s.shutdown(error -> events.add(outcome("shutdown", error)));
    s.close();
    await(closed, "close callback");
    rl.run(() -> { });
    assertEquals(List.of("write canceled", "shutdown canceled", "close"), events.snapshot());
  }

  @Test
  void shutdownCompletedThenClose() throws Exception {
    TcpStream s = connect();
    Events events = new Events();
    CountDownLatch shut = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    s.write(ByteBuffer.wrap(new byte[] {'h', 'i'}), error -> events.add(outcome("write", error)));
    s.shutdown(error -> {
      events.add(outcome("shutdown", error));
      shut.countDown();
    });
    await(shut, "shutdown callback");
    assertArrayEquals(new byte[] {'h', 'i'}, TcpTestSupport.readToEnd(peer.getInputStream()));
    assertTrue(s.isOpen(), "shutdown half-closes, it does not close");
    s.onClose(() -> {
      events.add("close");
      closed.countDown();
    });
    s.close();
    await(closed, "close callback");
    rl.run(() -> { });
    assertEquals(List.of("write", "shutdown", "close"), events.snapshot());
  }
}
