package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.UdpTestSupport.Collector;
import io.holdfast.UdpTestSupport.Outcome;
import java.net.InetSocketAddress;
import java.nio.channels.AlreadyBoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A send on an unbound socket binds it first to the wildcard address and an ephemeral port, and
 * localAddress() shows it as soon as send returns; the socket is then bound for good.
 */
class UdpAutobindOnSendTest {
  @Test
  @Timeout(30)
  void firstSendBindsToAnEphemeralPort() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-autobind");
      Collector in = new Collector();
      UdpSocket receiver = UdpTestSupport.receiver(loop, UdpTestSupport.LOOPBACK4, in);
      UdpSocket s = UdpSocket.open(loop);
      assertFalse(s.isBound());
      assertNull(s.localAddress());

      Outcome sent = new Outcome();
      s.send(UdpTestSupport.text("hello"), receiver.localAddress(), sent);

      assertTrue(s.isBound());
      InetSocketAddress local = s.localAddress();
      assertTrue(local.getAddress().isAnyLocalAddress(), local.toString());
      assertTrue(local.getPort() > 0);
      assertNull(sent.await());
      assertEquals(local.getPort(), in.next().sender().getPort());
      // A later send keeps the same port, and an explicit bind is refused.
      s.send(UdpTestSupport.text("again"), receiver.localAddress(), null);
      assertEquals(local.getPort(), in.next().sender().getPort());
      assertThrows(AlreadyBoundException.class, () -> s.bind(UdpTestSupport.LOOPBACK4));
    }
  }
}
