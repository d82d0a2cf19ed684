package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Host name verification is on by default: a trusted certificate for localhost does not pass
 * for another name. With verification turned off, the same connection succeeds (so it was the
 * name check that failed).
 */
class TlsWrongHostnameTest {
  private static SSLServerSocket acceptOnce(SSLServerSocket ss) {
    TlsTestSupport.peer("jdk-server", () -> {
      try (SSLSocket s = (SSLSocket) ss.accept()) {
        s.startHandshake();
        s.getInputStream().read();
      } catch (java.io.IOException expected) {
        // rejected by our client, or closed by it
      }
      return null;
    });
    return ss;
  }

  @Test
  @Timeout(60)
  void certificateForAnotherHostFailsTheHandshake() throws Exception {
    try (SSLServerSocket ss = TlsTestSupport.jdkServer(TlsTestSupport.serverContext())) {
      Throwable e = BadPeerScenario.expectHandshakeFailure(loop -> {
        acceptOnce(ss);
        javax.net.ssl.SSLContext ctx = TlsTestSupport.clientContext();
        return new BadPeerScenario.Prepared(TlsTestSupport.connect(loop, ss.getLocalPort()),
            raw -> TlsStream.client(raw, ctx, TlsOptions.defaults().serverName("wrong.example")));
      });
      assertInstanceOf(SSLHandshakeException.class, e);
      assertTrue(BadPeerScenario.causes(e).contains("wrong.example"), BadPeerScenario.causes(e));
    }
  }

  @Test
  @Timeout(60)
  void sameCertificatePassesWithVerificationOff() throws Exception {
    try (EventLoop loop = EventLoop.create();
        SSLServerSocket ss = acceptOnce(TlsTestSupport.jdkServer(TlsTestSupport.serverContext()))) {
      loop.start("tls-no-verify");
      TlsStream tls = TlsStream.client(TlsTestSupport.connect(loop, ss.getLocalPort()),
          TlsTestSupport.clientContext(),
          TlsOptions.defaults().serverName("wrong.example").verifyHostname(false));
      assertEquals("TLSv1.3",
          TlsTestSupport.handshake(tls).get(10, TimeUnit.SECONDS).protocol());
      tls.close();
    }
  }
}
