package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.Events;
import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A refused connect reaches the handler exactly once as a java.net.ConnectException carrying
 * ECONNREFUSED and the address, and the stream is not closed by it: its owner closes it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpRefusedConnectNotClosedTest {
  private RunningLoop rl;

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  @Test
  void refusedConnectReportsOnceAndLeavesStreamOpen() throws Exception {
    rl = new RunningLoop("tcp-refused");
    InetSocketAddress nobody = TcpTestSupport.closedPort();
    List<IOException> errors = new CopyOnWriteArrayList<>();
    List<TcpStream> handlerStreams = new CopyOnWriteArrayList<>();
    List<Boolean> openInHandler = new CopyOnWriteArrayList<>();
    Events events = new Events();
    CountDownLatch connectDone = new CountDownLatch(1);
    TcpStream s = TcpStream.connect(rl.loop, nobody, (stream, error) -> {
      events.add("connect");
      handlerStreams.add(stream);
      errors.add(error);
      openInHandler.add(stream.isOpen());
      connectDone.countDown();
    });
    s.write(ByteBuffer.wrap(new byte[] {42}), error -> events.add("write " + (error == null
        ? "ok" : error.getClass().getSimpleName())));
    await(connectDone, "connect handler");
    Thread.sleep(100); // room for a wrong second call
    rl.run(() -> { });

    assertEquals(1, errors.size(), "handler runs exactly once");
    assertSame(s, handlerStreams.get(0));
    IOException e = errors.get(0);
    assertInstanceOf(ConnectException.class, e);
    NativeIOException facts = TcpTestSupport.assertFacts(e, "ECONNREFUSED", "connect");
    assertEquals(nobody, facts.address());
    assertTrue(e.getMessage().contains("ECONNREFUSED"), e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1:" + nobody.getPort()), e.getMessage());

    assertTrue(openInHandler.get(0), "open during the handler");
    assertTrue(s.isOpen(), "a refused connect does not close the stream");
    assertFalse(s.isConnecting());
    List<String> seen = events.snapshot();
    assertEquals("connect", seen.get(0), "connect reported first: " + seen);
    assertEquals(2, seen.size(), "queued write completes once: " + seen);
    assertFalse(seen.get(1).equals("write ok"), "a write queued on a refused connect fails");

    CountDownLatch closed = new CountDownLatch(1);
    s.onClose(closed::countDown);
    s.close();
    await(closed, "close callback");
    rl.run(() -> { });
    assertEquals(1, errors.size(), "closing afterwards does not call the connect handler again");
    assertEquals(nobody, s.remoteAddress());
  }
}
