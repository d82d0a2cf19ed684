package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.holdfast.EventLoop;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Garbage where TLS records should be: during the handshake (random bytes instead of a
 * ServerHello) and after it (a record of random bytes in the established stream). Each is a clean
 * SSLException for the reader; the stream closes and no fd leaks.
 */
class TlsGarbageBytesTest {
  @Test
  @Timeout(60)
  void garbageInsteadOfServerHelloFailsTheHandshake() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Throwable e = BadPeerScenario.expectHandshakeFailure(loop -> {
        TlsTestSupport.peer("garbage-server", () -> {
          try (Socket s = ss.accept()) {
            s.getInputStream().read(new byte[512]);
            s.getOutputStream().write(TlsTestSupport.pattern(7, 4096));
            s.getOutputStream().flush();
            s.getInputStream().read();
          } catch (IOException expected) {
            // reset by our side after its alert
          }
          return null;
        });
        javax.net.ssl.SSLContext ctx = TlsTestSupport.clientContext();
        return new BadPeerScenario.Prepared(TlsTestSupport.connect(loop, ss.getLocalPort()),
            raw -> TlsStream.client(raw, ctx, TlsTestSupport.clientOptions()));
      });
      assertInstanceOf(SSLException.class, e);
    }
  }

  @Test
  @Timeout(60)
  void garbageRecordAfterTheHandshakeIsAReadError() throws Exception {
    int baseline = TlsTestSupport.baselineFdCount();
    try (EventLoop loop = EventLoop.create();
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      loop.start("tls-garbage");
      CountDownLatch established = new CountDownLatch(1);
      CompletableFuture<Void> peer = TlsTestSupport.peer("garbage-after-hs", () -> {
        try (Socket plain = ss.accept()) {
          SSLSocket s = (SSLSocket) TlsTestSupport.serverContext().getSocketFactory()
              .createSocket(plain, null, false);
          s.startHandshake();
          established.await(10, TimeUnit.SECONDS);
          OutputStream raw = plain.getOutputStream(); // under the TLS layer
          raw.write(new byte[] {0x17, 0x03, 0x03, 0x01, 0x00}); // application data, 256 bytes
          raw.write(TlsTestSupport.pattern(8, 256));
          raw.flush();
          plain.getInputStream().read();
        } catch (IOException expected) {
          // our side closes after its alert
        }
        return null;
      });
      TlsStream tls = TlsStream.client(TlsTestSupport.connect(loop, ss.getLocalPort()),
          TlsTestSupport.clientContext(), TlsTestSupport.clientOptions());
      TlsTestSupport.Collector in = new TlsTestSupport.Collector();
      tls.readStart(in);
      TlsTestSupport.handshake(tls).get(10, TimeUnit.SECONDS);
      CompletableFuture<Void> closed = new CompletableFuture<>();
      tls.onClose(() -> closed.complete(null));
      established.countDown();

      IOException e = in.error.get(10, TimeUnit.SECONDS);
      assertInstanceOf(SSLException.class, e);
      closed.get(10, TimeUnit.SECONDS);
      assertFalse(tls.isOpen());
      assertSame(e, tls.failure());
      assertEquals(0, in.size());
      peer.get(10, TimeUnit.SECONDS);
    }
    TlsTestSupport.assertNoFdLeak(baseline, "fds");
  }
}
