package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writing to a connection whose peer is gone (we have not noticed: we are not reading) fails
 * through the write callbacks with EPIPE or ECONNRESET, each callback once; the loop and later
 * writes carry on. (The native send uses MSG_NOSIGNAL; a JVM would absorb a SIGPIPE anyway, so
 * the signal itself is the C tests' business: this test checks the error path.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpWriteToHalfOpenConnectionTest {
  private RunningLoop rl;
  private ServerSocket server;

  @AfterEach
  void tearDown() {
    TcpTestSupport.closeQuietly(server);
    if (rl != null) rl.close();
  }

  private void writeUntilFailure(boolean peerResets) throws Exception {
    rl = new RunningLoop("tcp-write-gone-peer");
    server = TcpTestSupport.javaServer(4);
    TcpStream s = TcpTestSupport.connect(rl.loop, TcpTestSupport.loopback(server.getLocalPort()));
    Socket peer = server.accept();
    if (peerResets) peer.setSoLinger(true, 0);
    peer.close(); // FIN (or RST); the next segment we send is answered with RST

    List<IOException> results = new CopyOnWriteArrayList<>();
    IOException failure = null;
    for (int i = 0; i < 200 && failure == null; i++) {
      CountDownLatch done = new CountDownLatch(1);
      s.write(ByteBuffer.wrap(new byte[1024]), error -> {
        results.add(error);
        done.countDown();
      });
      await(done, "write callback " + i);
      failure = results.get(results.size() - 1);
      if (failure == null) Thread.sleep(5); // give the peer's RST time to arrive
    }
    assertNotNull(failure, "writes to a gone peer eventually fail: " + results);
    NativeIOException facts = io.holdfast.internal.Errors.facts(failure);
    assertNotNull(facts, failure.toString());
    assertEquals("write", facts.syscall());
    assertTrue(facts.code().equals("EPIPE") || facts.code().equals("ECONNRESET"),
        "EPIPE or ECONNRESET: " + failure);

    // Later writes fail the same way, through their callback, exactly once each.
    CountDownLatch more = new CountDownLatch(3);
    List<IOException> later = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      s.write(ByteBuffer.wrap(new byte[16]), error -> {
        later.add(error);
        more.countDown();
      });
    }
    await(more, "later write callbacks");
    rl.run(() -> { });
    assertEquals(3, later.size());
    for (IOException e : later) {
      assertNotNull(e, "a write to a gone peer cannot succeed");
      String code = io.holdfast.internal.Errors.facts(e).code();
      assertTrue(code.equals("EPIPE") || code.equals("ECONNRESET"), e.toString());
    }
    s.close();
  }

  @Test
  void peerClosedWritesFailWithEpipeNotSigpipe() throws Exception {
    writeUntilFailure(false);
  }

  @Test
  void peerResetWritesFailWithEconnresetOrEpipe() throws Exception {
    writeUntilFailure(true);
  }
}
