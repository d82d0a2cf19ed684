package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.holdfast.EventLoop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * shutdown() right after queuing writes: every byte reaches the peer first, then close_notify
 * (the JDK peer sees an orderly end of stream, not an error), and the callback reports success.
 */
class TlsShutdownSendsCloseNotifyTest {
  private static final int SIZE = 1024 * 1024;

  @Test
  @Timeout(60)
  void queuedDataThenCloseNotify() throws Exception {
    byte[] data = TlsTestSupport.pattern(5, SIZE);
    try (EventLoop loop = EventLoop.create();
        SSLServerSocket ss = TlsTestSupport.jdkServer(TlsTestSupport.serverContext())) {
      loop.start("tls-shutdown");
      CompletableFuture<byte[]> peer = TlsTestSupport.peer("jdk-server", () -> {
        try (SSLSocket s = (SSLSocket) ss.accept()) {
          s.startHandshake();
          InputStream in = s.getInputStream();
          ByteArrayOutputStream got = new ByteArrayOutputStream();
          byte[] b = new byte[65536];
          for (int n; (n = in.read(b)) >= 0; ) got.write(b, 0, n); // -1 only on close_notify
          return got.toByteArray();
        }
      });
      TlsStream tls = TlsStream.client(TlsTestSupport.connect(loop, ss.getLocalPort()),
          TlsTestSupport.clientContext(), TlsTestSupport.clientOptions());
      for (int off = 0; off < SIZE; off += 8192) {
        tls.write(ByteBuffer.wrap(data, off, 8192), null);
      }
      CompletableFuture<IOException> done = new CompletableFuture<>();
      tls.shutdown(done::complete);
      assertThrows(IllegalStateException.class, () -> tls.write(ByteBuffer.allocate(1), null));
      assertThrows(IllegalStateException.class, () -> tls.shutdown(null));

      assertNull(done.get(10, TimeUnit.SECONDS));
      assertArrayEquals(data, peer.get(10, TimeUnit.SECONDS));
      tls.close();
    }
  }
}
