package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bound, receiving UdpSocket of loop A is passed over a pipe to a pipe end owned by loop B: the
 * sender's object is stale at once with reason MOVED and stops receiving, the receiver gets a
 * live UdpSocket of loop B on the same port that receives the datagrams sent to that port (all
 * of them: loop A no longer reads the socket) and sends from it; no fd is left over.
 */
class PipeSendUdpSocketToOtherLoopTest {
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void udpSocketCrossesThePipeAndKeepsItsPort() throws Exception {
    UdpTestSupport.baselineFdCount(); // warms up UDP, then pipes and TCP
    int baseline = PipeTestSupport.baselineFdCount();
    try (PipeTestSupport.Running a = new PipeTestSupport.Running("udp-sender");
        PipeTestSupport.Running b = new PipeTestSupport.Running("udp-receiver");
        DatagramSocket peer = PipeUdpPassSupport.peer()) {
      PipeStream.Pair pair = PipeStream.pair(a.loop);
      CompletableFuture<PipeStream> moved = new CompletableFuture<>();
      pair.second().transferTo(b.loop, moved::complete);
      PipeStream onB = moved.get(PipeUdpPassSupport.WAIT_SECONDS, TimeUnit.SECONDS);
      PipeUdpPassSupport.HandleCollector arrivals = new PipeUdpPassSupport.HandleCollector();
      onB.readStart(arrivals);

      UdpSocket original = PipeUdpPassSupport.bound(a.loop);
      InetSocketAddress address = original.localAddress();
      UdpTestSupport.Collector onA = new UdpTestSupport.Collector();
      original.recvStart(onA);
      PipeUdpPassSupport.send(peer, "before", address);
      assertEquals("before", PipeUdpPassSupport.next(onA).text());

      CompletableFuture<IOException> sent = new CompletableFuture<>();
      pair.first().send(original, sent::complete);
      assertFalse(original.isOpen());
      assertFalse(original.isReceiving());
      HandleClosedException stale = assertThrows(HandleClosedException.class,
          () -> original.send(UdpTestSupport.text("x"), address, null));
      assertEquals(HandleClosedException.Reason.MOVED, stale.reason());
      assertEquals(HandleClosedException.Reason.MOVED, assertThrows(HandleClosedException.class,
          () -> original.recvStart(onA)).reason());
      assertEquals(HandleClosedException.Reason.MOVED, assertThrows(HandleClosedException.class,
          original::recvStop).reason());
      assertEquals(address, original.localAddress(), "addresses stay readable");
      assertNull(sent.get(PipeUdpPassSupport.WAIT_SECONDS, TimeUnit.SECONDS));

      UdpSocket received = arrivals.nextUdp();
      assertEquals("udp-receiver", arrivals.threads.take());
      assertSame(b.loop, received.loop());
      assertTrue(received.isOpen());
      assertTrue(received.isBound());
      assertFalse(received.isConnected());
      assertFalse(received.isReceiving());
      assertEquals(address, received.localAddress());
      assertEquals(0, PipeUdpPassSupport.udpCount(a.loop));
      assertEquals(1, PipeUdpPassSupport.udpCount(b.loop));

      // Every datagram to the port now reaches loop B: loop A reads the socket no more.
      UdpTestSupport.Collector collector = new UdpTestSupport.Collector();
      received.recvStart(collector);
      for (int i = 0; i < 20; i++) PipeUdpPassSupport.send(peer, "ping " + i, address);
      for (int i = 0; i < 20; i++) {
        UdpTestSupport.Datagram d = PipeUdpPassSupport.next(collector);
        assertEquals("ping " + i, d.text());
        assertEquals(peer.getLocalPort(), d.sender().getPort());
        assertEquals("udp-receiver", d.thread());
      }
      assertTrue(onA.datagrams.isEmpty(), () -> "loop A still received " + onA.datagrams);

      UdpTestSupport.Outcome reply = new UdpTestSupport.Outcome();
      received.send(UdpTestSupport.text("pong"),
          (InetSocketAddress) peer.getLocalSocketAddress(), reply);
      assertNull(reply.result.get(PipeUdpPassSupport.WAIT_SECONDS, TimeUnit.SECONDS));
      PipeUdpPassSupport.expect(peer, "pong", address.getPort());

      received.close();
      onB.close();
      pair.first().close();
    }
    OwnershipTestSupport.assertNoFdLeak(baseline);
  }
}
