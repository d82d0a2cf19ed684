package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.TcpTestSupport.RunningLoop;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 1,000 connect/close cycles against a Holdfast listener (closing after the connect, abortively,
 * and while still connecting) leave the process's fd count where it started, and only the
 * listener in the loop's handle table.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpFdCountAfterConnectCloseCyclesTest {
  private static final int CYCLES = 1000;

  private RunningLoop rl;

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  private final AtomicInteger serverOpen = new AtomicInteger();

  private void cycles(TcpListener l, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      int mode = i % 3;
      CountDownLatch connected = new CountDownLatch(1);
      CountDownLatch closed = new CountDownLatch(1);
      TcpStream c = TcpStream.connect(rl.loop, l.localAddress(), (s, error) -> {
        if (error == null) {
          try {
            s.write(ByteBuffer.wrap(new byte[] {1}), null);
          } catch (HandleClosedException closedMeanwhile) {
            // mode 2 closes from the test thread at any moment
          }
        }
        connected.countDown();
      });
      c.onClose(closed::countDown);
      if (mode == 2) {
        c.close(); // while connecting
      } else {
        await(connected, "connect " + i);
        if (mode == 0) c.close();
        else c.closeReset();
      }
      await(closed, "close " + i);
    }
  }

  @Test
  void fdCountReturnsToBaseline() throws Exception {
    rl = new RunningLoop("tcp-fd-cycles");
    // Accepted streams read until the peer ends or resets them, then close.
    TcpListener l = TcpTestSupport.listen(rl.loop, s -> {
      serverOpen.incrementAndGet();
      s.onClose(serverOpen::decrementAndGet);
      TcpTestSupport.unchecked(() -> s.readStart((st, data) -> { }));
    });
    cycles(l, 30); // warm-up: classes loaded, loop buffers allocated
    TcpTestSupport.waitUntil(() -> serverOpen.get() == 0, "warm-up streams closed");
    int baseline = TcpTestSupport.fdCount();

    cycles(l, CYCLES);
    TcpTestSupport.waitUntil(() -> serverOpen.get() == 0,
        () -> serverOpen.get() + " accepted streams still open");
    TcpTestSupport.assertFdsBackTo(baseline, "after " + CYCLES + " connect/close cycles");
    assertEquals(1, rl.loop.handles().size(), "only the listener is left: " + rl.loop.handles());
    l.close();
  }
}
