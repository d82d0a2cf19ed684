package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.TcpTestSupport.RunningLoop;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Data (and an EOF) sent to an accepted stream that never called readStart must not make the loop
 * spin: over an idle second the loop thread uses almost no CPU. The data is still there for a
 * later readStart.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpUnsolicitedDataDoesNotSpinTest {
  /** Loop-thread CPU allowed over the idle second; a spinning epoll loop burns close to 1000 ms. */
  private static final long MAX_CPU_MILLIS = 150;

  private RunningLoop rl;
  private Socket peer;

  @AfterEach
  void tearDown() {
    TcpTestSupport.closeQuietly(peer);
    if (rl != null) rl.close();
  }

  private long loopCpuNanos(ThreadMXBean mx) {
    long t = mx.getThreadCpuTime(rl.thread.getId());
    assertTrue(t >= 0, "thread CPU time unavailable");
    return t;
  }

  @Test
  void acceptedStreamThatNeverReadsDoesNotSpinTheLoop() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadCpuTimeSupported(),
        "thread CPU time not supported");
    if (!mx.isThreadCpuTimeEnabled()) mx.setThreadCpuTimeEnabled(true);
    rl = new RunningLoop("tcp-no-spin");
    CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
    TcpListener l = TcpTestSupport.listen(rl.loop, accepted::complete);
    peer = TcpTestSupport.javaClient(l.localAddress());
    OutputStream out = peer.getOutputStream();
    byte[] payload = new byte[32 << 10];
    out.write(payload);
    out.flush();
    peer.shutdownOutput(); // data then EOF: both leave the socket readable
    TcpStream s = accepted.get(TcpTestSupport.WAIT_MILLIS, TimeUnit.MILLISECONDS);
    Thread.sleep(100); // let the loop settle after the accept

    long before = loopCpuNanos(mx);
    Thread.sleep(1000);
    long usedMillis = TimeUnit.NANOSECONDS.toMillis(loopCpuNanos(mx) - before);
    assertTrue(usedMillis < MAX_CPU_MILLIS,
        "loop thread used " + usedMillis + " ms of CPU in an idle second");
    assertEquals(0, s.bytesRead(), "nothing read without readStart");
    assertTrue(s.isOpen());

    // The data waited in the kernel for readStart.
    AtomicLong got = new AtomicLong();
    CountDownLatch ended = new CountDownLatch(1);
    s.readStart(new ReadHandler() {
      @Override
      public void onData(Stream st, ByteBuffer data) {
        got.addAndGet(data.remaining());
      }

      @Override
      public void onEnd(Stream st) {
        ended.countDown();
      }
    });
    await(ended, "data and EOF after readStart");
    assertEquals(payload.length, got.get());
    l.close();
  }
}
