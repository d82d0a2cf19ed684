package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.holdfast.UdpTestSupport.Collector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * After close every operation throws HandleClosedException and nothing reaches the kernel: no
 * socket is quietly made again (libuv would re-bind a closed UDP handle on send), no fd is left.
 */
class UdpSendAfterCloseTest {
  private static void assertAllRejected(UdpSocket s, InetSocketAddress to) throws Exception {
    InetAddress group = InetAddress.getByName("239.255.0.1");
    Executable[] ops = {
        () -> s.send(UdpTestSupport.text("x"), to, null),
        () -> s.send(new ByteBuffer[] {UdpTestSupport.text("x")}, to, null),
        () -> s.trySend(UdpTestSupport.text("x"), to),
        () -> s.bind(UdpTestSupport.LOOPBACK4),
        () -> s.connect(to),
        () -> s.recvStart((sock, d, from, t) -> { }),
        s::recvStop,
        () -> s.setBroadcast(true),
        () -> s.setTtl(10),
        () -> s.setMulticastTtl(1),
        () -> s.setMulticastLoopback(true),
        () -> s.setMulticastInterface(null),
        () -> s.setSendBufferSize(4096),
        () -> s.setReceiveBufferSize(4096),
        s::sendBufferSize,
        s::receiveBufferSize,
        () -> s.addMembership(group, null),
        () -> s.dropMembership(group, null),
        () -> s.addSourceSpecificMembership(InetAddress.getByName("127.0.0.1"), group, null),
        () -> s.dropSourceSpecificMembership(InetAddress.getByName("127.0.0.1"), group, null),
    };
    for (Executable op : ops) {
      HandleClosedException e = assertThrows(HandleClosedException.class, op);
      assertEquals("UdpSocket", e.handleType());
      assertEquals(HandleClosedException.Reason.CLOSED, e.reason());
    }
    assertThrows(HandleClosedException.class, s::disconnect);
  }

  @Test
  @Timeout(30)
  void closedSocketRejectsEverythingAndIsNeverRebound() throws Exception {
    int fds = UdpTestSupport.baselineFdCount();
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-after-close");
      Collector in = new Collector();
      UdpSocket rx = UdpTestSupport.receiver(loop, UdpTestSupport.LOOPBACK4, in);
      InetSocketAddress to = rx.localAddress();

      UdpSocket used = UdpSocket.open(loop);
      used.send(UdpTestSupport.text("before"), to, null);
      in.next();
      InetSocketAddress local = used.localAddress();
      CompletableFuture<Void> closed = new CompletableFuture<>();
      used.onClose(() -> closed.complete(null));
      used.close();
      used.close(); // idempotent
      assertAllRejected(used, to);
      closed.get(5, TimeUnit.SECONDS);
      assertEquals(local, used.localAddress()); // facts stay readable
      assertFalse(used.isReceiving());

      UdpSocket neverBound = UdpSocket.open(loop);
      neverBound.close();
      assertAllRejected(neverBound, to);
      assertFalse(neverBound.isBound());

      assertEquals(0, in.datagrams.size());
      // Only the receiver is open (a closed one may still be listed as closing, briefly).
      long open = loop.handles().stream()
          .filter(h -> h.type().equals("UdpSocket") && h.state().equals("open")).count();
      assertEquals(1, open);
      rx.close();
    }
    assertEquals(fds, OwnershipTestSupport.awaitFdCount(fds));
  }
}
