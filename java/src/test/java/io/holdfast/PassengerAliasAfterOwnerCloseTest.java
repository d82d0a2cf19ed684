package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scenario behind the promise (Node's "read EINVAL"): a wrapper keeps an alias of a stream,
 * the real owner closes it from another thread, and the wrapper's read path later calls
 * readStart. Every call through the alias must throw HandleClosedException synchronously, and
 * must not touch the connection that reuses the closed stream's fd number.
 */
class PassengerAliasAfterOwnerCloseTest {
  @Test
  @Timeout(30)
  void aliasOfAClosedStreamIsRejectedAndTouchesNothing() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("owner-loop");
      OwnershipTestSupport.Pair pair = OwnershipTestSupport.connectedPair(loop);
      TcpStream owner = pair.server();
      TcpStream passenger = owner; // the wrapper's alias

      Thread closer = new Thread(owner::close, "owner-closer");
      closer.start();
      closer.join();

      // A new connection, likely on the fd number the owner had.
      OwnershipTestSupport.Pair fresh = OwnershipTestSupport.connectedPair(loop);
      CompletableFuture<String> freshGot = new CompletableFuture<>();
      fresh.server().readStart((s, data) -> {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        freshGot.complete(new String(b));
      });

      HandleClosedException e = assertThrows(HandleClosedException.class,
          () -> passenger.readStart((s, d) -> { }));
      assertEquals(HandleClosedException.Reason.CLOSED, e.reason());
      assertTrue(e.getMessage().contains("TcpStream"), e.getMessage());
      assertThrows(HandleClosedException.class,
          () -> passenger.write(ByteBuffer.wrap(new byte[] {1}), null));
      assertThrows(HandleClosedException.class, () -> passenger.setNoDelay(false));
      assertThrows(HandleClosedException.class, () -> passenger.shutdown(null));
      assertThrows(HandleClosedException.class, passenger::readStop);
      assertTrue(!passenger.tryReadStart((s, d) -> { }));

      // The new connection saw none of it: it still reads what its own peer sends, and its peer
      // got no stray byte or shutdown.
      fresh.client().write(ByteBuffer.wrap("ok".getBytes()), null);
      assertEquals("ok", freshGot.get(5, TimeUnit.SECONDS));
      CompletableFuture<Integer> clientGot = new CompletableFuture<>();
      fresh.client().readStart((s, d) -> clientGot.complete(d.remaining()));
      fresh.server().write(ByteBuffer.wrap("x".getBytes()), null);
      assertEquals(1, clientGot.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  @Timeout(30)
  void closeRacingWithCallsFromManyThreadsOnlyEverRejectsCleanly() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("race-loop");
      for (int round = 0; round < 50; round++) {
        OwnershipTestSupport.Pair pair = OwnershipTestSupport.connectedPair(loop);
        TcpStream s = pair.server();
        CompletableFuture<Throwable> odd = new CompletableFuture<>();
        Thread[] passengers = new Thread[3];
        for (int t = 0; t < passengers.length; t++) {
          passengers[t] = new Thread(() -> {
            for (int i = 0; i < 200; i++) {
              try {
                s.readStart((x, d) -> { });
                s.write(ByteBuffer.allocateDirect(8), err -> { });
                s.setNoDelay(true);
                s.readStop();
              } catch (HandleClosedException expected) {
                return;
              } catch (Throwable other) {
                odd.complete(other);
                return;
              }
            }
          });
          passengers[t].start();
        }
        s.close();
        for (Thread t : passengers) t.join();
        assertTrue(!odd.isDone(), () -> "unexpected: " + odd.join());
        pair.client().close();
        pair.listener().close();
      }
    }
  }
}
