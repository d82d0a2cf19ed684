package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * listen() on a closed listener (closed before listening, after listening, or by its loop) throws
 * HandleClosedException, never an errno; a closed listener stops accepting, leaves the streams it
 * accepted working, and frees its port.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpBindListenAfterCloseTest {
  private RunningLoop rl;

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  @Test
  void listenOnAListenerClosedBeforeListening() throws Exception {
    rl = new RunningLoop("tcp-listen-closed");
    TcpListener l = TcpListener.bind(rl.loop, TcpTestSupport.loopback(0));
    InetSocketAddress address = l.localAddress();
    l.close();
    HandleClosedException e = assertThrows(HandleClosedException.class,
        () -> l.listen(stream -> { }));
    assertEquals(HandleClosedException.Reason.CLOSED, e.reason());
    assertEquals("TcpListener", e.handleType());
    assertThrows(NullPointerException.class, () -> l.listen(null), "bad arguments first");
    assertFalse(l.isListening());
    assertEquals(address, l.localAddress(), "the address stays readable");
  }

  @Test
  void listenAgainAfterCloseThrowsClosedNotAlreadyListening() throws Exception {
    rl = new RunningLoop("tcp-listen-closed");
    TcpListener l = TcpTestSupport.listen(rl.loop, stream -> { });
    assertThrows(IllegalStateException.class, () -> l.listen(stream -> { }),
        "listening twice is a state error");
    l.close();
    assertThrows(HandleClosedException.class, () -> l.listen(stream -> { }));
  }

  @Test
  void listenerClosedByItsLoop() throws Exception {
    EventLoop loop = EventLoop.create();
    TcpListener l;
    try {
      l = TcpListener.bind(loop, TcpTestSupport.loopback(0));
    } finally {
      loop.close();
    }
    assertFalse(l.isOpen());
    assertThrows(HandleClosedException.class, () -> l.listen(stream -> { }));
  }

  @Test
  void closeStopsAcceptingKeepsAcceptedStreamsAndFreesThePort() throws Exception {
    rl = new RunningLoop("tcp-listen-closed");
    CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
    TcpListener l = TcpTestSupport.listen(rl.loop, accepted::complete);
    InetSocketAddress address = l.localAddress();
    try (Socket peer = TcpTestSupport.javaClient(address)) {
      TcpStream s = accepted.get(TcpTestSupport.WAIT_MILLIS, TimeUnit.MILLISECONDS);
      assertEquals(1, l.connectionCount());
      CountDownLatch listenerClosed = new CountDownLatch(1);
      l.onClose(listenerClosed::countDown);
      l.close();
      await(listenerClosed, "listener close callback");
      assertFalse(l.isListening());

      // Nobody listens there any more.
      assertThrows(ConnectException.class, () -> {
        try (Socket late = new Socket()) {
          late.connect(address, 2000);
        }
      });
      // The accepted stream is unaffected.
      CountDownLatch written = new CountDownLatch(1);
      s.write(ByteBuffer.wrap(new byte[] {9}), error -> {
        if (error == null) written.countDown();
      });
      await(written, "write on the accepted stream");
      InputStream in = peer.getInputStream();
      assertEquals(9, in.read());
      assertTrue(s.isOpen());

      // The port is free again: a new listener can take it.
      TcpListener again = TcpListener.bind(rl.loop, address);
      again.listen(stream -> stream.close());
      assertEquals(address, again.localAddress());
      again.close();
      s.close();
    }
    assertEquals(1, l.connectionCount(), "readable after close");
  }

  @Test
  void bindOnAClosedLoopIsRejected() {
    EventLoop loop = EventLoop.create();
    loop.close();
    // A closed loop is a state error, not a kernel one.
    assertThrows(IllegalStateException.class,
        () -> TcpListener.bind(loop, TcpTestSupport.loopback(0)));
    assertThrows(IllegalStateException.class,
        () -> TcpStream.connect(loop, TcpTestSupport.loopback(9), (s, e) -> { }));
  }
}
