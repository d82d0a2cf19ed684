package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 writes to a peer that never reads, then close: every callback runs exactly once and in
 * write order, the ones the kernel took succeed, the unsent ones get OperationCanceledException,
 * and all of them run before the close callback.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpWriteQueueOrderTest {
  private static final int WRITES = 10_000;
  private static final int SIZE = 4096; // 40 MB in all: far more than loopback buffers hold

  private RunningLoop rl;
  private ServerSocket server;
  private Socket peer;

  @AfterEach
  void tearDown() throws Exception {
    TcpTestSupport.closeQuietly(peer, server);
    if (rl != null) rl.close();
  }

  /** Results per write, written on the loop thread only; read after the close latch. */
  private static final class Outcome {
    final List<Integer> order = new ArrayList<>();
    final List<IOException> results = new ArrayList<>();
    int closeCallbackAfter = -1;
  }

  private void writeThenClose(boolean fromLoopThread) throws Exception {
    rl = new RunningLoop("tcp-write-order");
    server = TcpTestSupport.javaServer(1);
    TcpStream s = TcpTestSupport.connect(rl.loop, TcpTestSupport.loopback(server.getLocalPort()));
    peer = server.accept(); // never reads
    ByteBuffer shared = ByteBuffer.allocateDirect(SIZE);
    Outcome out = new Outcome();
    CountDownLatch closed = new CountDownLatch(1);
    TcpTestSupport.ThrowingRunnable burst = () -> {
      for (int i = 0; i < WRITES; i++) {
        int index = i;
        s.write(shared.duplicate(), error -> {
          out.order.add(index);
          out.results.add(error);
        });
      }
      s.onClose(() -> {
        out.closeCallbackAfter = out.order.size();
        closed.countDown();
      });
      s.close();
    };
    if (fromLoopThread) {
      rl.run(burst);
    } else {
      burst.run();
    }
    await(closed, "close callback");
    rl.run(() -> { }); // a barrier: any late callback would have run by now

    assertEquals(WRITES, out.order.size(), "every write completes exactly once");
    for (int i = 0; i < WRITES; i++) {
      assertEquals(i, out.order.get(i).intValue(), "completion order at position " + i);
    }
    assertEquals(WRITES, out.closeCallbackAfter, "close callback runs after every write callback");
    int succeeded = 0;
    while (succeeded < WRITES && out.results.get(succeeded) == null) succeeded++;
    assertTrue(succeeded < WRITES, "a peer that never reads cannot take 40 MB");
    for (int i = succeeded; i < WRITES; i++) {
      assertInstanceOf(OperationCanceledException.class, out.results.get(i),
          "write " + i + " (after " + succeeded + " successes) is canceled, not failed");
    }
    assertFalse(s.isOpen());
    assertEquals(0, s.writeQueueSize());
    assertEquals((long) succeeded * SIZE, s.bytesWritten());
  }

  @Test
  void writesFromAnotherThreadCompleteInOrderBeforeCloseCallback() throws Exception {
    writeThenClose(false);
  }

  @Test
  void writesFromTheLoopThreadCompleteInOrderBeforeCloseCallback() throws Exception {
    writeThenClose(true);
  }
}
