package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fd of a UdpSocket received over a pipe is close-on-exec (SCM_RIGHTS fds are received with
 * MSG_CMSG_CLOEXEC), as is every fd Holdfast opens; checked in /proc/self/fdinfo after the
 * sender's copy is closed, so exactly one fd holds the socket.
 */
class PipeReceivedUdpSocketCloseOnExecTest {
  private static final int O_CLOEXEC = 02000000;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void receivedFdIsCloseOnExec() throws Exception {
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("udp-cloexec")) {
      PipeStream.Pair pair = PipeStream.pair(r.loop);
      PipeUdpPassSupport.HandleCollector arrivals = new PipeUdpPassSupport.HandleCollector();
      pair.second().readStart(arrivals);
      UdpSocket socket = PipeUdpPassSupport.bound(r.loop);
      int port = socket.localAddress().getPort();
      assertNotEquals(0, PipeUdpPassSupport.fdFlagsOfUdpPort(port) & O_CLOEXEC,
          "the socket Holdfast opened is close-on-exec");
      CompletableFuture<IOException> sent = new CompletableFuture<>();
      pair.first().send(socket, sent::complete);
      assertNull(sent.get(PipeUdpPassSupport.WAIT_SECONDS, TimeUnit.SECONDS));
      UdpSocket received = arrivals.nextUdp();
      assertEquals(port, received.localAddress().getPort());
      int flags = PipeUdpPassSupport.fdFlagsOfUdpPort(port); // one fd now: the received one
      assertEquals(O_CLOEXEC, flags & O_CLOEXEC, () -> "flags 0" + Integer.toOctalString(flags));
      received.close();
      pair.first().close();
      pair.second().close();
    }
  }
}
