package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 moves of accepted streams across the group's loops while clients stream numbered bytes
 * through them (echo): every client gets back exactly what it sent, in order.
 */
class LoopGroupMoveManyStreamsTest {
  /** Sends 1 KiB of numbered bytes, waits for exactly that echo, repeats until stopped. */
  private static final class PingPong {
    final CompletableFuture<String> done = new CompletableFuture<>();
    final ByteBuffer out = ByteBuffer.allocateDirect(1024);
    long sent;
    long verified;
    volatile long roundTrips;

    PingPong(EventLoop loop, InetSocketAddress server, AtomicBoolean stop) throws Exception {
      TcpStream.connect(loop, server, (s, err) -> {
        if (err != null) {
          done.completeExceptionally(err);
          return;
        }
        s.tryReadStart((st, data) -> {
          while (data.hasRemaining()) {
            if (data.get() != (byte) (verified * 7 + 3)) {
              done.completeExceptionally(new AssertionError("byte " + verified + " wrong"));
              return;
            }
            verified++;
          }
          if (verified == sent) {
            roundTrips++;
            if (stop.get()) {
              done.complete("stopped");
              st.close();
            } else {
              send(st);
            }
          }
        });
        send(s);
      });
    }

    void send(Stream s) {
      for (int i = 0; i < out.capacity(); i++) out.put(i, (byte) ((sent + i) * 7 + 3));
      sent += out.capacity();
      try {
        s.write(out.duplicate(), null);
      } catch (HandleClosedException e) {
        done.completeExceptionally(e);
      }
    }
  }

  private static final int STREAMS = 16;
  private static final int MOVES = 10_000;

  @Test
  @Timeout(120)
  void tenThousandMovesWhileTrafficFlowsLoseAndDuplicateNothing() throws Exception {
    try (LoopGroup group = LoopGroup.create(2, "movers"); EventLoop clients = EventLoop.create()) {
      clients.start("move-clients");
      AtomicReferenceArray<TcpStream> servers = new AtomicReferenceArray<>(STREAMS);
      AtomicInteger accepted = new AtomicInteger();
      TcpListener l = TcpListener.bind(group.loops().get(0), new InetSocketAddress("127.0.0.1", 0));
      l.listen(s -> {
        servers.set(accepted.getAndIncrement(), s);
        LoopGroupTestSupport.echo(s);
      });
      // Clients ping-pong numbered bytes until told to stop; each verifies every echo.
      AtomicBoolean stop = new AtomicBoolean();
      List<PingPong> pingers = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) pingers.add(new PingPong(clients, l.localAddress(), stop));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (accepted.get() < STREAMS && System.nanoTime() < until) Thread.sleep(5);
      assertEquals(STREAMS, accepted.get());
      int moves = 0;
      while (moves < MOVES) {
        int i = moves % STREAMS;
        TcpStream s = servers.get(i);
        EventLoop target = group.loops().get((moves / STREAMS) % 2 == 0 ? 1 : 0);
        CountDownLatch arrived = new CountDownLatch(1);
        // The owner hands the stream on from its own loop thread, as an acceptor does, so no
        // read callback of the old owner is half-way through an echo when it goes stale.
        s.loop().execute(() -> {
          try {
            s.transferTo(target, moved -> {
              servers.set(i, moved);
              LoopGroupTestSupport.echo(moved);
              arrived.countDown();
            });
          } catch (HandleClosedException e) {
            throw new AssertionError(e);
          }
        });
        assertTrue(arrived.await(10, TimeUnit.SECONDS), "move " + moves + " never arrived");
        moves++;
      }
      stop.set(true);
      for (PingPong p : pingers) {
        assertEquals("stopped", p.done.get(30, TimeUnit.SECONDS));
        assertTrue(p.roundTrips > 0);
      }
      assertEquals(MOVES, moves);
      l.close();
    }
  }
}
