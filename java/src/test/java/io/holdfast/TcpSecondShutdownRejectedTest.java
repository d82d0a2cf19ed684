package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.Events;
import io.holdfast.TcpTestSupport.Pair;
import io.holdfast.TcpTestSupport.RunningLoop;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A second shutdown() is rejected with IllegalStateException, before and after the first one
 * completed; its callback never runs and the first callback runs exactly once.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpSecondShutdownRejectedTest {
  private RunningLoop rl;

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  @Test
  void secondShutdownThrowsAndFirstCompletesOnce() throws Exception {
    rl = new RunningLoop("tcp-second-shutdown");
    try (Pair p = TcpTestSupport.pair(rl.loop)) {
      Events events = new Events();
      CountDownLatch shut = new CountDownLatch(1);
      CountDownLatch peerEnded = new CountDownLatch(1);
      p.server.readStart(new ReadHandler() {
        @Override
        public void onData(Stream stream, java.nio.ByteBuffer data) {}

        @Override
        public void onEnd(Stream stream) {
          peerEnded.countDown();
        }
      });
      p.client.shutdown(error -> {
        events.add(error == null ? "first" : "first failed: " + error);
        shut.countDown();
      });
      assertThrows(IllegalStateException.class,
          () -> p.client.shutdown(error -> events.add("second")));
      await(shut, "first shutdown callback");
      await(peerEnded, "peer sees EOF");
      assertThrows(IllegalStateException.class,
          () -> p.client.shutdown(error -> events.add("third")));
      assertThrows(IllegalStateException.class, () -> p.client.shutdown(null));
      rl.run(() -> { });
      assertEquals(List.of("first"), events.snapshot());
      assertTrue(p.client.isOpen(), "a rejected shutdown does not close the stream");
    }
  }
}
