package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A UdpSocket that is not bound yet (no socket exists) cannot be passed: send throws
 * IllegalStateException naming the reason, and nothing happened, so the socket is still open and
 * usable and the pipe still passes handles. A closed one is rejected with reason CLOSED.
 */
class PipeSendUnboundUdpSocketRejectedTest {
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void unboundSocketIsRefusedAndLeftAlone() throws Exception {
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("udp-unbound")) {
      PipeStream.Pair pair = PipeStream.pair(r.loop);
      PipeUdpPassSupport.HandleCollector arrivals = new PipeUdpPassSupport.HandleCollector();
      pair.second().readStart(arrivals);
      UdpSocket lazy = UdpSocket.open(r.loop);
      CompletableFuture<IOException> never = new CompletableFuture<>();

      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> pair.first().send(lazy, never::complete));
      assertTrue(e.getMessage().contains("unbound UdpSocket"), e.getMessage());
      assertTrue(lazy.isOpen(), "a refused socket is not moved");
      assertFalse(never.isDone());

      lazy.bind(new InetSocketAddress("127.0.0.1", 0));
      InetSocketAddress address = lazy.localAddress();
      CompletableFuture<IOException> sent = new CompletableFuture<>();
      pair.first().send(lazy, sent::complete);
      assertNull(sent.get(PipeUdpPassSupport.WAIT_SECONDS, TimeUnit.SECONDS));
      UdpSocket received = arrivals.nextUdp();
      assertEquals(address, received.localAddress());
      received.close();

      UdpSocket closed = UdpSocket.open(r.loop);
      closed.close();
      HandleClosedException c = assertThrows(HandleClosedException.class,
          () -> pair.first().send(closed, never::complete));
      assertEquals(HandleClosedException.Reason.CLOSED, c.reason());
      Thread.sleep(100);
      assertFalse(never.isDone(), "a refused send has no callback");
      pair.first().close();
      pair.second().close();
    }
  }
}
