package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.holdfast.UdpTestSupport.Collector;
import io.holdfast.UdpTestSupport.Datagram;
import io.holdfast.UdpTestSupport.Outcome;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A zero-length datagram is sent, completes, and is delivered as a datagram of its own. */
class UdpZeroLengthDatagramTest {
  @Test
  @Timeout(30)
  void emptyDatagramsAreDelivered() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-zero");
      Collector in = new Collector();
      UdpSocket rx = UdpTestSupport.receiver(loop, UdpTestSupport.LOOPBACK4, in);
      UdpSocket tx = UdpSocket.open(loop);
      Outcome first = new Outcome();
      Outcome second = new Outcome();
      tx.send(ByteBuffer.allocate(0), rx.localAddress(), first);
      tx.send(new ByteBuffer[0], rx.localAddress(), second); // no buffers: empty too
      tx.send(UdpTestSupport.text("after"), rx.localAddress(), null);
      assertNull(first.await());
      assertNull(second.await());
      for (int i = 0; i < 2; i++) {
        Datagram d = in.next();
        assertEquals(0, d.data().length);
        assertFalse(d.truncated());
        assertEquals(tx.localAddress().getPort(), d.sender().getPort());
      }
      assertEquals("after", in.next().text());
      // A zero-length datagram also goes out with trySend.
      tx.trySend(ByteBuffer.allocate(0), rx.localAddress());
      assertEquals(0, in.next().data().length);
    }
  }
}
