package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.holdfast.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The peer closes properly (close_notify, then FIN): the reader gets the data and an orderly end,
 * no error; our side answers and closes by itself (allowHalfOpen is off by default).
 */
class TlsCloseNotifyEndsStreamTest {
  @Test
  @Timeout(60)
  void closeNotifyIsAnOrderlyEnd() throws Exception {
    int baseline = TlsTestSupport.baselineFdCount();
    try (EventLoop loop = EventLoop.create();
        SSLServerSocket ss = TlsTestSupport.jdkServer(TlsTestSupport.serverContext())) {
      loop.start("tls-close-notify");
      CompletableFuture<Void> peer = TlsTestSupport.peer("closing-peer", () -> {
        try (SSLSocket s = (SSLSocket) ss.accept()) {
          s.startHandshake();
          s.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
        } // close(): close_notify, then FIN
        return null;
      });
      TlsStream tls = TlsStream.client(TlsTestSupport.connect(loop, ss.getLocalPort()),
          TlsTestSupport.clientContext(), TlsTestSupport.clientOptions());
      TlsTestSupport.Collector in = new TlsTestSupport.Collector();
      tls.readStart(in);
      CompletableFuture<Void> closed = new CompletableFuture<>();
      tls.onClose(() -> closed.complete(null));

      in.end.get(10, TimeUnit.SECONDS);
      assertArrayEquals("bye".getBytes(StandardCharsets.US_ASCII), in.bytes());
      closed.get(10, TimeUnit.SECONDS);
      assertFalse(in.error.isDone(), "no error for an orderly end");
      assertNull(tls.failure());
      assertFalse(tls.isOpen());
      peer.get(10, TimeUnit.SECONDS);
    }
    TlsTestSupport.assertNoFdLeak(baseline, "fds");
  }
}
