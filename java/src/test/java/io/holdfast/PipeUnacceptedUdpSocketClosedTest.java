package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * UdpSockets nobody takes are closed, never leaked: one arriving at a pipe whose read handler is a
 * plain ReadHandler, and two sent to a pipe that closes (on the data before them) before
 * delivering them. Each is seen closed
 * by its port becoming free again (a plain socket can bind it), and the fd count returns to its
 * baseline.
 */
class PipeUnacceptedUdpSocketClosedTest {
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void socketsNobodyTakesAreClosed() throws Exception {
    UdpTestSupport.baselineFdCount();
    int baseline = PipeTestSupport.baselineFdCount();
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("udp-unaccepted")) {
      // A plain ReadHandler: data is delivered, the socket is closed.
      PipeStream.Pair plain = PipeStream.pair(r.loop);
      CompletableFuture<String> data = new CompletableFuture<>();
      plain.second().readStart((s, d) -> data.complete(new String(PipeTestSupport.bytes(d))));
      int port = sendOne(r.loop, plain.first());
      plain.first().write(ByteBuffer.wrap("after".getBytes()), null);
      assertEquals("after", data.get(PipeUdpPassSupport.WAIT_SECONDS, TimeUnit.SECONDS));
      awaitPortFree(port);
      plain.first().close();
      plain.second().close();

      // A receiver that closes on the data before two sockets: they are never delivered.
      PipeStream.Pair closing = PipeStream.pair(r.loop);
      List<Handle> delivered = new CopyOnWriteArrayList<>();
      closing.second().readStart(new PipeReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer d) {
          s.close();
        }

        @Override
        public void onHandle(PipeStream p, Handle handle) {
          delivered.add(handle);
          handle.close();
        }
      });
      closing.first().write(ByteBuffer.wrap("close now".getBytes()), null);
      UdpSocket s1 = PipeUdpPassSupport.bound(r.loop);
      UdpSocket s2 = PipeUdpPassSupport.bound(r.loop);
      int port1 = s1.localAddress().getPort();
      int port2 = s2.localAddress().getPort();
      CompletableFuture<IOException> sent1 = new CompletableFuture<>();
      CompletableFuture<IOException> sent2 = new CompletableFuture<>();
      closing.first().send(s1, sent1::complete);
      closing.first().send(s2, sent2::complete);
      assertSentOrRefused(sent1.get(PipeUdpPassSupport.WAIT_SECONDS, TimeUnit.SECONDS));
      assertSentOrRefused(sent2.get(PipeUdpPassSupport.WAIT_SECONDS, TimeUnit.SECONDS));
      awaitPortFree(port1);
      awaitPortFree(port2);
      assertEquals(List.of(), delivered, "a closed pipe delivers no handle");
      closing.first().close();
      PipeTestSupport.waitUntil(() -> PipeUdpPassSupport.udpCount(r.loop) == 0,
          "no UdpSocket left on the loop");
    }
    OwnershipTestSupport.assertNoFdLeak(baseline);
  }

  /** Sends a new bound socket over pipe and waits for the send to complete; returns its port. */
  private static int sendOne(EventLoop loop, PipeStream pipe) throws Exception {
    UdpSocket s = PipeUdpPassSupport.bound(loop);
    int port = s.localAddress().getPort();
    CompletableFuture<IOException> sent = new CompletableFuture<>();
    pipe.send(s, sent::complete);
    IOException e = sent.get(PipeUdpPassSupport.WAIT_SECONDS, TimeUnit.SECONDS);
    assertTrue(e == null, () -> "send failed: " + e);
    return port;
  }

  /** Sent, or failed because the receiver closed first (then the sender closed the socket). */
  private static void assertSentOrRefused(IOException e) {
    NativeIOException facts = io.holdfast.internal.Errors.facts(e);
    assertTrue(e == null || e instanceof OperationCanceledException
        || (facts != null && facts.code().matches("EPIPE|ECONNRESET")), String.valueOf(e));
  }

  /** Waits until a plain socket can bind 127.0.0.1:port: every copy of the fd is closed. */
  private static void awaitPortFree(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PipeUdpPassSupport.WAIT_SECONDS);
    for (;;) {
      try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
        return;
      } catch (BindException e) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("port " + port + " still bound: the socket was not closed", e);
        }
        Thread.sleep(10);
      }
    }
  }
}
