package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.UdpTestSupport.Collector;
import io.holdfast.UdpTestSupport.Datagram;
import io.holdfast.UdpTestSupport.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Multicast on the loopback interface: a member receives what is sent to its group; a
 * source-specific member receives only its source's datagrams; after leaving, nothing arrives.
 * Skipped where the kernel does not route multicast over loopback.
 */
class UdpMulticastLoopbackTest {
  private static final InetAddress GROUP = address("239.255.77.12");

  private static InetAddress address(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs op; if the kernel refuses multicast on loopback, skips the test with the reason. */
  private interface Op {
    void run() throws IOException;
  }

  private static void orSkip(String what, Op op) throws IOException {
    try {
      op.run();
    } catch (NativeIOException e) {
      if (e.code().equals("ENODEV") || e.code().equals("ENETUNREACH")
          || e.code().equals("EADDRNOTAVAIL") || e.code().equals("ENOPROTOOPT")) {
        Assumptions.abort("no multicast on loopback here (" + what + "): " + e.getMessage());
      }
      throw e;
    }
  }

  private static UdpSocket sender(EventLoop loop, String source, NetworkInterface lo)
      throws IOException {
    UdpSocket s = UdpSocket.open(loop);
    s.bind(new InetSocketAddress(source, 0));
    s.setMulticastInterface(lo);
    s.setMulticastLoopback(true);
    s.setMulticastTtl(0); // never leaves the host
    return s;
  }

  @Test
  @Timeout(30)
  void membersReceiveGroupDatagramsOverLoopback() throws Exception {
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getByName("127.0.0.1"));
    Assumptions.assumeTrue(lo != null, "no loopback interface found");
    try (EventLoop loop = EventLoop.create()) {
      loop.start("udp-mcast");
      Collector anyIn = new Collector();
      Collector ssmIn = new Collector();
      UdpSocket any = UdpSocket.open(loop, UdpSocket.Options.defaults().reuseAddress(true));
      any.bind(new InetSocketAddress("0.0.0.0", 0));
      int port = any.localAddress().getPort();
      UdpSocket ssm = UdpSocket.open(loop, UdpSocket.Options.defaults().reuseAddress(true));
      ssm.bind(new InetSocketAddress("0.0.0.0", port));
      orSkip("join", () -> any.addMembership(GROUP, lo));
      orSkip("source-specific join", () -> ssm.addSourceSpecificMembership(
          InetAddress.getByName("127.0.0.1"), GROUP, lo));
      any.recvStart(anyIn);
      ssm.recvStart(ssmIn);
      UdpSocket one = sender(loop, "127.0.0.1", lo);
      UdpSocket two = sender(loop, "127.0.0.2", lo);
      InetSocketAddress to = new InetSocketAddress(GROUP, port);

      Outcome sent = new Outcome();
      one.send(UdpTestSupport.text("from-one"), to, sent);
      IOException error = sent.await();
      if (error instanceof NativeIOException) orSkip("send", () -> { throw error; });
      assertNull(error);
      two.send(UdpTestSupport.text("from-two"), to, null);

      Datagram a = anyIn.next();
      Datagram b = anyIn.next();
      assertEquals("from-one", a.text());
      assertEquals("from-two", b.text());
      assertEquals(one.localAddress(), a.sender());
      Datagram onlyOne = ssmIn.next();
      assertEquals("from-one", onlyOne.text());

      // Leaving stops delivery; the source-specific member never sees the other source.
      any.dropMembership(GROUP, lo);
      ssm.dropSourceSpecificMembership(InetAddress.getByName("127.0.0.1"), GROUP, lo);
      one.send(UdpTestSupport.text("after-leave"), to, null);
      assertNull(anyIn.datagrams.poll(200, TimeUnit.MILLISECONDS));
      assertNull(ssmIn.datagrams.poll(10, TimeUnit.MILLISECONDS));
      assertTrue(anyIn.errors.isEmpty() && ssmIn.errors.isEmpty());
    }
  }
}
