package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our client against the JDK's SSLServerSocket: negotiated facts, SNI, and data both ways. */
class TlsClientHandshakeTest {
  @Test
  @Timeout(60)
  void clientHandshakesWithJdkServerAndExchangesData() throws Exception {
    try (EventLoop loop = EventLoop.create();
        SSLServerSocket ss = TlsTestSupport.jdkServer(TlsTestSupport.serverContext())) {
      loop.start("tls-client-hs");
      CompletableFuture<List<SNIServerName>> sni = new CompletableFuture<>();
      CompletableFuture<String> peer = TlsTestSupport.peer("jdk-server", () -> {
        try (SSLSocket s = (SSLSocket) ss.accept()) {
          s.startHandshake();
          sni.complete(((ExtendedSSLSession) s.getSession()).getRequestedServerNames());
          String got = new String(TlsTestSupport.readFully(s.getInputStream(), 4),
              StandardCharsets.US_ASCII);
          s.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          return got;
        }
      });
      TlsStream tls = TlsStream.client(TlsTestSupport.connect(loop, ss.getLocalPort()),
          TlsTestSupport.clientContext(), TlsTestSupport.clientOptions());
      TlsHandshake h = TlsTestSupport.handshake(tls).get(10, TimeUnit.SECONDS);

      assertEquals("TLSv1.3", h.protocol());
      assertTrue(h.cipherSuite().startsWith("TLS_"), h.cipherSuite());
      assertNull(h.applicationProtocol());
      assertEquals(TlsTestSupport.HOST, h.serverName());
      assertEquals(1, h.peerCertificates().size());
      X509Certificate leaf = (X509Certificate) h.peerCertificates().get(0);
      assertEquals("CN=" + TlsTestSupport.HOST, leaf.getSubjectX500Principal().getName());
      assertEquals(h, tls.handshake());
      assertEquals(List.of(new SNIHostName(TlsTestSupport.HOST)), sni.get(10, TimeUnit.SECONDS));

      TlsTestSupport.Collector in = new TlsTestSupport.Collector();
      tls.readStart(in);
      CompletableFuture<Throwable> written = new CompletableFuture<>();
      tls.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)),
          err -> written.complete(err == null ? new Throwable("ok") : err));
      assertEquals("ok", written.get(10, TimeUnit.SECONDS).getMessage());
      assertEquals("ping", peer.get(10, TimeUnit.SECONDS));
      TlsTestSupport.await(() -> in.size() == 4, 10_000, "pong");
      assertArrayEquals("pong".getBytes(StandardCharsets.US_ASCII), in.bytes());
      assertEquals(4, tls.bytesRead());
      assertEquals(4, tls.bytesWritten());
      assertNotNull(tls.remoteAddress());
      tls.close();
    }
  }
}
