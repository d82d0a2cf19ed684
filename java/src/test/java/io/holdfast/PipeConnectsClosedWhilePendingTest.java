package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many connects closed before their outcome was delivered: a Unix connect completes inside the
 * connect call, so the outcome is already known natively, yet each handler is called exactly once
 * with OperationCanceledException, whether the connect had succeeded or failed; and no fd is left.
 */
class PipeConnectsClosedWhilePendingTest {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void eachPendingConnectIsCanceledOnce() throws Exception {
    int baseline = PipeTestSupport.baselineFdCount();
    Path dir = PipeTestSupport.tempDir();
    int n = 200;
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-cancel")) {
      List<PipeStream> accepted = new CopyOnWriteArrayList<>();
      PipeListener listener = PipeListener.bind(r.loop, PipeAddress.path(dir.resolve("l.sock")),
          PipeListener.Options.defaults().backlog(n * 2));
      listener.listen(accepted::add);
      PipeAddress missing = PipeAddress.path(dir.resolve("missing.sock"));
      Map<Integer, List<IOException>> outcomes = new ConcurrentHashMap<>();
      // Connect and close in one loop task: no outcome can be delivered in between.
      r.call(() -> {
        List<PipeStream> streams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int id = i;
          outcomes.put(id, new CopyOnWriteArrayList<>());
          PipeAddress target = i % 4 == 3 ? missing : listener.localAddress();
          streams.add(PipeStream.connect(r.loop, target, (s, e) -> outcomes.get(id).add(e),
              PipeStream.Options.defaults()));
        }
        streams.forEach(PipeStream::close);
        return null;
      });
      // And from another thread, racing the loop: canceled or connected, but once.
      List<IOException> racing = new CopyOnWriteArrayList<>();
      for (int i = 0; i < n; i++) {
        PipeStream.connect(r.loop, listener.localAddress(), (s, e) -> racing.add(e),
            PipeStream.Options.defaults()).close();
      }
      PipeTestSupport.waitUntil(() -> outcomes.values().stream().allMatch(l -> !l.isEmpty())
          && racing.size() == n, "every handler called");
      Thread.sleep(100); // second calls, if any, would come in the next turns
      for (Map.Entry<Integer, List<IOException>> e : outcomes.entrySet()) {
        assertEquals(1, e.getValue().size(), () -> "connect " + e.getKey() + ": " + e.getValue());
        assertInstanceOf(OperationCanceledException.class, e.getValue().get(0));
      }
      assertEquals(n, racing.size());
      for (IOException e : racing) {
        assertTrue(e == null || e instanceof OperationCanceledException, String.valueOf(e));
      }
      // The kernel completed every connect to the live path before the close: all are accepted.
      int connectedToListener = n - n / 4 + n;
      PipeTestSupport.waitUntil(() -> accepted.size() == connectedToListener,
          () -> accepted.size() + " of " + connectedToListener + " accepted");
      accepted.forEach(PipeStream::close);
      listener.close();
    } finally {
      PipeTestSupport.deleteTree(dir);
    }
    assertEquals(baseline, PipeTestSupport.awaitFdCount(baseline));
  }
}
