package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.Pair;
import io.holdfast.TcpTestSupport.RunningLoop;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Options work on an open stream; on a closed one every option and operation throws
 * HandleClosedException (never an errno, never silent success), while counters and addresses
 * stay readable and close stays idempotent.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpOptionsOnClosedStreamTest {
  private RunningLoop rl;

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  private static void closed(Executable e) {
    HandleClosedException x = assertThrows(HandleClosedException.class, e);
    assertEquals(HandleClosedException.Reason.CLOSED, x.reason());
    assertEquals("TcpStream", x.handleType());
  }

  @Test
  void everyOptionThrowsHandleClosedAfterClose() throws Exception {
    rl = new RunningLoop("tcp-options-closed");
    Pair p = TcpTestSupport.pair(rl.loop);
    TcpStream s = p.client;
    try {
      // Options work while open.
      s.setNoDelay(false);
      s.setNoDelay(true);
      s.setKeepAlive(true, 30, 5, 3);
      s.setKeepAlive(false, 0);
      s.setSendBufferSize(64 << 10);
      s.setReceiveBufferSize(64 << 10);
      assertTrue(s.sendBufferSize() >= 64 << 10, "Linux doubles the request");
      assertTrue(s.receiveBufferSize() >= 64 << 10);
      s.setTimeout(10_000, () -> { });
      s.setTimeout(0, null);
      CountDownLatch written = new CountDownLatch(1);
      s.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), error -> written.countDown());
      await(written, "write");
    } finally {
      p.close();
    }
    SocketAddress local = s.localAddress();
    SocketAddress remote = s.remoteAddress();
    assertNotNull(local);
    assertNotNull(remote);

    closed(() -> s.setNoDelay(true));
    closed(() -> s.setKeepAlive(true, 10));
    closed(() -> s.setKeepAlive(true, 10, 5, 3));
    closed(() -> s.setSendBufferSize(4096));
    closed(() -> s.setReceiveBufferSize(4096));
    closed(s::sendBufferSize);
    closed(s::receiveBufferSize);
    closed(() -> s.setTimeout(100, () -> { }));
    closed(() -> s.setTimeout(0, null));
    closed(() -> s.readStart((st, d) -> { }));
    closed(s::readStop);
    closed(() -> s.write(ByteBuffer.allocate(1), null));
    closed(() -> s.write(new ByteBuffer[] {ByteBuffer.allocate(1)}, null));
    closed(() -> s.tryWrite(ByteBuffer.allocate(1)));
    closed(() -> s.shutdown(null));
    assertFalse(s.tryReadStart((st, d) -> { }));

    // Facts stay readable; close stays harmless.
    assertFalse(s.isOpen());
    assertFalse(s.isReading());
    assertEquals(3, s.bytesWritten());
    assertEquals(0, s.bytesRead());
    assertEquals(0, s.writeQueueSize());
    assertEquals(local, s.localAddress());
    assertEquals(remote, s.remoteAddress());
    assertDoesNotThrow(s::close);
    assertDoesNotThrow(s::closeReset);
    assertDoesNotThrow(() -> s.setWriteBufferWaterMarks(1, 2));
    CountDownLatch onClose = new CountDownLatch(1);
    s.onClose(onClose::countDown);
    await(onClose, "onClose on a closed stream runs at once");
  }
}
