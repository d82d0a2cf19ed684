package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.Pair;
import io.holdfast.TcpTestSupport.RunningLoop;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad arguments (null, negative or zero sizes, no buffers, unresolved addresses) get a clear
 * NullPointerException or IllegalArgumentException before anything native happens: on a closed
 * stream they still win over HandleClosedException, they create no socket, and an open stream is
 * left exactly as it was.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpBadArgumentsTest {
  private RunningLoop rl;

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  private static void npe(Executable e) {
    assertThrows(NullPointerException.class, e);
  }

  private static void iae(Executable e) {
    assertThrows(IllegalArgumentException.class, e);
  }

  /** Every bad call on a stream; stream may be open or closed. */
  private static void badStreamCalls(TcpStream s) {
    ByteBuffer one = ByteBuffer.allocate(1);
    npe(() -> s.readStart(null));
    npe(() -> s.tryReadStart(null));
    npe(() -> s.write((ByteBuffer) null, null));
    npe(() -> s.write((ByteBuffer[]) null, null));
    npe(() -> s.write(new ByteBuffer[] {one, null}, null));
    iae(() -> s.write(new ByteBuffer[0], null));
    iae(() -> s.write(new ByteBuffer[StreamBase.MAX_BUFFERS + 1], null));
    npe(() -> s.tryWrite((ByteBuffer[]) null));
    npe(() -> s.tryWrite(one, null));
    iae(() -> s.tryWrite());
    iae(() -> s.setWriteBufferWaterMarks(-1, 10));
    iae(() -> s.setWriteBufferWaterMarks(10, 10));
    iae(() -> s.setSendBufferSize(0));
    iae(() -> s.setSendBufferSize(-1));
    iae(() -> s.setReceiveBufferSize(0));
    iae(() -> s.setReceiveBufferSize(-5));
    iae(() -> s.setKeepAlive(true, -1));
    iae(() -> s.setKeepAlive(true, 1, -1, 1));
    iae(() -> s.setKeepAlive(true, 1, 1, -1));
    iae(() -> s.setTimeout(-1, () -> { }));
    npe(() -> s.setTimeout(10, null));
    npe(() -> s.onClose(null));
  }

  @Test
  void badArgumentsOnAnOpenStreamChangeNothing() throws Exception {
    rl = new RunningLoop("tcp-bad-args");
    try (Pair p = TcpTestSupport.pair(rl.loop)) {
      badStreamCalls(p.client);
      assertTrue(p.client.isOpen());
      assertEquals(0, p.client.writeQueueSize(), "nothing was queued");
      assertEquals(0, p.client.bytesWritten());
      // The stream still works normally.
      CountDownLatch got = new CountDownLatch(1);
      p.server.readStart((s, data) -> got.countDown());
      p.client.write(ByteBuffer.wrap(new byte[] {5}), null);
      TcpTestSupport.await(got, "data after the bad calls");
    }
  }

  @Test
  void badArgumentsWinOverAClosedStream() throws Exception {
    rl = new RunningLoop("tcp-bad-args");
    TcpStream s;
    try (Pair p = TcpTestSupport.pair(rl.loop)) {
      s = p.client;
    }
    assertTrue(!s.isOpen());
    badStreamCalls(s);
  }

  @Test
  void badConnectAndBindArgumentsCreateNoSocket() throws Exception {
    rl = new RunningLoop("tcp-bad-args");
    EventLoop loop = rl.loop;
    InetSocketAddress unresolved = InetSocketAddress.createUnresolved("localhost", 80);
    InetSocketAddress ok = TcpTestSupport.loopback(9);
    ConnectHandler h = (s, e) -> { };
    int fds = TcpTestSupport.fdCount();
    int handles = loop.handles().size();

    npe(() -> TcpStream.connect((EventLoop) null, ok, h));
    npe(() -> TcpStream.connect((LoopGroup) null, ok, h));
    npe(() -> TcpStream.connect(loop, null, h));
    npe(() -> TcpStream.connect(loop, ok, null));
    npe(() -> TcpStream.connect(loop, ok, h, null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TcpStream.connect(loop, unresolved, h));
    assertTrue(e.getMessage().contains("unresolved"), e.getMessage());

    npe(() -> TcpListener.bind(null, ok));
    npe(() -> TcpListener.bind(loop, null));
    npe(() -> TcpListener.bind(loop, ok, null));
    iae(() -> TcpListener.bind(loop, unresolved));

    iae(() -> TcpStream.Options.defaults().connectTimeout(-1));
    iae(() -> TcpStream.Options.defaults().writeBufferWaterMarks(-1, 1));
    iae(() -> TcpStream.Options.defaults().writeBufferWaterMarks(5, 5));
    iae(() -> TcpListener.Options.defaults().backlog(0));
    iae(() -> TcpListener.Options.defaults().backlog(-1));
    npe(() -> TcpListener.Options.defaults().streamOptions(null));

    TcpListener l = TcpListener.bind(loop, TcpTestSupport.loopback(0));
    npe(() -> l.listen(null));
    npe(() -> l.onClose(null));
    l.close();
    TcpTestSupport.waitUntil(() -> loop.handles().size() == handles, "listener gone");
    TcpTestSupport.assertFdsBackTo(fds, "no socket was created");
  }
}
