package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.holdfast.TcpTestSupport.Events;
import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reset by the peer reaches a reading stream as exactly one onError carrying ECONNRESET (never
 * onEnd); the stream is then closed: neither readable nor writable, its facts still readable.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpReadErrorAfterResetTest {
  private RunningLoop rl;

  @AfterEach
  void tearDown() {
    if (rl != null) rl.close();
  }

  /** Accepts one stream that reads and records what happens to it. */
  private static final class Victim {
    final Events events = new Events();
    final List<IOException> errors = new CopyOnWriteArrayList<>();
    final CompletableFuture<TcpStream> stream = new CompletableFuture<>();
    final CountDownLatch reading = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);

    void accept(TcpStream s) {
      s.onClose(() -> {
        events.add("close");
        closed.countDown();
      });
      TcpTestSupport.unchecked(() -> s.readStart(new ReadHandler() {
        @Override
        public void onData(Stream st, ByteBuffer data) {
          events.add("data " + data.remaining());
        }

        @Override
        public void onEnd(Stream st) {
          events.add("end");
        }

        @Override
        public void onError(Stream st, IOException error) {
          events.add("error");
          errors.add(error);
        }
      }));
      stream.complete(s);
      reading.countDown();
    }

    void assertResetThenClosed() throws Exception {
      await(closed, "close after the reset");
      TcpStream s = stream.get();
      assertEquals(List.of("data 5", "error", "close"), events.snapshot());
      TcpTestSupport.assertFacts(errors.get(0), "ECONNRESET", "read");
      assertFalse(s.isOpen(), "a read error closes the stream");
      assertFalse(s.isReading());
      assertThrows(HandleClosedException.class, () -> s.readStart((st, d) -> { }));
      assertFalse(s.tryReadStart((st, d) -> { }));
      assertThrows(HandleClosedException.class, () -> s.write(ByteBuffer.allocate(1), null));
      assertThrows(HandleClosedException.class, () -> s.tryWrite(ByteBuffer.allocate(1)));
      assertThrows(HandleClosedException.class, () -> s.shutdown(null));
      assertEquals(5, s.bytesRead(), "counters stay readable");
      assertEquals(s.remoteAddress(), s.remoteAddress());
    }
  }

  @Test
  void holdfastCloseResetGivesPeerEconnreset() throws Exception {
    rl = new RunningLoop("tcp-reset");
    Victim victim = new Victim();
    TcpListener l = TcpTestSupport.listen(rl.loop, victim::accept);
    TcpStream client = TcpTestSupport.connect(rl.loop, l.localAddress());
    await(victim.reading, "accepted stream reading");
    CountDownLatch sent = new CountDownLatch(1);
    client.write(ByteBuffer.wrap("hello".getBytes()), error -> sent.countDown());
    await(sent, "write");
    TcpTestSupport.waitUntil(() -> victim.events.count("data 5") == 1, "data delivered");
    client.closeReset();
    victim.assertResetThenClosed();
    l.close();
  }

  @Test
  void plainSocketLingerZeroGivesPeerEconnreset() throws Exception {
    rl = new RunningLoop("tcp-reset");
    Victim victim = new Victim();
    TcpListener l = TcpTestSupport.listen(rl.loop, victim::accept);
    try (Socket peer = TcpTestSupport.javaClient(l.localAddress())) {
      await(victim.reading, "accepted stream reading");
      peer.getOutputStream().write("hello".getBytes());
      TcpTestSupport.waitUntil(() -> victim.events.count("data 5") == 1, "data delivered");
      peer.setSoLinger(true, 0);
    }
    victim.assertResetThenClosed();
    l.close();
  }
}
