package io.holdfast;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Echo server handler and byte-exact echo clients for the loop group tests. */
final class LoopGroupTestSupport {
  private LoopGroupTestSupport() {}

  /** Starts echoing on an accepted stream: every byte read is written back. */
  static void echo(TcpStream s) {
    s.tryReadStart((st, data) -> {
      ByteBuffer copy = ByteBuffer.allocateDirect(data.remaining()).put(data).flip();
      try {
        st.write(copy, null);
      } catch (HandleClosedException e) {
        // closed meanwhile
      }
    });
  }

  /**
   * Connects from loop, sends size random bytes in random chunks and completes with the stream
   * once the same bytes came back in order.
   */
  static CompletableFuture<TcpStream> echoClient(EventLoop loop, InetSocketAddress server,
      int size) throws IOException {
    byte[] sent = new byte[size];
    ThreadLocalRandom.current().nextBytes(sent);
    CompletableFuture<TcpStream> done = new CompletableFuture<>();
    AtomicLong received = new AtomicLong();
    TcpStream.connect(loop, server, (s, err) -> {
      if (err != null) {
        done.completeExceptionally(err);
        return;
      }
      s.tryReadStart((st, data) -> {
        while (data.hasRemaining()) {
          int at = (int) received.getAndIncrement();
          if (at >= size || data.get() != sent[at]) {
            done.completeExceptionally(new AssertionError("echo differs at byte " + at));
            return;
          }
        }
        if (received.get() == size) done.complete(s);
      });
      int off = 0;
      while (off < size) {
        int n = Math.min(size - off, 1 + ThreadLocalRandom.current().nextInt(8192));
        try {
          s.write(ByteBuffer.wrap(sent, off, n), null);
        } catch (HandleClosedException e) {
          done.completeExceptionally(e);
          return;
        }
        off += n;
      }
    });
    return done;
  }

  static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
  }
}
