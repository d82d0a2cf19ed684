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
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing a stream whose connect is in flight: the connect handler gets exactly one
 * OperationCanceledException, a write queued behind the connect is canceled after it, and both
 * run before the close callback.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpCloseWhileConnectingTest {
  private RunningLoop rl;
  private FullBacklog backlog;

  @AfterEach
  void tearDown() {
    TcpTestSupport.closeQuietly(backlog);
    if (rl != null) rl.close();
  }

  private static void assertCanceledOnce(Events events, List<IOException> connectErrors) {
    assertEquals(List.of("connect", "write", "close"), events.snapshot(), "callback order");
    assertEquals(1, connectErrors.size());
    assertInstanceOf(OperationCanceledException.class, connectErrors.get(0));
  }

  /** The connect is pending in the kernel (its SYN was dropped); closed from another thread. */
  @Test
  void closeFromAnotherThreadWhileTheKernelIsConnecting() throws Exception {
    rl = new RunningLoop("tcp-close-connecting");
    backlog = new FullBacklog();
    Events events = new Events();
    List<IOException> connectErrors = new CopyOnWriteArrayList<>();
    List<IOException> writeErrors = new CopyOnWriteArrayList<>();
    CountDownLatch closed = new CountDownLatch(1);
    TcpStream s = TcpStream.connect(rl.loop, backlog.address(), (stream, error) -> {
      events.add("connect");
      connectErrors.add(error);
    });
    s.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), error -> {
      events.add("write");
      writeErrors.add(error);
    });
    s.onClose(() -> {
      events.add("close");
      closed.countDown();
    });
    Thread.sleep(100); // the SYN is out and dropped; nothing can complete for a second
    assertTrue(s.isConnecting(), "connect still in flight");
    assertTrue(events.snapshot().isEmpty(), "nothing completed yet: " + events);
    s.close();
    assertFalse(s.isOpen(), "stale as soon as close returns");
    await(closed, "close callback");
    rl.run(() -> { });
    assertCanceledOnce(events, connectErrors);
    assertInstanceOf(OperationCanceledException.class, writeErrors.get(0));
    assertFalse(s.isConnecting());
    assertEquals(backlog.address(), s.remoteAddress(), "address stays readable");
    assertThrows(HandleClosedException.class, () -> s.write(ByteBuffer.allocate(1), null));
    assertThrows(HandleClosedException.class, () -> s.readStart((st, d) -> { }));
  }

  /**
   * close() from another thread after the loop has already fetched the connect's success but
   * before delivering it: once close() has returned the handler must not hear "connected" (it
   * would go on to use a closed stream); it gets OperationCanceledException.
   *
   * <p>Made deterministic by ordering one batch: a write completion of another stream, emitted
   * in the task that starts the connect, is delivered before the connect's outcome (fetched by
   * the next poll), and its callback holds the loop thread until close() has returned.
   */
  @Test
  void connectOutcomeFetchedBeforeCloseIsDeliveredAsCanceled() throws Exception {
    rl = new RunningLoop("tcp-close-connecting");
    try (TcpTestSupport.Pair p = TcpTestSupport.pair(rl.loop)) {
      TcpListener target = TcpTestSupport.listen(rl.loop, stream -> stream.close());
      List<IOException> outcomes = new CopyOnWriteArrayList<>();
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch closed = new CountDownLatch(1);
      AtomicReference<TcpStream> ref = new AtomicReference<>();
      rl.run(() -> {
        TcpStream s = TcpStream.connect(rl.loop, target.localAddress(),
            (stream, error) -> outcomes.add(error));
        s.onClose(closed::countDown);
        ref.set(s);
        p.client.write(ByteBuffer.wrap(new byte[] {1}), error -> {
          holding.countDown();
          try {
            release.await(TcpTestSupport.WAIT_MILLIS, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      });
      await(holding, "loop thread held in the batch");
      ref.get().close();
      release.countDown();
      await(closed, "close callback");
      rl.run(() -> { });
      assertEquals(1, outcomes.size(), "exactly one outcome: " + outcomes);
      assertInstanceOf(OperationCanceledException.class, outcomes.get(0),
          "closed before the outcome was delivered: " + outcomes);
      target.close();
    }
  }

  /**
   * Closed in the loop turn that started the connect, so the connect cannot have completed as far
   * as the loop knows, even against a listener that would accept it at once.
   */
  @Test
  void closeInTheSameLoopTurnAsConnect() throws Exception {
    rl = new RunningLoop("tcp-close-connecting");
    CountDownLatch accepted = new CountDownLatch(1);
    TcpListener l = TcpTestSupport.listen(rl.loop, stream -> {
      accepted.countDown();
      stream.close();
    });
    InetSocketAddress address = l.localAddress();
    Events events = new Events();
    List<IOException> connectErrors = new CopyOnWriteArrayList<>();
    CountDownLatch closed = new CountDownLatch(1);
    AtomicReference<TcpStream> ref = new AtomicReference<>();
    rl.run(() -> {
      TcpStream s = TcpStream.connect(rl.loop, address, (stream, error) -> {
        events.add("connect");
        connectErrors.add(error);
      });
      ref.set(s);
      s.write(ByteBuffer.wrap(new byte[] {1}), error -> {
        events.add("write");
        if (!(error instanceof OperationCanceledException)) {
          events.add("unexpected write result " + error);
        }
      });
      s.onClose(() -> {
        events.add("close");
        closed.countDown();
      });
      assertTrue(s.isConnecting());
      s.close();
    });
    await(closed, "close callback");
    Thread.sleep(100); // a late connect completion would show up now
    rl.run(() -> { });
    assertCanceledOnce(events, connectErrors);
    assertFalse(ref.get().isConnecting());
    l.close();
  }
}
