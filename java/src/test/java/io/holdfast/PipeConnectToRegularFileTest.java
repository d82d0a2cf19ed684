package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connect to a regular file is refused (Linux answers ECONNREFUSED for a path that is no
 * socket), and so is a connect to a socket file nobody listens on: a ConnectException, once each.
 */
class PipeConnectToRegularFileTest {
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void regularFileAndDeadSocketAreRefusedOnce() throws Exception {
    Path dir = PipeTestSupport.tempDir();
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-refused")) {
      Path file = dir.resolve("regular");
      Files.writeString(file, "not a socket");
      assertRefusedOnce(r.loop, PipeAddress.path(file));

      Path dead = dir.resolve("dead.sock");
      PipeListener.bind(r.loop, dead.toString()).close(); // bound, never listening, closed
      assertRefusedOnce(r.loop, PipeAddress.path(dead));
      assertEquals("not a socket", Files.readString(file));
    } finally {
      PipeTestSupport.deleteTree(dir);
    }
  }

  private static void assertRefusedOnce(EventLoop loop, PipeAddress address) throws Exception {
    List<IOException> outcomes = new CopyOnWriteArrayList<>();
    PipeStream s = PipeStream.connect(loop, address, (st, e) -> outcomes.add(e),
        PipeStream.Options.defaults());
    PipeTestSupport.waitUntil(() -> !outcomes.isEmpty(), "connect outcome");
    s.close();
    Thread.sleep(50);
    assertEquals(1, outcomes.size(), outcomes::toString);
    assertInstanceOf(ConnectException.class, outcomes.get(0));
    PipeTestSupport.assertFacts(outcomes.get(0), "ECONNREFUSED", "connect");
  }
}
