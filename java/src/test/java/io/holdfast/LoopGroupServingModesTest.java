package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Both serving modes under 64 concurrent clients with byte-exact echo. */
class LoopGroupServingModesTest {
  private static final int CLIENTS = 64;

  @Test
  @Timeout(60)
  void reusePortListenersEchoOnEveryLoop() throws Exception {
    Map<String, AtomicInteger> perThread = new ConcurrentHashMap<>();
    try (LoopGroup group = LoopGroup.create(2, "rp-server");
        EventLoop clients = EventLoop.create()) {
      clients.start("rp-clients");
      List<TcpListener> listeners = group.listenReusePort(
          new InetSocketAddress("127.0.0.1", 0), TcpListener.Options.defaults(), s -> {
            perThread.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger())
                .incrementAndGet();
            LoopGroupTestSupport.echo(s);
          });
      assertEquals(2, listeners.size());
      assertEquals(listeners.get(0).localAddress(), listeners.get(1).localAddress());
      runClients(clients, listeners.get(0).localAddress());
      assertEquals(CLIENTS, perThread.values().stream().mapToInt(AtomicInteger::get).sum());
      // The kernel hashes 64 connections over both listeners (all on one: p = 2^-63).
      assertEquals(2, perThread.size(), perThread.toString());
    }
  }

  @Test
  @Timeout(60)
  void acceptingLoopDistributesStreamsRoundRobin() throws Exception {
    Map<String, AtomicInteger> perThread = new ConcurrentHashMap<>();
    try (LoopGroup group = LoopGroup.create(2, "dist-server");
        EventLoop clients = EventLoop.create()) {
      clients.start("dist-clients");
      TcpListener listener = group.listenAndDistribute(new InetSocketAddress("127.0.0.1", 0),
          TcpListener.Options.defaults(), s -> {
            assertTrue(s.loop().inEventLoop(), "handler runs on the stream's loop");
            perThread.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger())
                .incrementAndGet();
            LoopGroupTestSupport.echo(s);
          });
      runClients(clients, listener.localAddress());
      assertEquals(2, perThread.size(), perThread.toString());
      for (AtomicInteger n : perThread.values()) assertEquals(CLIENTS / 2, n.get());
    }
  }

  private static void runClients(EventLoop clients, InetSocketAddress server) throws Exception {
    List<CompletableFuture<TcpStream>> done = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      done.add(LoopGroupTestSupport.echoClient(clients, server, 64 * 1024));
    }
    for (CompletableFuture<TcpStream> f : done) f.get(30, TimeUnit.SECONDS).close();
  }
}
