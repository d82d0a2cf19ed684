package io.holdfast;

import static io.holdfast.IntrospectionTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * handles() shows each handle's addresses, bytes in and out and age; dump() prints one line per
 * handle; nothing leaks.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandleSnapshotShowsBytesAndAddressesTest {
  private static final int SIZE = 1000;

  @Test
  void snapshotShowsAddressesCountersAndAgeAndDumpHasALinePerHandle() throws Exception {
    int baseline = IntrospectionTestSupport.baselineFds();
    try (TcpTestSupport.RunningLoop rl = new TcpTestSupport.RunningLoop("hf-snapshot-bytes")) {
      EventLoop loop = rl.loop;
      CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
      TcpListener listener = TcpTestSupport.listen(loop, s -> {
        accepted.complete(s);
        LoopGroupTestSupport.echo(s);
      });
      TcpStream client = TcpTestSupport.connect(loop, listener.localAddress());
      TcpStream server = accepted.get(60, TimeUnit.SECONDS);
      AtomicLong echoed = new AtomicLong();
      client.readStart((s, data) -> echoed.addAndGet(data.remaining()));
      CompletableFuture<IOException> written = new CompletableFuture<>();
      client.write(ByteBuffer.allocateDirect(SIZE), written::complete);
      assertNull(written.get(60, TimeUnit.SECONDS));
      waitUntil(() -> echoed.get() == SIZE && server.bytesWritten() == SIZE,
          () -> "echo of " + SIZE + " bytes: " + echoed.get() + " back, server wrote "
              + server.bytesWritten());

      UdpSocket udp = UdpSocket.open(loop);
      udp.bind(new InetSocketAddress("127.0.0.1", 0));
      AtomicLong datagrams = new AtomicLong();
      udp.recvStart((s, data, from, truncated) -> datagrams.incrementAndGet());
      for (int i = 0; i < 3; i++) udp.send(ByteBuffer.allocate(10), udp.localAddress(), null);
      waitUntil(() -> datagrams.get() == 3 && udp.sendQueueCount() == 0,
          () -> "3 datagrams to self, " + datagrams.get() + " received");
      Timer timer = Timer.create(loop);

      Map<Long, HandleInfo> byToken = byToken(loop.handles());
      assertEquals(5, byToken.size(), byToken.values().toString());
      HandleInfo c = info(byToken, client);
      assertEquals("TcpStream", c.type());
      assertEquals("open", c.state());
      assertEquals(client.localAddress(), c.localAddress());
      assertEquals(listener.localAddress(), c.remoteAddress());
      assertEquals(SIZE, c.bytesWritten());
      assertEquals(SIZE, c.bytesRead());
      HandleInfo s = info(byToken, server);
      assertEquals(listener.localAddress(), s.localAddress());
      assertEquals(client.localAddress(), s.remoteAddress());
      assertEquals(SIZE, s.bytesRead());
      assertEquals(SIZE, s.bytesWritten());
      HandleInfo l = info(byToken, listener);
      assertEquals("TcpListener", l.type());
      assertEquals(listener.localAddress(), l.localAddress());
      assertNull(l.remoteAddress());
      assertEquals(0, l.bytesRead());
      HandleInfo u = info(byToken, udp);
      assertEquals(udp.localAddress(), u.localAddress());
      assertNull(u.remoteAddress());
      assertEquals(30, u.bytesRead());
      assertEquals(30, u.bytesWritten());
      HandleInfo t = info(byToken, timer);
      assertNull(t.localAddress());
      assertNull(t.remoteAddress());
      for (HandleInfo i : byToken.values()) assertTrue(!i.age().isNegative(), i.toString());

      // Age grows: at least the time slept since the first snapshot.
      Thread.sleep(50);
      HandleInfo c2 = info(byToken(loop.handles()), client);
      assertTrue(c2.age().compareTo(c.age().plus(Duration.ofMillis(50))) >= 0,
          c.age() + " then " + c2.age());

      String dump = loop.dump();
      String[] lines = dump.split("\n");
      assertEquals(1 + 5, lines.length, dump);
      assertTrue(lines[0].contains(loop.name()) && lines[0].contains("5 handles"), lines[0]);
      String clientLine = "TcpStream " + Handles.tokenString(client.token()) + " open local="
          + Handles.addressString(client.localAddress()) + " remote="
          + Handles.addressString(listener.localAddress()) + " in=" + SIZE + " out=" + SIZE;
      assertTrue(dump.contains(clientLine), clientLine + " missing from\n" + dump);

      TcpTestSupport.closeQuietly(client, server, listener, udp, timer);
      waitUntil(() -> loop.handles().isEmpty(), () -> "closed: " + loop.handles());
      assertEquals(1, loop.dump().split("\n").length, "only the header is left");
    }
    int now = CoreTestSupport.awaitFds(baseline, 60_000);
    assertTrue(now <= baseline, "fd leak: " + baseline + " open before, " + now + " after");
  }

  private static Map<Long, HandleInfo> byToken(List<HandleInfo> infos) {
    Map<Long, HandleInfo> m = new HashMap<>();
    for (HandleInfo i : infos) assertNull(m.put(i.token(), i), "listed twice: " + i);
    return m;
  }

  private static HandleInfo info(Map<Long, HandleInfo> byToken, Handle h) {
    HandleInfo i = byToken.get(h.token());
    assertTrue(i != null, h + " missing from " + byToken.values());
    return i;
  }
}
