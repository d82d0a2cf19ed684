package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine's delegated tasks run on the configured executor, never on the loop thread, and the
 * connection resumes (on the loop) when they finish.
 */
class TlsDelegatedTasksOffLoopTest {
  @Test
  @Timeout(60)
  void delegatedTasksRunOnTheExecutorAndTheHandshakeResumes() throws Exception {
    try (EventLoop loop = EventLoop.create();
        SSLServerSocket ss = TlsTestSupport.jdkServer(TlsTestSupport.serverContext())) {
      Thread loopThread = loop.start("tls-tasks");
      CompletableFuture<Void> peer = TlsTestSupport.peer("jdk-server", () -> {
        try (SSLSocket s = (SSLSocket) ss.accept()) {
          s.startHandshake();
          s.getInputStream().read();
        } catch (java.io.IOException e) {
          // our close
        }
        return null;
      });
      GatedExecutor executor = new GatedExecutor();
      TlsStream tls = TlsStream.client(TlsTestSupport.connect(loop, ss.getLocalPort()),
          TlsTestSupport.clientContext(), TlsTestSupport.clientOptions().taskExecutor(executor));
      CompletableFuture<Thread> listenerThread = new CompletableFuture<>();
      tls.onHandshake((s, h, e) -> listenerThread.complete(Thread.currentThread()));

      assertEquals(loopThread, listenerThread.get(10, TimeUnit.SECONDS), "resumed on the loop");
      assertTrue(executor.executed > 0, "the engine delegated tasks");
      assertEquals(executor.executed, tls.connection().tasksRun);
      assertFalse(executor.threads.contains(loopThread));
      tls.close();
      peer.get(10, TimeUnit.SECONDS);
    }
  }
}
