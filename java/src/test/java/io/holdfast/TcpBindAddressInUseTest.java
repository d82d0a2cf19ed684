package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.RunningLoop;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Binding an address in use fails with java.net.BindException carrying EADDRINUSE, the bind
 * operation and the address, and leaves no fd or handle behind.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpBindAddressInUseTest {
  private RunningLoop rl;

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  private void assertInUse(InetSocketAddress address) throws Exception {
    int fds = TcpTestSupport.fdCount();
    int handles = rl.loop.handles().size();
    BindException e = assertThrows(BindException.class, () -> TcpListener.bind(rl.loop, address));
    NativeIOException facts = TcpTestSupport.assertFacts(e, "EADDRINUSE", "bind");
    assertEquals(address, facts.address());
    assertTrue(e.getMessage().contains("EADDRINUSE"), e.getMessage());
    assertTrue(e.getMessage().contains(":" + address.getPort()), e.getMessage());
    TcpTestSupport.assertFdsBackTo(fds, "the failed socket was closed");
    assertEquals(handles, rl.loop.handles().size(), "no handle left behind");
  }

  @Test
  void portOfAListeningHoldfastListener() throws Exception {
    rl = new RunningLoop("tcp-bind-in-use");
    TcpListener first = TcpTestSupport.listen(rl.loop, stream -> stream.close());
    InetSocketAddress address = first.localAddress();
    assertTrue(address.getPort() > 0, "port 0 resolved to the actual port: " + address);
    assertInUse(address);
    // Also with SO_REUSEADDR off, and when the other listener is a plain java.net one.
    BindException e = assertThrows(BindException.class, () -> TcpListener.bind(rl.loop, address,
        TcpListener.Options.defaults().reuseAddress(false)));
    TcpTestSupport.assertFacts(e, "EADDRINUSE", "bind");
    assertTrue(first.isListening(), "the first listener is unaffected");
    first.close();
  }

  @Test
  void portOfAPlainServerSocket() throws Exception {
    rl = new RunningLoop("tcp-bind-in-use");
    try (ServerSocket taken = TcpTestSupport.javaServer(4)) {
      assertInUse(TcpTestSupport.loopback(taken.getLocalPort()));
    }
  }

  @Test
  void reusePortLetsTwoListenersShareAPort() throws Exception {
    rl = new RunningLoop("tcp-bind-in-use");
    TcpListener.Options shared = TcpListener.Options.defaults().reusePort(true);
    TcpListener a = TcpTestSupport.listen(rl.loop, shared, stream -> stream.close());
    TcpListener b = TcpListener.bind(rl.loop, a.localAddress(), shared);
    b.listen(stream -> stream.close());
    assertEquals(a.localAddress(), b.localAddress());
    // Without the option on the newcomer, the shared port is in use.
    assertInstanceOf(BindException.class, assertThrows(Exception.class,
        () -> TcpListener.bind(rl.loop, a.localAddress())));
    a.close();
    b.close();
  }
}
