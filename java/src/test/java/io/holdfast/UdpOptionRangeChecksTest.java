package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetBoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad option values and arguments are rejected in Java with IllegalArgumentException or
 * NullPointerException, and options on a socket that does not exist yet with
 * NotYetBoundException, before any native call; valid values are accepted.
 */
class UdpOptionRangeChecksTest {
  @Test
  @Timeout(30)
  void badValuesAreRejectedBeforeTheKernel() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-ranges");
      UdpSocket s = UdpSocket.open(loop);
      InetAddress group = InetAddress.getByName("239.255.0.9");
      InetAddress unicast = InetAddress.getByName("127.0.0.1");

      // Not bound yet: the socket does not exist, so there is nothing to set.
      assertThrows(NotYetBoundException.class, () -> s.setBroadcast(true));
      assertThrows(NotYetBoundException.class, () -> s.setTtl(64));
      assertThrows(NotYetBoundException.class, s::receiveBufferSize);
      assertThrows(NotYetBoundException.class, () -> s.addMembership(group, null));
      assertEquals(false, s.isBound());

      s.bind(UdpTestSupport.LOOPBACK4);
      assertThrows(IllegalArgumentException.class, () -> s.setTtl(0));
      assertThrows(IllegalArgumentException.class, () -> s.setTtl(256));
      assertThrows(IllegalArgumentException.class, () -> s.setMulticastTtl(-1));
      assertThrows(IllegalArgumentException.class, () -> s.setMulticastTtl(256));
      assertThrows(IllegalArgumentException.class, () -> s.setSendBufferSize(0));
      assertThrows(IllegalArgumentException.class, () -> s.setReceiveBufferSize(-1));
      assertThrows(IllegalArgumentException.class, () -> s.addMembership(unicast, null));
      assertThrows(IllegalArgumentException.class, () -> s.dropMembership(unicast, null));
      assertThrows(IllegalArgumentException.class,
          () -> s.addSourceSpecificMembership(group, group, null)); // multicast source
      assertThrows(IllegalArgumentException.class, () -> s.addSourceSpecificMembership(
          InetAddress.getByName("::1"), group, null)); // families differ
      assertThrows(NullPointerException.class, () -> s.addMembership(null, null));
      assertThrows(NullPointerException.class,
          () -> s.addSourceSpecificMembership(null, group, null));
      assertThrows(NullPointerException.class, () -> s.send((ByteBuffer) null, null));
      assertThrows(NullPointerException.class,
          () -> s.send(new ByteBuffer[] {null}, new InetSocketAddress(unicast, 9), null));
      assertThrows(IllegalArgumentException.class,
          () -> s.send(new ByteBuffer[1025], new InetSocketAddress(unicast, 9), null));
      assertThrows(IllegalArgumentException.class, () -> s.send(UdpTestSupport.text("x"),
          InetSocketAddress.createUnresolved("example.invalid", 9), null));
      assertThrows(NullPointerException.class, () -> s.recvStart(null));
      assertThrows(IllegalArgumentException.class,
          () -> UdpSocket.Options.defaults().maxDatagramSize(0));
      assertThrows(IllegalArgumentException.class,
          () -> UdpSocket.Options.defaults().maxDatagramSize(65_537));
      assertThrows(IllegalArgumentException.class,
          () -> UdpSocket.Options.defaults().receiveBufferSize(0));
      assertThrows(IllegalArgumentException.class,
          () -> UdpSocket.Options.defaults().sendBufferSize(-5));
      assertEquals(0, s.sendQueueCount());

      // The boundaries themselves are accepted by Java and the kernel.
      s.setTtl(1);
      s.setTtl(255);
      s.setMulticastTtl(0);
      s.setMulticastTtl(255);
      s.setBroadcast(true);
      s.setMulticastLoopback(false);
      s.setMulticastInterface(null);
    }
  }
}
