package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * readableByAll / writableByAll add read and write permission for everyone to the socket file
 * (0666 with both); an abstract name, which has no file, refuses them before any native call.
 */
class PipeListenerPermissionsTest {
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void socketFileGetsPermissionsForAll() throws Exception {
    Path dir = PipeTestSupport.tempDir();
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-perms")) {
      Path plain = dir.resolve("plain.sock");
      PipeListener.bind(r.loop, PipeAddress.path(plain), PipeListener.Options.defaults()).close();
      Set<PosixFilePermission> umasked = perms(plain);
      // The umask usually takes write away from others; otherwise the test proves less.
      Assumptions.assumeFalse(umasked.contains(PosixFilePermission.OTHERS_WRITE),
          "umask leaves socket files writable by others");

      Path both = dir.resolve("both.sock");
      PipeListener.bind(r.loop, PipeAddress.path(both),
          PipeListener.Options.defaults().readableByAll(true).writableByAll(true)).close();
      Set<PosixFilePermission> all = perms(both);
      for (PosixFilePermission p : new PosixFilePermission[] {
          PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE}) {
        assertTrue(all.contains(p), () -> "missing " + p + " in " + all);
      }

      Path writable = dir.resolve("writable.sock");
      PipeListener w = PipeListener.bind(r.loop, PipeAddress.path(writable),
          PipeListener.Options.defaults().writableByAll(true));
      w.listen(s -> s.close());
      Set<PosixFilePermission> wp = perms(writable);
      assertTrue(wp.contains(PosixFilePermission.OTHERS_WRITE), wp::toString);
      assertTrue(wp.contains(PosixFilePermission.GROUP_WRITE), wp::toString);
      PipeTestSupport.connect(r.loop, w.localAddress()).close(); // still a working listener
      w.close();

      assertThrows(IllegalArgumentException.class, () -> PipeListener.bind(r.loop,
          PipeAddress.abstractName("hf-perms"), PipeListener.Options.defaults().readableByAll(true)));
      assertFalse(unixTable().contains("@hf-perms"), "nothing was bound");
    } finally {
      PipeTestSupport.deleteTree(dir);
    }
  }

  private static Set<PosixFilePermission> perms(Path p) throws java.io.IOException {
    return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
  }

  private static String unixTable() throws java.io.IOException {
    return Files.readString(Path.of("/proc/net/unix"));
  }
}
