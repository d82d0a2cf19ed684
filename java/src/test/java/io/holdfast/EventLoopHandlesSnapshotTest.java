package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * handles() lists the live handles with their type, token and state. Waits are generous (a
 * minute): this once timed out on a very slow CI machine with 5-second waits.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventLoopHandlesSnapshotTest {

  @Test
  void snapshotListsLiveHandlesWithTypeTokenAndState() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      assertEquals(List.of(), loop.handles(), "a new loop has no handles");
      // A referenced ticking timer: every runOnce() polls, and no poll waits more than 5 ms.
      Timer tick = Timer.create(loop);
      tick.start(5, 5, () -> {});
      Timer timer = Timer.create(loop);
      TcpListener listener = TcpListener.bind(loop,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      AtomicReference<TcpStream> accepted = new AtomicReference<>();
      listener.listen(accepted::set);
      AtomicReference<IOException> connectError = new AtomicReference<>(new IOException("pending"));
      TcpStream client = TcpStream.connect(loop, listener.localAddress(),
          (s, err) -> connectError.set(err));
      turnUntil(loop, () -> accepted.get() != null && connectError.get() == null, "connect");

      Map<Long, HandleInfo> byToken = snapshot(loop);
      assertEquals(5, byToken.size(), "live handles: " + byToken.values());
      assertInfo(byToken, tick, "Timer", "open");
      assertInfo(byToken, timer, "Timer", "open");
      assertInfo(byToken, listener, "TcpListener", "open");
      assertInfo(byToken, client, "TcpStream", "open");
      assertInfo(byToken, accepted.get(), "TcpStream", "open");

      // Closed but not yet through the loop: still in the table, as closing.
      AtomicInteger firstCloses = new AtomicInteger();
      timer.onClose(firstCloses::incrementAndGet);
      client.onClose(firstCloses::incrementAndGet);
      timer.close();
      client.close();
      byToken = snapshot(loop);
      assertEquals(5, byToken.size(), "live handles: " + byToken.values());
      assertInfo(byToken, timer, "Timer", "closing");
      assertInfo(byToken, client, "TcpStream", "closing");
      // Read-only facts stay readable while closing: the addresses are still listed.
      assertEquals(client.localAddress(), byToken.get(client.token()).localAddress());
      assertEquals(listener.localAddress(), byToken.get(client.token()).remoteAddress());
      assertInfo(byToken, listener, "TcpListener", "open");

      // Once the loop has delivered their close events, they are gone.
      loop.runOnce();
      assertEquals(2, firstCloses.get(), "close callbacks after one turn");
      byToken = snapshot(loop);
      assertEquals(3, byToken.size(), "live handles: " + byToken.values());
      assertInfo(byToken, tick, "Timer", "open");
      assertInfo(byToken, listener, "TcpListener", "open");
      assertInfo(byToken, accepted.get(), "TcpStream", "open");
      String text = loop.handles().toString();
      assertTrue(text.contains("TcpListener " + Handles.tokenString(listener.token()) + " open"),
          text);

      // A handle leaves the table when its close is delivered: once every close callback ran,
      // the table is empty.
      AtomicInteger closeCallbacks = new AtomicInteger();
      for (Handle h : new Handle[] {tick, listener, accepted.get()}) {
        h.onClose(closeCallbacks::incrementAndGet);
        h.close();
      }
      loop.runOnce();
      assertEquals(3, closeCallbacks.get(), "close callbacks after one turn");
      assertEquals(List.of(), loop.handles());
    }
  }

  @Test
  void snapshotFromAnotherThreadWhileTheLoopRuns() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("hf-snapshot-test");
      List<Timer> timers = new ArrayList<>();
      for (int i = 0; i < 2000; i++) timers.add(Timer.create(loop)); // more than one batch of 1024
      List<HandleInfo> infos = loop.handles();
      assertEquals(timers.size(), infos.size());
      for (HandleInfo info : infos) {
        assertEquals("Timer", info.type());
        assertEquals("open", info.state());
      }
      for (Timer t : timers) t.close();
      CompletableFuture<List<HandleInfo>> later = new CompletableFuture<>();
      Timer probe = Timer.create(loop);
      // On the loop thread, some turns later: the closed timers' slots have been released.
      probe.start(50, () -> later.complete(loop.handles()));
      List<HandleInfo> left = later.get(60, TimeUnit.SECONDS);
      assertEquals(1, left.size(), "left after closing 2000 timers: " + left.size());
      assertEquals(probe.token(), left.get(0).token());
    }
  }

  private static void turnUntil(EventLoop loop, BooleanSupplier cond, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!cond.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      loop.runOnce();
    }
  }

  private static Map<Long, HandleInfo> snapshot(EventLoop loop) {
    Map<Long, HandleInfo> byToken = new HashMap<>();
    for (HandleInfo info : loop.handles()) {
      HandleInfo previous = byToken.put(info.token(), info);
      assertNull(previous, "token listed twice: " + info);
    }
    return byToken;
  }

  private static void assertInfo(Map<Long, HandleInfo> byToken, Handle h, String type,
      String state) {
    HandleInfo info = byToken.get(h.token());
    assertTrue(info != null, h + " missing from " + byToken.values());
    assertEquals(type, info.type(), "type of " + h);
    assertEquals(state, info.state(), "state of " + h);
  }
}
