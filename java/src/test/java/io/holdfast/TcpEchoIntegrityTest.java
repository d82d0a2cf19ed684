package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 1 MiB of random bytes, written in random sizes with gathered buffers (heap and direct, from the
 * test thread), echoed by a Holdfast server that honours backpressure, comes back byte-exact.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpEchoIntegrityTest {
  private static final int TOTAL = 1 << 20;

  private RunningLoop rl;

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  /** Echoes what it reads; stops reading while its write queue is above the high-water mark. */
  private static void echo(TcpStream s) {
    s.onDrain(() -> TcpTestSupport.unchecked(() -> s.readStart(echoHandler())));
    TcpTestSupport.unchecked(() -> s.readStart(echoHandler()));
  }

  private static ReadHandler echoHandler() {
    return (stream, data) -> {
      ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
      TcpTestSupport.unchecked(() -> {
        if (!stream.write(copy, null)) stream.readStop();
      });
    };
  }

  @Test
  void megabyteEchoesByteExact() throws Exception {
    rl = new RunningLoop("tcp-echo");
    Random random = new Random(12345);
    byte[] data = new byte[TOTAL];
    random.nextBytes(data);
    CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
    TcpListener l = TcpTestSupport.listen(rl.loop, s -> {
      accepted.complete(s);
      echo(s);
    });
    TcpStream c = TcpTestSupport.connect(rl.loop, l.localAddress());
    CompletableFuture<byte[]> echoed = new CompletableFuture<>();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    c.readStart(new ReadHandler() {
      @Override
      public void onData(Stream s, ByteBuffer d) {
        got.writeBytes(TcpTestSupport.bytes(d));
      }

      @Override
      public void onEnd(Stream s) {
        echoed.complete(got.toByteArray());
      }

      @Override
      public void onError(Stream s, IOException e) {
        echoed.completeExceptionally(e);
      }
    });

    List<IOException> writeErrors = new CopyOnWriteArrayList<>();
    int writes = 0;
    for (int off = 0; off < TOTAL; writes++) {
      int parts = 1 + random.nextInt(4);
      List<ByteBuffer> bufs = new ArrayList<>();
      for (int p = 0; p < parts && off < TOTAL; p++) {
        int n = Math.min(TOTAL - off, 1 + random.nextInt(random.nextBoolean() ? 64 : 20_000));
        ByteBuffer b = random.nextBoolean() ? ByteBuffer.allocate(n + 8)
            : ByteBuffer.allocateDirect(n + 8);
        b.position(4); // a buffer's position and limit delimit what is written
        b.put(data, off, n).flip().position(4);
        bufs.add(b);
        off += n;
      }
      c.write(bufs.toArray(new ByteBuffer[0]), error -> {
        if (error != null) writeErrors.add(error);
      });
    }
    c.shutdown(null); // the server ends and closes after echoing everything (no half-open)

    byte[] back = echoed.get(TcpTestSupport.WAIT_MILLIS * 3, TimeUnit.MILLISECONDS);
    assertEquals(TOTAL, back.length, "echoed length after " + writes + " writes");
    assertArrayEquals(data, back);
    assertNull(writeErrors.isEmpty() ? null : writeErrors, "no write failed");
    assertEquals(TOTAL, c.bytesWritten());
    assertEquals(TOTAL, c.bytesRead());
    TcpStream s = accepted.get();
    TcpTestSupport.waitUntil(() -> !s.isOpen(), "server stream closed after the end");
    assertEquals(TOTAL, s.bytesRead());
    assertEquals(TOTAL, s.bytesWritten());
    c.close();
    l.close();
  }
}
