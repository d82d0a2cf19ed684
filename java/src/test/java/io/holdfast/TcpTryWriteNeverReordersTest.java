package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * tryWrite writes at once only when nothing is queued: behind queued writes (even ones still on
 * their way to the loop) it writes nothing and leaves the buffers alone, so bytes never overtake
 * earlier writes; on an idle stream it writes and advances positions.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpTryWriteNeverReordersTest {
  private static final int BIG = 4 << 20;

  private RunningLoop rl;
  private ServerSocket server;
  private Socket peer;

  @AfterEach
  void tearDown() {
    TcpTestSupport.closeQuietly(peer, server);
    if (rl != null) rl.close();
  }

  @Test
  void tryWriteNeverOvertakesQueuedWrites() throws Exception {
    rl = new RunningLoop("tcp-try-write");
    server = TcpTestSupport.javaServer(4);
    TcpStream s = TcpTestSupport.connect(rl.loop, TcpTestSupport.loopback(server.getLocalPort()));
    peer = server.accept();
    peer.setSoTimeout((int) TcpTestSupport.WAIT_MILLIS);
    InputStream in = peer.getInputStream();

    // Idle stream: written at once, positions advanced (heap and direct, gathered).
    ByteBuffer heap = ByteBuffer.wrap(new byte[] {'a', 'b'});
    ByteBuffer direct = ByteBuffer.allocateDirect(1).put((byte) 'c').flip();
    assertEquals(3, s.tryWrite(heap, direct));
    assertEquals(0, heap.remaining());
    assertEquals(0, direct.remaining());
    assertArrayEquals(new byte[] {'a', 'b', 'c'}, TcpTestSupport.readFully(in, 3));
    assertEquals(3, s.bytesWritten());

    // Behind a queued write (the peer is not reading): nothing written, buffer untouched.
    byte[] big = new byte[BIG];
    Arrays.fill(big, (byte) 'q');
    CountDownLatch bigDone = new CountDownLatch(1);
    s.write(ByteBuffer.wrap(big), error -> bigDone.countDown());
    ByteBuffer x = ByteBuffer.wrap(new byte[] {'X'});
    assertEquals(0, s.tryWrite(x), "a write is queued");
    assertEquals(1, x.remaining());
    assertEquals(0, rl.call(() -> s.tryWrite(x)).longValue(), "also from the loop thread");
    // Right behind a write from the loop thread, before its completion was delivered.
    long behindOwnWrite = rl.call(() -> {
      s.write(ByteBuffer.wrap(new byte[] {'w'}), null);
      return s.tryWrite(ByteBuffer.wrap(new byte[] {'Y'}));
    });
    assertEquals(0, behindOwnWrite);

    // Drain: the peer gets the big write, then 'w', and never 'X' or 'Y' in between.
    byte[] got = TcpTestSupport.readFully(in, BIG + 1);
    for (int i = 0; i < BIG; i++) {
      if (got[i] != 'q') throw new AssertionError("byte " + i + " is " + (char) got[i]);
    }
    assertEquals('w', got[BIG]);
    await(bigDone, "big write completed");
    TcpTestSupport.waitUntil(() -> s.writeQueueSize() == 0, "queue drained");
    assertEquals(1, s.tryWrite(x), "idle again: written at once");
    assertEquals('X', in.read());
    assertEquals(3 + BIG + 1 + 1, s.bytesWritten());
    s.close();
  }
}
