package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.UdpTestSupport.Collector;
import io.holdfast.UdpTestSupport.Outcome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A datagram too large for IPv4 (over 65,507 bytes) fails with EMSGSIZE through its callback, in
 * its place among the other sends; the largest legal one is delivered whole.
 */
class UdpOversizedDatagramEmsgsizeTest {
  @Test
  @Timeout(30)
  void oversizedDatagramFailsWithEmsgsizeInOrder() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-emsgsize");
      Collector in = new Collector();
      UdpSocket rx = UdpSocket.open(loop, UdpSocket.Options.defaults().receiveBufferSize(1 << 20));
      rx.bind(UdpTestSupport.LOOPBACK4);
      rx.recvStart(in);
      UdpSocket tx = UdpSocket.open(loop);
      List<String> order = new CopyOnWriteArrayList<>();
      Outcome tooBig = new Outcome();
      Outcome huge = new Outcome();
      Outcome largest = new Outcome();
      tx.send(UdpTestSupport.text("before"), rx.localAddress(), e -> order.add("before"));
      tx.send(ByteBuffer.allocate(65_508), rx.localAddress(), e -> {
        order.add("65508");
        tooBig.onComplete(e);
      });
      tx.send(ByteBuffer.allocateDirect(200_000), rx.localAddress(), e -> {
        order.add("200000");
        huge.onComplete(e);
      });
      tx.send(ByteBuffer.allocate(65_507), rx.localAddress(), e -> {
        order.add("65507");
        largest.onComplete(e);
      });

      for (IOException e : new IOException[] {tooBig.await(), huge.await()}) {
        NativeIOException n = assertInstanceOf(NativeIOException.class, e);
        assertEquals("EMSGSIZE", n.code());
        assertEquals("send", n.syscall());
      }
      assertNull(largest.await());
      assertEquals(List.of("before", "65508", "200000", "65507"), order);
      assertEquals("before", in.next().text());
      UdpTestSupport.Datagram d = in.next();
      assertEquals(65_507, d.data().length);
      assertFalse(d.truncated());
      assertEquals(0, tx.sendQueueSize());

      NativeIOException direct = assertThrows(NativeIOException.class,
          () -> tx.trySend(ByteBuffer.allocate(70_000), rx.localAddress()));
      assertEquals("EMSGSIZE", direct.code());
      assertTrue(tx.trySend(UdpTestSupport.text("fine"), rx.localAddress()));
      assertEquals("fine", in.next().text());
    }
  }
}
