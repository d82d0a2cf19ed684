package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.Events;
import io.holdfast.TcpTestSupport.FullBacklog;
import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connect that does not complete within its timeout fails exactly once with
 * ConnectTimeoutException, and the stream is closed. The connect is held in flight
 * deterministically on loopback by a listener whose accept queue is full (see
 * {@link FullBacklog}): the kernel drops the SYN and would retry only after a second.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpConnectTimeoutTest {
  private static final long TIMEOUT_MILLIS = 200;

  private RunningLoop rl;
  private FullBacklog backlog;

  @AfterEach
  void tearDown() {
    TcpTestSupport.closeQuietly(backlog);
    if (rl != null) rl.close();
  }

  @Test
  void connectTimesOutOnceAndClosesTheStream() throws Exception {
    rl = new RunningLoop("tcp-connect-timeout");
    backlog = new FullBacklog();
    List<IOException> errors = new CopyOnWriteArrayList<>();
    Events events = new Events();
    CountDownLatch closed = new CountDownLatch(1);
    long start = System.nanoTime();
    TcpStream s = TcpStream.connect(rl.loop, backlog.address(), (stream, error) -> {
      events.add("connect");
      errors.add(error);
    }, TcpStream.Options.defaults().connectTimeout(TIMEOUT_MILLIS));
    s.write(ByteBuffer.wrap(new byte[] {7}), error -> events.add(
        error instanceof OperationCanceledException ? "write canceled" : "write " + error));
    s.onClose(() -> {
      events.add("close");
      closed.countDown();
    });
    await(closed, "close after the connect timeout");
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    Thread.sleep(100); // room for a wrong second call
    rl.run(() -> { });

    assertEquals(List.of("connect", "write canceled", "close"), events.snapshot());
    assertEquals(1, errors.size());
    IOException e = errors.get(0);
    assertInstanceOf(ConnectTimeoutException.class, e);
    assertInstanceOf(SocketTimeoutException.class, e, "the JDK's conventional type");
    assertTrue(e.getMessage().contains(String.valueOf(backlog.address().getPort())),
        e.getMessage());
    assertTrue(elapsedMillis >= TIMEOUT_MILLIS - 5, "timed out after " + elapsedMillis + " ms");
    assertFalse(s.isOpen(), "a timed-out connect closes the stream");
    assertFalse(s.isConnecting());
    assertThrows(HandleClosedException.class, () -> s.write(ByteBuffer.allocate(1), null));
  }

  @Test
  void connectThatCompletesInTimeIsNotAffected() throws Exception {
    rl = new RunningLoop("tcp-connect-timeout");
    CountDownLatch accepted = new CountDownLatch(1);
    TcpListener l = TcpTestSupport.listen(rl.loop, stream -> accepted.countDown());
    TcpStream s = TcpTestSupport.connect(rl.loop, l.localAddress(),
        TcpStream.Options.defaults().connectTimeout(TIMEOUT_MILLIS));
    await(accepted, "accept");
    Thread.sleep(TIMEOUT_MILLIS * 2); // the timer must have been disarmed
    assertTrue(s.isOpen(), "a connected stream outlives its connect timeout");
    CountDownLatch written = new CountDownLatch(1);
    s.write(ByteBuffer.wrap(new byte[] {1}), error -> {
      if (error == null) written.countDown();
    });
    await(written, "write after connect");
    s.close();
    l.close();
  }
}
