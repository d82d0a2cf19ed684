package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.ReadHandler;
import io.holdfast.Stream;
import io.holdfast.TcpStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * readStop() stops reading from the transport: nothing more is delivered and the peer's writes
 * block (TCP backpressure); readStart() resumes and every byte arrives.
 */
class TlsReadBackpressureTest {
  private static final int TOTAL = 4 * 1024 * 1024;

  @Test
  @Timeout(60)
  void readStopPushesBackOnThePeerAndReadStartResumes() throws Exception {
    try (EventLoop loop = EventLoop.create();
        SSLServerSocket ss = TlsTestSupport.jdkServer(TlsTestSupport.serverContext())) {
      loop.start("tls-read-backpressure");
      AtomicLong peerWritten = new AtomicLong();
      CompletableFuture<Void> peer = TlsTestSupport.peer("writing-peer", () -> {
        try (SSLSocket s = (SSLSocket) ss.accept()) {
          s.setSendBufferSize(16 * 1024);
          s.startHandshake();
          OutputStream out = s.getOutputStream();
          byte[] chunk = new byte[16 * 1024];
          for (int off = 0; off < TOTAL; off += chunk.length) {
            out.write(chunk);
            peerWritten.addAndGet(chunk.length);
          }
          out.flush();
          s.getInputStream().read(); // until we close
        } catch (java.io.IOException e) {
          // our close
        }
        return null;
      });
      TcpStream raw = TlsTestSupport.connect(loop, ss.getLocalPort());
      raw.setReceiveBufferSize(64 * 1024); // no autotuning: the pipeline fills quickly
      TlsStream tls = TlsStream.client(raw, TlsTestSupport.clientContext(),
          TlsTestSupport.clientOptions());
      AtomicLong received = new AtomicLong();
      CompletableFuture<Void> stopped = new CompletableFuture<>();
      tls.readStart(new ReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer d) {
          received.addAndGet(d.remaining());
          if (received.get() >= 256 * 1024 && !stopped.isDone()) {
            try {
              s.readStop(); // the consumer is full
            } catch (HandleClosedException e) {
              stopped.completeExceptionally(e);
            }
            stopped.complete(null);
          }
        }
      });
      stopped.get(10, TimeUnit.SECONDS);
      assertFalse(tls.isReading());
      long atStop = received.get();
      // The kernel buffers fill, then the peer's writes block: wait (bounded) until they do.
      long peerStalledAt = -1;
      for (int i = 0; i < 100 && peerStalledAt != peerWritten.get(); i++) {
        peerStalledAt = peerWritten.get();
        Thread.sleep(300);
      }
      Thread.sleep(500);
      assertEquals(atStop, received.get(), "nothing delivered after readStop");
      assertEquals(peerStalledAt, peerWritten.get(), "the peer's writes are blocked");
      assertTrue(peerStalledAt < TOTAL, "the peer could not finish: " + peerStalledAt);
      assertTrue(tls.bytesRead() - atStop < 2 * 1024 * 1024,
          "bounded decrypted-but-undelivered data: " + (tls.bytesRead() - atStop));

      tls.readStart((s, d) -> received.addAndGet(d.remaining()));
      TlsTestSupport.await(() -> received.get() == TOTAL, 30_000, "every byte after readStart");
      assertEquals(TOTAL, peerWritten.get());
      tls.close();
      peer.get(10, TimeUnit.SECONDS);
    }
  }
}
