package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A pipe listener on a filesystem path echoes 1 MiB intact; its socket file outlives close. */
class PipeEchoOverPathTest {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void echoesOverAFilesystemPath() throws Exception {
    int baseline = PipeTestSupport.baselineFdCount();
    Path dir = PipeTestSupport.tempDir();
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-echo-path")) {
      Path sock = dir.resolve("echo.sock");
      PipeEchoSupport.echo(r.loop, PipeAddress.path(sock));
      assertTrue(Files.exists(sock, java.nio.file.LinkOption.NOFOLLOW_LINKS),
          "close without unlinkOnClose keeps the socket file");
    } finally {
      PipeTestSupport.deleteTree(dir);
    }
    assertEquals(baseline, PipeTestSupport.awaitFdCount(baseline));
  }
}
