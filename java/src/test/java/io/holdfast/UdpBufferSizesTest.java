package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Buffer sizes given as options are applied when the socket is made (by bind or a first send),
 * and the setters change them later; the kernel reports at least what was asked (it doubles it).
 */
class UdpBufferSizesTest {
  @Test
  @Timeout(30)
  void buffersFromOptionsAndSetters() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-buffers");
      UdpSocket rx = UdpSocket.open(loop);
      rx.bind(UdpTestSupport.LOOPBACK4);
      int small = 8192;
      UdpSocket s = UdpSocket.open(loop,
          UdpSocket.Options.defaults().receiveBufferSize(small).sendBufferSize(small));
      s.send(UdpTestSupport.text("x"), rx.localAddress(), null); // makes the socket
      int rcv = s.receiveBufferSize();
      int snd = s.sendBufferSize();
      assertTrue(rcv >= small && rcv <= 4 * small, "SO_RCVBUF " + rcv);
      assertTrue(snd >= small && snd <= 4 * small, "SO_SNDBUF " + snd);

      s.setReceiveBufferSize(4 * small);
      s.setSendBufferSize(4 * small);
      assertTrue(s.receiveBufferSize() >= 4 * small, "SO_RCVBUF " + s.receiveBufferSize());
      assertTrue(s.sendBufferSize() >= 4 * small, "SO_SNDBUF " + s.sendBufferSize());
    }
  }
}
