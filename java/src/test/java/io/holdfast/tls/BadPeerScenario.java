package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.holdfast.EventLoop;
import io.holdfast.Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A handshake that must fail: checks what every bad-input test needs (the error reaches the
 * handshake listener, the reader and a pending write, each once; the stream closes; no fd leaks)
 * and returns the error for the test's own assertions.
 */
final class BadPeerScenario {
  private BadPeerScenario() {}

  @FunctionalInterface
  interface Setup {
    /** Starts the peer (on threads) and returns our raw stream and how to wrap it. */
    Prepared start(EventLoop loop) throws Exception;
  }

  @FunctionalInterface
  interface Wrapper {
    TlsStream wrap(Stream raw) throws Exception;
  }

  /** Our side before TLS: the raw stream and the call that wraps it. */
  record Prepared(Stream raw, Wrapper wrapper) {}

  /** What the scenario registers on the stream, in the loop task that creates it. */
  private record Observed(TlsStream tls, CompletableFuture<TlsHandshake> hs,
      TlsTestSupport.Collector in, List<IOException> writeErrors,
      CompletableFuture<Void> closed) {}

  static Throwable expectHandshakeFailure(Setup setup) throws Exception {
    int baseline = TlsTestSupport.baselineFdCount();
    Throwable error;
    try (EventLoop loop = EventLoop.create()) {
      loop.start("tls-bad-peer");
      Prepared p = setup.start(loop);
      // Wrapped and observed in one loop task: nothing can fail before we listen.
      CompletableFuture<Observed> ready = new CompletableFuture<>();
      loop.execute(() -> {
        try {
          TlsStream tls = p.wrapper().wrap(p.raw());
          CompletableFuture<TlsHandshake> hs = TlsTestSupport.handshake(tls);
          TlsTestSupport.Collector in = new TlsTestSupport.Collector();
          tls.readStart(in);
          List<IOException> writeErrors = new CopyOnWriteArrayList<>();
          tls.write(ByteBuffer.wrap(new byte[100]), err -> writeErrors.add(err));
          CompletableFuture<Void> closed = new CompletableFuture<>();
          tls.onClose(() -> closed.complete(null));
          ready.complete(new Observed(tls, hs, in, writeErrors, closed));
        } catch (Throwable t) {
          ready.completeExceptionally(t);
        }
      });
      Observed o = ready.get(10, TimeUnit.SECONDS);
      TlsStream tls = o.tls();
      CompletableFuture<TlsHandshake> hs = o.hs();
      TlsTestSupport.Collector in = o.in();
      List<IOException> writeErrors = o.writeErrors();
      CompletableFuture<Void> closed = o.closed();

      error = TlsTestSupport.awaitFailure(hs);
      closed.get(10, TimeUnit.SECONDS);
      assertFalse(tls.isOpen());
      assertSame(error, tls.failure());
      assertSame(error, in.error.get(5, TimeUnit.SECONDS), "the reader got the same error");
      assertEquals(List.of(error), writeErrors, "the pending write failed once, with it");
      assertEquals(0, tls.writeQueueSize());
      assertEquals(0, in.size(), "no plaintext from a failed handshake");
    }
    TlsTestSupport.assertNoFdLeak(baseline, "fds after the failure");
    return error;
  }

  /** The chain of messages of t and its causes, for assertions on the root cause. */
  static String causes(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) b.append(c).append(" <- ");
    return b.toString();
  }
}
