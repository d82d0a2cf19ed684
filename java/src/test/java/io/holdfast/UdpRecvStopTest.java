package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.UdpTestSupport.Collector;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * recvStop stops delivery: datagrams that arrive meanwhile wait in the kernel and are delivered
 * after the next recvStart, to the new handler.
 */
class UdpRecvStopTest {
  @Test
  @Timeout(30)
  void stoppedSocketDeliversNothingUntilStartedAgain() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-recv-stop");
      Collector first = new Collector();
      UdpSocket rx = UdpTestSupport.receiver(loop, UdpTestSupport.LOOPBACK4, first);
      assertTrue(rx.isReceiving());
      UdpSocket tx = UdpSocket.open(loop);
      tx.send(UdpTestSupport.text("one"), rx.localAddress(), null);
      assertEquals("one", first.next().text());

      rx.recvStop();
      assertFalse(rx.isReceiving());
      tx.send(UdpTestSupport.text("two"), rx.localAddress(), null);
      tx.send(UdpTestSupport.text("three"), rx.localAddress(), null);
      assertNull(first.datagrams.poll(200, TimeUnit.MILLISECONDS));

      Collector second = new Collector();
      rx.recvStart(second);
      assertEquals("two", second.next().text());
      assertEquals("three", second.next().text());
      assertTrue(first.datagrams.isEmpty());
    }
  }
}
