package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.EventLoop;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 8 MiB each way at once between our client and the JDK server, random write sizes on both
 * sides, our writer honouring backpressure; both sides check a digest of what arrived.
 */
class TlsBulkTransferTest {
  private static final int SIZE = 8 * 1024 * 1024;

  @Test
  @Timeout(120)
  void eightMebibytesEachWayArriveIntact() throws Exception {
    byte[] up = TlsTestSupport.pattern(1, SIZE);
    byte[] down = TlsTestSupport.pattern(2, SIZE);
    try (EventLoop loop = EventLoop.create();
        SSLServerSocket ss = TlsTestSupport.jdkServer(TlsTestSupport.serverContext())) {
      loop.start("tls-bulk");
      CompletableFuture<byte[]> peerGot = TlsTestSupport.peer("jdk-server", () -> {
        try (SSLSocket s = (SSLSocket) ss.accept()) {
          s.setSoTimeout(60_000);
          s.startHandshake();
          CompletableFuture<Void> writer = TlsTestSupport.peer("jdk-writer", () -> {
            OutputStream out = s.getOutputStream();
            Random r = new Random(3);
            for (int off = 0; off < SIZE; ) {
              int n = Math.min(SIZE - off, 1 + r.nextInt(64 * 1024));
              out.write(down, off, n);
              off += n;
            }
            out.flush();
            return null;
          });
          MessageDigest md = MessageDigest.getInstance("SHA-256");
          InputStream in = s.getInputStream();
          byte[] buf = new byte[37_000];
          for (int got = 0; got < SIZE; ) {
            int n = in.read(buf);
            if (n < 0) throw new java.io.EOFException("after " + got);
            md.update(buf, 0, n);
            got += n;
          }
          writer.get(60, TimeUnit.SECONDS);
          return md.digest();
        }
      });
      TlsStream tls = TlsStream.client(TlsTestSupport.connect(loop, ss.getLocalPort()),
          TlsTestSupport.clientContext(), TlsTestSupport.clientOptions());

      MessageDigest ours = MessageDigest.getInstance("SHA-256");
      long[] received = {0};
      CompletableFuture<byte[]> weGot = new CompletableFuture<>();
      tls.readStart((s, d) -> {
        received[0] += d.remaining();
        ours.update(d);
        if (received[0] == SIZE) weGot.complete(ours.digest());
      });
      CompletableFuture<Void> sent = new CompletableFuture<>();
      Random r = new Random(4);
      int[] off = {0};
      int[] pending = {0};
      Runnable writeMore = new Runnable() {
        @Override
        public void run() {
          try {
            while (off[0] < SIZE) {
              int n = Math.min(SIZE - off[0], 1 + r.nextInt(64 * 1024));
              pending[0]++;
              boolean more = tls.write(ByteBuffer.wrap(up, off[0], n), err -> {
                if (err != null) sent.completeExceptionally(err);
                else if (--pending[0] == 0 && off[0] == SIZE) sent.complete(null);
              });
              off[0] += n;
              if (!more) return; // onDrain calls us again
            }
          } catch (Exception e) {
            sent.completeExceptionally(e);
          }
        }
      };
      tls.onDrain(writeMore);
      loop.execute(writeMore);

      sent.get(60, TimeUnit.SECONDS);
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      assertArrayEquals(md.digest(up), peerGot.get(60, TimeUnit.SECONDS), "upstream");
      assertArrayEquals(md.digest(down), weGot.get(60, TimeUnit.SECONDS), "downstream");
      assertEquals(SIZE, tls.bytesWritten());
      assertEquals(SIZE, tls.bytesRead());
      tls.close();
    }
  }
}
