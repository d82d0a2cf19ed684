package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.UdpTestSupport.Collector;
import io.holdfast.UdpTestSupport.Datagram;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A datagram longer than the socket's maximum datagram size is delivered cut to it and flagged
 * truncated, never silently cut; one that fits exactly is not flagged.
 */
class UdpTruncationFlagTest {
  @Test
  @Timeout(30)
  void longDatagramIsFlaggedTruncated() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-trunc");
      Collector in = new Collector();
      UdpSocket rx = UdpSocket.open(loop, UdpSocket.Options.defaults().maxDatagramSize(100));
      assertEquals(100, rx.maxDatagramSize());
      rx.bind(UdpTestSupport.LOOPBACK4);
      rx.recvStart(in);
      UdpSocket tx = UdpSocket.open(loop);
      byte[] big = new byte[250];
      for (int i = 0; i < big.length; i++) big[i] = (byte) i;
      tx.send(ByteBuffer.wrap(big), rx.localAddress(), null);
      tx.send(ByteBuffer.wrap(big, 0, 100), rx.localAddress(), null);
      tx.send(ByteBuffer.wrap(big, 0, 99), rx.localAddress(), null);

      Datagram cut = in.next();
      assertTrue(cut.truncated());
      assertArrayEquals(Arrays.copyOf(big, 100), cut.data());
      Datagram exact = in.next();
      assertFalse(exact.truncated());
      assertEquals(100, exact.data().length);
      Datagram small = in.next();
      assertFalse(small.truncated());
      assertEquals(99, small.data().length);
    }
  }
}
