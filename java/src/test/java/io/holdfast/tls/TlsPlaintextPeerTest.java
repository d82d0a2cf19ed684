package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A peer that speaks plaintext HTTP, as server or as client: a clean SSLException. */
class TlsPlaintextPeerTest {
  @Test
  @Timeout(60)
  void plaintextServerFailsOurClient() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Throwable e = BadPeerScenario.expectHandshakeFailure(loop -> {
        TlsTestSupport.peer("http-server", () -> {
          try (Socket s = ss.accept()) {
            s.getInputStream().read(new byte[512]); // the ClientHello, as if a request
            s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.getInputStream().read();
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
  void plaintextClientFailsOurServer() throws Exception {
    CompletableFuture<Integer> clientSawEnd = new CompletableFuture<>();
    Throwable e = BadPeerScenario.expectHandshakeFailure(loop -> {
      CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
      TcpListener listener = TlsTestSupport.listen(loop, accepted);
      int port = listener.localAddress().getPort();
      TlsTestSupport.peer("http-client", () -> {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
          s.setSoTimeout(20_000);
          s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          InputStream in = s.getInputStream();
          int total = 0;
          while (in.read() >= 0) total++; // an alert at most, then the connection ends
          clientSawEnd.complete(total);
        }
        return null;
      });
      TcpStream raw = accepted.get(10, TimeUnit.SECONDS);
      listener.close();
      javax.net.ssl.SSLContext ctx = TlsTestSupport.serverContext();
      return new BadPeerScenario.Prepared(raw,
          r -> TlsStream.server(r, ctx, TlsOptions.defaults()));
    });
    assertInstanceOf(SSLException.class, e);
    int bytes = clientSawEnd.get(10, TimeUnit.SECONDS);
    assertEquals(true, bytes <= 64, "at most an alert before the end: " + bytes);
  }
}
