package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.UdpTestSupport.Collector;
import io.holdfast.UdpTestSupport.Datagram;
import io.holdfast.UdpTestSupport.Outcome;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A datagram goes to a bound IPv4 socket and a reply comes back to the address it came from. */
class UdpRoundTripIpv4Test {
  @Test
  @Timeout(30)
  void pingAndPongOverIpv4Loopback() throws Exception {
    int fds = UdpTestSupport.baselineFdCount();
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-rt4");
      Collector serverIn = new Collector();
      Collector clientIn = new Collector();
      UdpSocket server = UdpTestSupport.receiver(loop, UdpTestSupport.LOOPBACK4, serverIn);
      UdpSocket client = UdpTestSupport.receiver(loop, UdpTestSupport.LOOPBACK4, clientIn);
      assertEquals("127.0.0.1", server.localAddress().getAddress().getHostAddress());
      assertTrue(server.localAddress().getPort() > 0);
      assertTrue(loop.handles().stream().anyMatch(h -> h.type().equals("UdpSocket")));

      ByteBuffer ping = UdpTestSupport.text("ping");
      Outcome sent = new Outcome();
      client.send(ping, server.localAddress(), sent);
      assertEquals(0, ping.position()); // copied, not consumed
      assertNull(sent.await());

      Datagram got = serverIn.next();
      assertEquals("ping", got.text());
      assertEquals(client.localAddress(), got.sender());
      assertFalse(got.truncated());
      assertEquals("udp-rt4", got.thread());

      server.send(UdpTestSupport.text("pong"), got.sender(), null);
      Datagram reply = clientIn.next();
      assertEquals("pong", reply.text());
      assertEquals(server.localAddress(), reply.sender());
      assertEquals(0, client.sendQueueCount());
      assertEquals(0, client.sendQueueSize());
      client.close();
      server.close();
    }
    assertEquals(fds, OwnershipTestSupport.awaitFdCount(fds));
  }
}
