package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing a loop closes every handle on it: close callbacks run once, pending writes complete as
 * canceled once, the native table empties and every fd the loop opened is closed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventLoopCloseClosesHandlesTest {
  private static final InetSocketAddress ANY_LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  @BeforeAll
  static void warmUp() throws Exception {
    // Load every class (and anything the JDK opens lazily) before fds are counted.
    try (EventLoop loop = EventLoop.create()) {
      loop.start("hf-close-warmup");
      Pair p = Pair.open(loop);
      p.client.write(ByteBuffer.allocateDirect(16), err -> {});
      loop.handles();
    }
  }

  /** A connected client and its accepted server-side stream. */
  private static final class Pair {
    final TcpListener listener;
    final TcpStream client;
    final TcpStream server;

    Pair(TcpListener listener, TcpStream client, TcpStream server) {
      this.listener = listener;
      this.client = client;
      this.server = server;
    }

    static Pair open(EventLoop loop) throws Exception {
      CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
      TcpListener listener = TcpListener.bind(loop, ANY_LOOPBACK);
      listener.listen(accepted::complete);
      CompletableFuture<IOException> connected = new CompletableFuture<>();
      TcpStream client = TcpStream.connect(loop, listener.localAddress(),
          (s, err) -> connected.complete(err));
      assertNull(connected.get(10, TimeUnit.SECONDS), "connect");
      return new Pair(listener, client, accepted.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void closeClosesTimersListenerAndStreamsAndCancelsPendingWrites() throws Exception {
    int baselineFds = CoreTestSupport.openFds();
    EventLoop loop = EventLoop.create();
    Thread loopThread = loop.start("hf-loop-close-test");

    AtomicInteger timerFires = new AtomicInteger();
    Timer far = Timer.create(loop);
    far.start(60_000, timerFires::incrementAndGet);
    Timer repeating = Timer.create(loop);
    repeating.start(5, 5, () -> {});
    Timer idle = Timer.create(loop);

    Pair quiet = Pair.open(loop); // the server side never reads: the client's writes pile up
    Pair busy = Pair.open(loop); // both sides read
    busy.server.readStart((s, d) -> {});
    busy.client.readStart((s, d) -> {});
    quiet.client.setSendBufferSize(16 * 1024);
    quiet.server.setReceiveBufferSize(16 * 1024);

    List<Handle> handles = List.of(far, repeating, idle, quiet.listener, quiet.client,
        quiet.server, busy.listener, busy.client, busy.server);
    Map<Handle, AtomicInteger> closeCalls = new ConcurrentHashMap<>();
    AtomicInteger closedSoFar = new AtomicInteger();
    AtomicReference<List<HandleInfo>> tableAtLastClose = new AtomicReference<>();
    List<Thread> closeThreads = new CopyOnWriteArrayList<>();
    for (Handle h : handles) {
      closeCalls.put(h, new AtomicInteger());
      h.onClose(() -> {
        closeCalls.get(h).incrementAndGet();
        closeThreads.add(Thread.currentThread());
        if (closedSoFar.incrementAndGet() == handles.size()) {
          tableAtLastClose.set(loop.handles());
        }
      });
    }

    List<HandleInfo> before = loop.handles();
    assertEquals(handles.size(), before.size(), "live handles before close: " + before);

    // Queue far more than the kernel buffers hold.
    int writes = 64;
    ByteBuffer chunk = ByteBuffer.allocateDirect(256 * 1024);
    List<AtomicInteger> writeCalls = new ArrayList<>();
    List<IOException> writeErrors = new CopyOnWriteArrayList<>();
    for (int i = 0; i < writes; i++) {
      AtomicInteger calls = new AtomicInteger();
      writeCalls.add(calls);
      quiet.client.write(chunk.duplicate(), err -> {
        calls.incrementAndGet();
        if (err != null) writeErrors.add(err);
      });
    }
    // Let the loop push what the kernel takes; the rest stays queued.
    Thread.sleep(100);
    assertTrue(quiet.client.writeQueueSize() > 0, "nothing left queued: the test needs a backlog");

    loop.close();

    assertTrue(loop.isClosed(), "isClosed() after close()");
    assertFalse(loopThread.isAlive(), "the started loop thread ended");
    for (Handle h : handles) {
      assertEquals(1, closeCalls.get(h).get(), "close callbacks of " + h);
      assertFalse(h.isOpen(), h + " is open after its loop closed");
    }
    for (Thread t : closeThreads) assertEquals(loopThread, t, "close callback thread");
    assertNotNull(tableAtLastClose.get(), "the last close callback did not run");
    // A handle leaves the native table when its close is delivered: at the last close callback,
    // before the loop is freed, the table is empty.
    assertEquals(List.of(), tableAtLastClose.get(), "native table at the last close callback");
    assertEquals(0, loop.liveHandleCount(), "handles Java still knows after close()");

    int canceled = 0;
    for (int i = 0; i < writes; i++) {
      assertEquals(1, writeCalls.get(i).get(), "callbacks of write " + i);
    }
    for (IOException e : writeErrors) {
      assertInstanceOf(OperationCanceledException.class, e, "a write failed otherwise: " + e);
      canceled++;
    }
    assertTrue(canceled > 0, "no write was pending at close");
    assertEquals(0, timerFires.get(), "the 60 s timer fired");

    assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> {}));
    assertThrows(IllegalStateException.class, loop::handles);
    assertThrows(IllegalStateException.class, () -> Timer.create(loop));
    assertThrows(HandleClosedException.class, () -> far.start(1, () -> {}));
    assertThrows(HandleClosedException.class, () -> quiet.client.write(chunk.duplicate(), null));
    loop.close(); // idempotent

    int fds = CoreTestSupport.awaitFds(baselineFds, 2000);
    assertEquals(baselineFds, fds, "open fds after the loop closed");
  }

  @Test
  void closeFromACallbackTakesEffectAtTheEndOfTheTurn() throws Exception {
    int baselineFds = CoreTestSupport.openFds();
    EventLoop loop = EventLoop.create();
    AtomicInteger closeCallbacks = new AtomicInteger();
    List<String> fired = new ArrayList<>();
    AtomicReference<Boolean> closedInsideTurn = new AtomicReference<>();
    Timer a = Timer.create(loop);
    Timer b = Timer.create(loop);
    Timer never = Timer.create(loop);
    a.onClose(closeCallbacks::incrementAndGet);
    b.onClose(closeCallbacks::incrementAndGet);
    never.onClose(closeCallbacks::incrementAndGet);
    TcpListener listener = TcpListener.bind(loop, ANY_LOOPBACK);
    listener.listen(s -> {});
    listener.onClose(closeCallbacks::incrementAndGet);
    loop.execute(() -> {
      try {
        a.start(10, () -> {
          fired.add("a");
          loop.close();
          closedInsideTurn.set(loop.isClosed());
        });
        b.start(10, () -> fired.add("b")); // same turn: still runs
        never.start(500, () -> fired.add("never"));
        Thread.sleep(40); // hold the loop: a and b are both due at the next poll, in one turn
      } catch (HandleClosedException | InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    loop.run();
    assertTrue(loop.isClosed());
    assertEquals(List.of("a", "b"), fired);
    assertEquals(Boolean.FALSE, closedInsideTurn.get(), "close() from a callback waits for the turn");
    assertEquals(4, closeCallbacks.get());
    assertThrows(IllegalStateException.class, loop::run);
    assertEquals(baselineFds, CoreTestSupport.awaitFds(baselineFds, 2000), "open fds");
  }

  @Test
  void closeOfAnIdleLoopClosesItsHandles() throws Exception {
    int baselineFds = CoreTestSupport.openFds();
    EventLoop loop = EventLoop.create();
    AtomicInteger closeCallbacks = new AtomicInteger();
    Timer t = Timer.create(loop);
    t.start(1000, () -> {});
    t.onClose(closeCallbacks::incrementAndGet);
    TcpListener listener = TcpListener.bind(loop, ANY_LOOPBACK);
    listener.onClose(closeCallbacks::incrementAndGet);
    assertEquals(2, loop.handles().size());
    loop.close(); // nobody runs the loop: close() does the turns itself
    assertTrue(loop.isClosed());
    assertEquals(2, closeCallbacks.get());
    assertFalse(t.isOpen());
    assertFalse(listener.isOpen());
    assertEquals(baselineFds, CoreTestSupport.awaitFds(baselineFds, 2000), "open fds");
  }
}
