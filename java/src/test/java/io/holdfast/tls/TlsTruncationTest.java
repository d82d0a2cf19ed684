package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.holdfast.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The peer closes TCP after sending data but without close_notify: the data arrives, then the
 * reader gets a TlsTruncationException (not an orderly end), and the stream closes.
 */
class TlsTruncationTest {
  @Test
  @Timeout(60)
  void tcpCloseWithoutCloseNotifyIsReportedAsTruncation() throws Exception {
    int baseline = TlsTestSupport.baselineFdCount();
    try (EventLoop loop = EventLoop.create();
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      loop.start("tls-truncation");
      CompletableFuture<Void> peer = TlsTestSupport.peer("truncating-peer", () -> {
        try (Socket plain = ss.accept()) {
          // A TLS server layered over a plain socket, so that TCP can close under it.
          SSLSocketFactory f = TlsTestSupport.serverContext().getSocketFactory();
          SSLSocket s = (SSLSocket) f.createSocket(plain, null, false);
          s.startHandshake();
          s.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
        } // plain.close(): FIN without close_notify
        return null;
      });
      TlsStream tls = TlsStream.client(TlsTestSupport.connect(loop, ss.getLocalPort()),
          TlsTestSupport.clientContext(), TlsTestSupport.clientOptions());
      TlsTestSupport.Collector in = new TlsTestSupport.Collector();
      tls.readStart(in);
      CompletableFuture<Void> closed = new CompletableFuture<>();
      tls.onClose(() -> closed.complete(null));

      IOException e = in.error.get(10, TimeUnit.SECONDS);
      assertInstanceOf(TlsTruncationException.class, e);
      assertArrayEquals("partial".getBytes(StandardCharsets.US_ASCII), in.bytes());
      assertFalse(in.end.isDone(), "not reported as an orderly end");
      closed.get(5, TimeUnit.SECONDS);
      assertFalse(tls.isOpen());
      assertSame(e, tls.failure());
      peer.get(10, TimeUnit.SECONDS);
    }
    TlsTestSupport.assertNoFdLeak(baseline, "fds");
  }
}
