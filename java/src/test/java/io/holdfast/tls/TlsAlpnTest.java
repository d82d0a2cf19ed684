package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.EventLoop;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ALPN: both sides report the protocol they agreed on; the server sees the client's SNI. */
class TlsAlpnTest {
  @Test
  @Timeout(60)
  void clientAndServerAgreeOnApplicationProtocol() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("tls-alpn");
      CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
      TcpListener listener = TlsTestSupport.listen(loop, accepted);
      TcpStream raw = TlsTestSupport.connect(loop, listener.localAddress().getPort());
      TlsStream client = TlsStream.client(raw, TlsTestSupport.clientContext(),
          TlsTestSupport.clientOptions().applicationProtocols("http/1.1", "h2"));
      TlsStream server = TlsStream.server(accepted.get(10, TimeUnit.SECONDS),
          TlsTestSupport.serverContext(), TlsOptions.defaults().applicationProtocols("h2"));
      server.readStart((s, d) -> { });
      client.readStart((s, d) -> { });
      TlsHandshake c = TlsTestSupport.handshake(client).get(10, TimeUnit.SECONDS);
      TlsHandshake s = TlsTestSupport.handshake(server).get(10, TimeUnit.SECONDS);
      assertEquals("h2", c.applicationProtocol());
      assertEquals("h2", s.applicationProtocol());
      assertEquals(TlsTestSupport.HOST, s.serverName());
      client.close();
      server.close();
      listener.close();
    }
  }
}
