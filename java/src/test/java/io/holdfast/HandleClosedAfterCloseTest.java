package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** Every operation on a closed handle throws HandleClosedException; read-only facts stay. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandleClosedAfterCloseTest {

  @Test
  void closedTimerRejectsStartAndStop() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      Timer t = Timer.create(loop);
      long token = t.token();
      assertTrue(t.isOpen());
      t.close();
      assertFalse(t.isOpen());
      assertEquals(token, t.token(), "token() stays readable after close");
      assertClosed(t, "Timer", () -> t.start(10, () -> {}));
      assertClosed(t, "Timer", () -> t.start(10, 10, () -> {}));
      assertClosed(t, "Timer", t::stop);
      assertFalse(t.isScheduled());
      loop.run(); // the native close completes
      assertClosed(t, "Timer", t::stop);
      assertEquals(token, t.token());
      assertTrue(t.toString().contains("stale"), t.toString());
    }
  }

  @Test
  void timerClosedFromAnotherThreadWhileTheLoopRunsIsStaleAtOnce() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("hf-closed-timer-test");
      Timer t = Timer.create(loop);
      t.start(60_000, () -> {});
      t.close();
      // No turn has to happen first: the token is stale as soon as close() returns.
      assertFalse(t.isOpen());
      assertClosed(t, "Timer", t::stop);
    }
  }

  @Test
  void closedTcpStreamRejectsEveryOperation() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("hf-closed-stream-test");
      CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
      TcpListener listener = TcpListener.bind(loop,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      listener.listen(accepted::complete);
      CompletableFuture<IOException> connected = new CompletableFuture<>();
      TcpStream client = TcpStream.connect(loop, listener.localAddress(),
          (s, err) -> connected.complete(err));
      assertNull(connected.get(10, TimeUnit.SECONDS), "connect failed");
      TcpStream server = accepted.get(10, TimeUnit.SECONDS);

      for (TcpStream s : new TcpStream[] {client, server}) {
        long token = s.token();
        s.close();
        assertFalse(s.isOpen());
        assertEquals(token, s.token());
        ByteBuffer data = ByteBuffer.allocateDirect(4).putInt(0, 42);
        assertClosed(s, "TcpStream", () -> s.readStart((st, d) -> {}));
        assertFalse(s.tryReadStart((st, d) -> {}), "tryReadStart on a closed stream");
        assertClosed(s, "TcpStream", s::readStop);
        assertClosed(s, "TcpStream", () -> s.write(data, null));
        assertClosed(s, "TcpStream", () -> s.write(new ByteBuffer[] {data}, err -> {}));
        assertClosed(s, "TcpStream", () -> s.tryWrite(data));
        assertClosed(s, "TcpStream", () -> s.shutdown(null));
        assertClosed(s, "TcpStream", () -> s.setNoDelay(true));
        assertClosed(s, "TcpStream", () -> s.setKeepAlive(true, 10));
        assertClosed(s, "TcpStream", () -> s.sendBufferSize());
        assertClosed(s, "TcpStream", () -> s.setReceiveBufferSize(65536));
        assertEquals(4, data.remaining(), "a rejected write consumed the buffer");
      }
      // Read-only facts stay readable.
      assertEquals(listener.localAddress(), client.remoteAddress());
      listener.close();
      assertClosed(listener, "TcpListener", () -> listener.listen(s -> {}));
      assertFalse(listener.isListening());
    }
  }

  private static void assertClosed(Handle h, String type, Executable op) {
    HandleClosedException e = assertThrows(HandleClosedException.class, op,
        "operation on a closed " + type);
    String msg = e.getMessage();
    assertTrue(msg.contains(type), "message names the type: " + msg);
    assertTrue(msg.contains(Handles.tokenString(h.token())), "message names the token: " + msg);
    assertTrue(msg.contains("closed"), "message says closed: " + msg);
    assertEquals(type, e.handleType());
    assertEquals(h.token(), e.token());
    assertEquals(HandleClosedException.Reason.CLOSED, e.reason());
  }
}
