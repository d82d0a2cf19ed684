package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's certificate is not trusted: SSLHandshakeException (PKIX), stream closed. */
class TlsUntrustedCertificateTest {
  @Test
  @Timeout(60)
  void untrustedServerCertificateFailsTheHandshake() throws Exception {
    try (SSLServerSocket ss = TlsTestSupport.jdkServer(TlsTestSupport.serverContext())) {
      Throwable e = BadPeerScenario.expectHandshakeFailure(loop -> {
        TlsTestSupport.peer("jdk-server", () -> {
          try (SSLSocket s = (SSLSocket) ss.accept()) {
            s.startHandshake();
          } catch (java.io.IOException expected) {
            // our client rejects the certificate with an alert
          }
          return null;
        });
        // Trusts only the unrelated "rogue" certificate.
        javax.net.ssl.SSLContext rogueOnly = TlsTestSupport.context(null, "rogue");
        return new BadPeerScenario.Prepared(TlsTestSupport.connect(loop, ss.getLocalPort()),
            raw -> TlsStream.client(raw, rogueOnly, TlsTestSupport.clientOptions()));
      });
      assertInstanceOf(SSLHandshakeException.class, e);
      assertTrue(BadPeerScenario.causes(e).contains("PKIX"), BadPeerScenario.causes(e));
    }
  }
}
