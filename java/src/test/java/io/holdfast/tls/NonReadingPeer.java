package io.holdfast.tls;

import io.holdfast.EventLoop;
import io.holdfast.TcpStream;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A JDK TLS server that completes the handshake and then reads nothing until told to, with small
 * socket buffers on both sides so that our writes queue in the TLS stream.
 */
final class NonReadingPeer implements AutoCloseable {
  private final SSLServerSocket ss;
  private final CountDownLatch startReading = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  final CompletableFuture<Long> bytesRead;
  final TlsStream tls;

  NonReadingPeer(EventLoop loop, TlsOptions options) throws Exception {
    ss = TlsTestSupport.jdkServer(TlsTestSupport.serverContext());
    ss.setReceiveBufferSize(16 * 1024);
    bytesRead = TlsTestSupport.peer("non-reading-peer", () -> {
      try (SSLSocket s = (SSLSocket) ss.accept()) {
        s.setSoTimeout(30_000);
        s.startHandshake();
        long n = 0;
        if (startReading.await(30, TimeUnit.SECONDS)) {
          InputStream in = s.getInputStream();
          byte[] b = new byte[65536];
          for (int r; (r = in.read(b)) >= 0; ) n += r;
        } else {
          release.await(30, TimeUnit.SECONDS);
        }
        return n;
      } catch (java.io.IOException e) {
        return -1L; // our side closed without close_notify
      }
    });
    TcpStream raw = TlsTestSupport.connect(loop, ss.getLocalPort());
    raw.setSendBufferSize(16 * 1024);
    tls = TlsStream.client(raw, TlsTestSupport.clientContext(), options);
    TlsTestSupport.handshake(tls).get(10, TimeUnit.SECONDS);
  }

  /** The peer reads everything from now on, until the end of the stream. */
  void startReading() {
    startReading.countDown();
  }

  @Override
  public void close() throws Exception {
    release.countDown();
    startReading.countDown();
    ss.close();
  }
}
