package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.holdfast.TcpTestSupport.Events;
import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After readStop (in a data callback, so on the loop thread), no read callback runs again: not for
 * data the peer sends afterwards, not for its EOF, not while we write and close. Writing still
 * works while reading is stopped.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpReadStopThenWriteThenCloseTest {
  private RunningLoop rl;
  private Socket peer;

  @AfterEach
  void tearDown() {
    TcpTestSupport.closeQuietly(peer);
    if (rl != null) rl.close();
  }

  @Test
  void noReadCallbackAfterReadStop() throws Exception {
    rl = new RunningLoop("tcp-read-stop");
    Events events = new Events();
    CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
    CountDownLatch closed = new CountDownLatch(1);
    TcpListener l = TcpTestSupport.listen(rl.loop, stream -> {
      accepted.complete(stream);
      stream.onClose(() -> {
        events.add("close");
        closed.countDown();
      });
      TcpTestSupport.unchecked(() -> stream.readStart(new ReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer data) {
          events.add("data " + new String(TcpTestSupport.bytes(data), StandardCharsets.US_ASCII));
          TcpTestSupport.unchecked(() -> {
            s.readStop();
            events.add(s.isReading() ? "still reading" : "stopped");
            s.write(ByteBuffer.wrap("ack".getBytes(StandardCharsets.US_ASCII)),
                error -> events.add(error == null ? "written" : "write failed: " + error));
          });
        }

        @Override
        public void onEnd(Stream s) {
          events.add("end");
        }

        @Override
        public void onError(Stream s, java.io.IOException error) {
          events.add("error " + error);
        }
      }));
    });
    peer = TcpTestSupport.javaClient(l.localAddress());
    OutputStream out = peer.getOutputStream();
    InputStream in = peer.getInputStream();
    out.write("one".getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals("ack".getBytes(StandardCharsets.US_ASCII), TcpTestSupport.readFully(in, 3));

    // Reading is stopped: more data and the peer's EOF stay in the kernel.
    out.write("two".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    peer.shutdownOutput();
    Thread.sleep(200);
    TcpStream s = accepted.get();
    assertFalse(s.isReading());

    // Writing still works while reading is stopped; then close.
    CountDownLatch written = new CountDownLatch(1);
    s.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII)), error -> {
      events.add(error == null ? "written" : "write failed: " + error);
      written.countDown();
    });
    await(written, "write while not reading");
    assertArrayEquals("bye".getBytes(StandardCharsets.US_ASCII), TcpTestSupport.readFully(in, 3));
    s.close();
    await(closed, "close callback");
    rl.run(() -> { });
    assertEquals(List.of("data one", "stopped", "written", "written", "close"), events.snapshot());
    assertEquals(3, s.bytesRead(), "nothing was read after readStop");
    l.close();
  }
}
