package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.EventLoop;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our server (requiring a client certificate) against the JDK's SSLSocket client. */
class TlsServerHandshakeTest {
  @Test
  @Timeout(60)
  void serverHandshakesWithJdkClientAndExchangesData() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("tls-server-hs");
      CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
      TcpListener listener = TlsTestSupport.listen(loop, accepted);
      int port = listener.localAddress().getPort();
      CompletableFuture<String> peer = TlsTestSupport.peer("jdk-client", () -> {
        try (SSLSocket s = TlsTestSupport.jdkClient(TlsTestSupport.clientContext(), port)) {
          SSLParameters sp = s.getSSLParameters();
          sp.setServerNames(List.of(new SNIHostName(TlsTestSupport.HOST))); // JDK skips dotless
          s.setSSLParameters(sp);
          s.startHandshake();
          s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          return new String(TlsTestSupport.readFully(s.getInputStream(), 4),
              StandardCharsets.US_ASCII) + " " + s.getSession().getProtocol();
        }
      });
      SSLParameters p = TlsTestSupport.serverContext().getDefaultSSLParameters();
      p.setNeedClientAuth(true);
      TlsStream tls = TlsStream.server(accepted.get(10, TimeUnit.SECONDS),
          TlsTestSupport.serverContext(), TlsOptions.defaults().sslParameters(p));
      TlsTestSupport.Collector in = new TlsTestSupport.Collector();
      tls.readStart(in);
      TlsHandshake h = TlsTestSupport.handshake(tls).get(10, TimeUnit.SECONDS);

      assertEquals("TLSv1.3", h.protocol());
      assertEquals(TlsTestSupport.HOST, h.serverName(), "the SNI the JDK client sent");
      assertEquals(1, h.peerCertificates().size(), "the client's certificate");
      assertEquals("CN=" + TlsTestSupport.HOST,
          ((X509Certificate) h.peerCertificates().get(0)).getSubjectX500Principal().getName());

      TlsTestSupport.await(() -> in.size() == 4, 10_000, "ping");
      assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), in.bytes());
      tls.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)), null);
      assertEquals("pong TLSv1.3", peer.get(10, TimeUnit.SECONDS));
      tls.close();
      listener.close();
    }
  }
}
