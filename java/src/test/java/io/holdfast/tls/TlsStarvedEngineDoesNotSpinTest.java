package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.EventLoop;
import io.holdfast.OperationCanceledException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An engine that keeps asking for bytes that never come (the peer sent the start of a record and
 * went quiet) with our write queued behind the handshake: the loop thread sleeps in poll instead
 * of retrying. Measured as the loop thread's CPU time over an idle second.
 */
class TlsStarvedEngineDoesNotSpinTest {
  @Test
  @Timeout(60)
  void loopSleepsWhileTheEngineWaitsForTheRestOfARecord() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isThreadCpuTimeSupported(), "thread CPU time is not supported here");
    mx.setThreadCpuTimeEnabled(true);
    try (EventLoop loop = EventLoop.create();
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread loopThread = loop.start("tls-starved");
      CountDownLatch partialSent = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> peer = TlsTestSupport.peer("partial-record-peer", () -> {
        try (Socket s = ss.accept()) {
          s.getInputStream().read(new byte[512]); // some of the ClientHello
          OutputStream out = s.getOutputStream();
          // A handshake record header announcing 16384 bytes, then only 100 of them.
          out.write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00});
          out.write(new byte[100]);
          out.flush();
          partialSent.countDown();
          release.await(30, TimeUnit.SECONDS);
        }
        return null;
      });
      TlsStream tls = TlsStream.client(TlsTestSupport.connect(loop, ss.getLocalPort()),
          TlsTestSupport.clientContext(), TlsTestSupport.clientOptions());
      CompletableFuture<TlsHandshake> hs = TlsTestSupport.handshake(tls);
      List<Exception> writeResults = new CopyOnWriteArrayList<>();
      tls.write(ByteBuffer.wrap(new byte[1024]),
          err -> writeResults.add(err == null ? new Exception("completed") : err));
      assertTrue(partialSent.await(10, TimeUnit.SECONDS));
      TlsTestSupport.await(() -> tls.waitingFor().equals("INBOUND"), 10_000, "INBOUND");
      Thread.sleep(200); // the partial record has been read and unwrapped by now

      long cpuBefore = mx.getThreadCpuTime(loopThread.getId());
      Thread.sleep(1000);
      long cpuNanos = mx.getThreadCpuTime(loopThread.getId()) - cpuBefore;

      assertTrue(cpuNanos < TimeUnit.MILLISECONDS.toNanos(100),
          "loop thread used " + cpuNanos / 1_000_000 + " ms of CPU in an idle second");
      assertEquals("INBOUND", tls.waitingFor());
      assertFalse(hs.isDone());
      assertNull(tls.handshake());
      assertEquals(List.of(), writeResults, "the write waits behind the handshake");
      assertEquals(1024, tls.writeQueueSize());

      tls.close();
      TlsTestSupport.await(() -> writeResults.size() == 1, 5_000, "the write's cancellation");
      assertInstanceOf(OperationCanceledException.class, writeResults.get(0));
      assertInstanceOf(OperationCanceledException.class,
          TlsTestSupport.awaitFailure(hs));
      release.countDown();
      peer.get(10, TimeUnit.SECONDS);
      Thread.sleep(50);
      assertEquals(1, writeResults.size(), "canceled exactly once");
    }
  }
}
