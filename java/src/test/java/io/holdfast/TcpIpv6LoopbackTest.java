package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TCP over the IPv6 loopback: bind [::1]:0, connect, echo; every address is IPv6 with the actual
 * port. ipv6Only keeps IPv4 clients off a wildcard IPv6 listener. Skipped only where ::1 cannot
 * be bound.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpIpv6LoopbackTest {
  private static InetAddress v6;
  private RunningLoop rl;

  @BeforeAll
  static void ipv6LoopbackAvailable() throws IOException {
    v6 = InetAddress.getByName("::1");
    boolean ok;
    try (ServerSocket probe = new ServerSocket(0, 1, v6)) {
      ok = probe.getLocalPort() > 0;
    } catch (IOException e) {
      ok = false;
    }
    assumeTrue(ok, "::1 is not available on this host");
  }

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  @Test
  void echoOverIpv6Loopback() throws Exception {
    rl = new RunningLoop("tcp-ipv6");
    TcpListener l = TcpListener.bind(rl.loop, new InetSocketAddress(v6, 0));
    InetSocketAddress local = l.localAddress();
    assertInstanceOf(Inet6Address.class, local.getAddress());
    assertEquals(v6, local.getAddress());
    assertTrue(local.getPort() > 0, local.toString());
    CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
    l.listen(stream -> {
      accepted.complete(stream);
      TcpTestSupport.unchecked(() -> stream.readStart((s, data) -> {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
        TcpTestSupport.unchecked(() -> s.write(copy, null));
      }));
    });

    TcpStream c = TcpTestSupport.connect(rl.loop, local);
    TcpStream s = accepted.get(TcpTestSupport.WAIT_MILLIS, TimeUnit.MILLISECONDS);
    assertEquals(local, c.remoteAddress());
    assertEquals(local, s.localAddress());
    assertInstanceOf(Inet6Address.class, ((InetSocketAddress) c.localAddress()).getAddress());
    assertEquals(c.localAddress(), s.remoteAddress(), "both ends agree");

    CompletableFuture<String> echoed = new CompletableFuture<>();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    c.readStart((st, data) -> {
      got.writeBytes(TcpTestSupport.bytes(data));
      if (got.size() == 5) echoed.complete(got.toString(StandardCharsets.US_ASCII));
    });
    c.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), null);
    assertEquals("hello", echoed.get(TcpTestSupport.WAIT_MILLIS, TimeUnit.MILLISECONDS));
    c.close();
    l.close();
  }

  @Test
  void plainIpv6ClientToHoldfastListener() throws Exception {
    rl = new RunningLoop("tcp-ipv6");
    CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
    TcpListener l = TcpListener.bind(rl.loop, new InetSocketAddress(v6, 0));
    l.listen(accepted::complete);
    try (Socket peer = TcpTestSupport.javaClient(l.localAddress())) {
      TcpStream s = accepted.get(TcpTestSupport.WAIT_MILLIS, TimeUnit.MILLISECONDS);
      assertEquals(new InetSocketAddress(v6, peer.getLocalPort()), s.remoteAddress());
      s.write(ByteBuffer.wrap(new byte[] {1, 2}), null);
      assertArrayEquals(new byte[] {1, 2}, TcpTestSupport.readFully(peer.getInputStream(), 2));
    }
    l.close();
  }

  @Test
  void ipv6OnlyRefusesIpv4Clients() throws Exception {
    rl = new RunningLoop("tcp-ipv6");
    InetSocketAddress any6 = new InetSocketAddress(InetAddress.getByName("::"), 0);
    TcpListener l = TcpListener.bind(rl.loop, any6, TcpListener.Options.defaults().ipv6Only(true));
    l.listen(stream -> stream.close());
    int port = l.localAddress().getPort();
    try (Socket ok = TcpTestSupport.javaClient(new InetSocketAddress(v6, port))) {
      assertTrue(ok.isConnected());
    }
    assertThrows(ConnectException.class, () -> {
      try (Socket v4 = new Socket()) {
        v4.connect(TcpTestSupport.loopback(port), 2000);
      }
    });
    l.close();
  }
}
