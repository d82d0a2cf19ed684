package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.UdpTestSupport.Collector;
import io.holdfast.UdpTestSupport.Datagram;
import io.holdfast.UdpTestSupport.Outcome;
import java.net.BindException;
import java.net.Inet6Address;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A datagram goes to a bound IPv6 socket and a reply comes back to the address it came from. */
class UdpRoundTripIpv6Test {
  @Test
  @Timeout(30)
  void pingAndPongOverIpv6Loopback() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-rt6");
      Collector serverIn = new Collector();
      Collector clientIn = new Collector();
      UdpSocket server;
      try {
        server = UdpTestSupport.receiver(loop, UdpTestSupport.LOOPBACK6, serverIn);
      } catch (BindException e) {
        Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
        return;
      }
      UdpSocket client = UdpTestSupport.receiver(loop, UdpTestSupport.LOOPBACK6, clientIn);
      assertTrue(server.localAddress().getAddress() instanceof Inet6Address);
      assertTrue(server.localAddress().getAddress().isLoopbackAddress());

      Outcome sent = new Outcome();
      client.send(UdpTestSupport.text("ping6"), server.localAddress(), sent);
      assertNull(sent.await());
      Datagram got = serverIn.next();
      assertEquals("ping6", got.text());
      assertEquals(Inet6Address.class, got.sender().getAddress().getClass());
      assertEquals(client.localAddress(), got.sender());

      server.send(UdpTestSupport.text("pong6"), got.sender(), null);
      Datagram reply = clientIn.next();
      assertEquals("pong6", reply.text());
      assertEquals(server.localAddress(), reply.sender());
    }
  }
}
