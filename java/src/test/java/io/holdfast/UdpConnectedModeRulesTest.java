package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.UdpTestSupport.Collector;
import io.holdfast.UdpTestSupport.Outcome;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connected mode follows libuv's rules as clean exceptions, thrown before any native call:
 * EISCONN for an address on a connected socket, EDESTADDRREQ for none on an unconnected one,
 * ENOTCONN for a disconnect that is not connected.
 */
class UdpConnectedModeRulesTest {
  private static void assertCode(String code, NativeIOException e) {
    assertEquals(code, e.code(), e.getMessage());
  }

  @Test
  @Timeout(30)
  void unconnectedSocketRefusesSendWithoutAddressAndDisconnect() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-unconnected");
      UdpSocket s = UdpSocket.open(loop);
      assertCode("EDESTADDRREQ", assertThrows(NativeIOException.class,
          () -> s.send(UdpTestSupport.text("x"), null)));
      assertCode("EDESTADDRREQ", assertThrows(NativeIOException.class,
          () -> s.trySend(UdpTestSupport.text("x"), null)));
      assertCode("ENOTCONN", assertThrows(NativeIOException.class, s::disconnect));
      assertFalse(s.isBound()); // refused in Java: not even bound
      assertEquals(0, s.sendQueueCount());
    }
  }

  @Test
  @Timeout(30)
  void connectedSocketRefusesAddressesAndSendsToItsPeer() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-connected");
      Collector in = new Collector();
      UdpSocket peer = UdpTestSupport.receiver(loop, UdpTestSupport.LOOPBACK4, in);
      UdpSocket s = UdpSocket.open(loop);
      s.connect(peer.localAddress());
      assertTrue(s.isConnected());
      assertTrue(s.isBound());
      assertEquals(peer.localAddress(), s.remoteAddress());
      InetSocketAddress local = s.localAddress();

      assertCode("EISCONN", assertThrows(NativeIOException.class,
          () -> s.send(UdpTestSupport.text("x"), peer.localAddress(), null)));
      assertCode("EISCONN", assertThrows(NativeIOException.class,
          () -> s.trySend(new ByteBuffer[] {UdpTestSupport.text("x")}, peer.localAddress())));
      assertCode("EISCONN", assertThrows(NativeIOException.class,
          () -> s.connect(peer.localAddress())));
      assertEquals(0, s.sendQueueCount());

      Outcome sent = new Outcome();
      s.send(UdpTestSupport.text("to-peer"), sent);
      assertNull(sent.await());
      assertEquals("to-peer", in.next().text());

      s.disconnect();
      assertFalse(s.isConnected());
      assertNull(s.remoteAddress());
      assertEquals(local.getPort(), s.localAddress().getPort()); // the port is kept
      assertCode("EDESTADDRREQ", assertThrows(NativeIOException.class,
          () -> s.send(UdpTestSupport.text("x"), null)));
      assertCode("ENOTCONN", assertThrows(NativeIOException.class, s::disconnect));
      s.send(UdpTestSupport.text("addressed"), peer.localAddress(), null);
      UdpTestSupport.Datagram d = in.next();
      assertEquals("addressed", d.text());
      assertEquals(local.getPort(), d.sender().getPort());
    }
  }
}
