package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connect to a path that does not exist fails with ENOENT through the handler, exactly once;
 * the stream stays open (and rejects nothing) until its owner closes it.
 */
class PipeConnectMissingPathTest {
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void missingPathIsEnoentOnce() throws Exception {
    int baseline = PipeTestSupport.baselineFdCount();
    Path dir = PipeTestSupport.tempDir();
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-enoent")) {
      PipeAddress missing = PipeAddress.path(dir.resolve("nobody.sock"));
      List<IOException> outcomes = new CopyOnWriteArrayList<>();
      PipeStream s = PipeStream.connect(r.loop, missing, (st, e) -> outcomes.add(e),
          PipeStream.Options.defaults());
      PipeTestSupport.waitUntil(() -> !outcomes.isEmpty(), "connect outcome");
      Thread.sleep(50); // a second call would come with the next turns
      assertEquals(1, outcomes.size(), outcomes::toString);
      NativeIOException facts = PipeTestSupport.assertFacts(outcomes.get(0), "ENOENT", "connect");
      assertEquals(missing, facts.address());
      assertTrue(facts.getMessage().contains(missing.toString()), facts.getMessage());
      assertInstanceOf(NativeIOException.class, outcomes.get(0));
      assertTrue(s.isOpen(), "a failed connect does not close the stream");
      assertTrue(!s.isConnecting());
      s.close();
      Thread.sleep(50);
      assertEquals(1, outcomes.size(), "closing after the failure calls nobody again");
    } finally {
      PipeTestSupport.deleteTree(dir);
    }
    assertEquals(baseline, PipeTestSupport.awaitFdCount(baseline));
  }
}
