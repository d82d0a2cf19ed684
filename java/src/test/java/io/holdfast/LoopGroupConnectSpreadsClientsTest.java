package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client side of a group: TcpStream.connect(group, ...) picks the group's loops round robin; each
 * stream belongs to the loop it was made on, its handler runs on that loop's thread, and it
 * carries data. After shutdown the group refuses new connects.
 */
class LoopGroupConnectSpreadsClientsTest {
  @Test
  @Timeout(60)
  void connectsAreSpreadRoundRobinAndWork() throws Exception {
    int baseline = OwnershipTestSupport.baselineFdCount();
    LoopGroup group = LoopGroup.create(2, "hf-group-connect");
    try (EventLoop server = EventLoop.create()) {
      server.start("hf-group-connect-server");
      TcpListener listener = TcpListener.bind(server, new InetSocketAddress("127.0.0.1", 0));
      listener.listen(LoopGroupTestSupport::echo);
      int clients = 6;
      List<CompletableFuture<Thread>> handlerThreads = new ArrayList<>();
      List<TcpStream> streams = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        CompletableFuture<Thread> onThread = new CompletableFuture<>();
        CompletableFuture<byte[]> echoed = new CompletableFuture<>();
        TcpStream s = TcpStream.connect(group, listener.localAddress(), (st, err) -> {
          if (err != null) {
            onThread.completeExceptionally(err);
            return;
          }
          onThread.complete(Thread.currentThread());
          st.tryReadStart((x, data) -> {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            echoed.complete(b);
          });
          try {
            st.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), null);
          } catch (HandleClosedException e) {
            echoed.completeExceptionally(e);
          }
        });
        streams.add(s);
        handlerThreads.add(onThread);
        assertEquals(3, echoed.get(20, TimeUnit.SECONDS).length, "client " + i + " echo");
      }
      Map<EventLoop, Integer> perLoop = new HashMap<>();
      for (int i = 0; i < clients; i++) {
        TcpStream s = streams.get(i);
        assertEquals(group.loops().get(i % 2), s.loop(), "client " + i + " not round robin");
        perLoop.merge(s.loop(), 1, Integer::sum);
        Thread t = handlerThreads.get(i).get(20, TimeUnit.SECONDS);
        assertTrue(t.getName().startsWith("hf-group-connect"), t.getName());
        assertTrue(!t.getName().startsWith("hf-group-connect-server"), t.getName());
      }
      assertEquals(2, perLoop.size());
      assertEquals(3, perLoop.get(group.loops().get(0)));
      assertTrue(group.shutdownGracefully(0, 10_000), "nothing was queued: drains at once");
      assertThrows(IllegalStateException.class,
          () -> TcpStream.connect(group, listener.localAddress(), (st, err) -> { }));
      for (TcpStream s : streams) assertTrue(!s.isOpen(), s + " open after group shutdown");
      listener.close();
    } finally {
      group.close();
    }
    OwnershipTestSupport.assertNoFdLeak(baseline);
  }
}
