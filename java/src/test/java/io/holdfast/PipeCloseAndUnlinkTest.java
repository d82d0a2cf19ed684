package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * closeAndUnlink() and the unlinkOnClose option remove the socket file, also when the loop closes
 * the listener; plain close() keeps it; a file that replaced ours meanwhile is never removed.
 */
class PipeCloseAndUnlinkTest {
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void socketFileIsRemovedOnlyWhenAskedAndOnlyIfOurs() throws Exception {
    Path dir = PipeTestSupport.tempDir();
    try {
      Path a = dir.resolve("a.sock");
      Path b = dir.resolve("b.sock");
      Path c = dir.resolve("c.sock");
      Path d = dir.resolve("d.sock");
      PipeListener.Options unlink = PipeListener.Options.defaults().unlinkOnClose(true);
      try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-unlink")) {
        PipeListener keep = PipeListener.bind(r.loop, a.toString());
        keep.close();
        assertTrue(exists(a), "close() keeps the file");

        PipeListener la = PipeListener.bind(r.loop, PipeAddress.path(b),
            PipeListener.Options.defaults());
        la.closeAndUnlink();
        assertFalse(exists(b), "closeAndUnlink() removed it before returning");

        PipeListener lc = PipeListener.bind(r.loop, PipeAddress.path(c), unlink);
        lc.close();
        assertFalse(exists(c), "unlinkOnClose removed it");

        // Someone replaced our file (here: a regular file): it is not ours to remove.
        PipeListener ld = PipeListener.bind(r.loop, PipeAddress.path(d), unlink);
        Files.delete(d);
        Files.writeString(d, "not a socket");
        ld.closeAndUnlink();
        assertTrue(exists(d), "a file that replaced ours survives");
        Files.delete(d);

        PipeListener.bind(r.loop, PipeAddress.path(d), unlink); // closed by the loop
      }
      assertFalse(exists(d), "the loop's close of an unlinkOnClose listener removed its file");
    } finally {
      PipeTestSupport.deleteTree(dir);
    }
  }

  private static boolean exists(Path p) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
  }
}
