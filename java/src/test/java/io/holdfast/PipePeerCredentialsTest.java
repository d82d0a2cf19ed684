package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * peerCredentials() names this process (pid from ProcessHandle, effective uid and gid from
 * /proc/self/status) on both ends of a pair and of an accepted connection; a closed pipe throws
 * HandleClosedException.
 */
class PipePeerCredentialsTest {
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void credentialsAreThisProcess() throws Exception {
    long pid = ProcessHandle.current().pid();
    long uid = effectiveId("Uid:");
    long gid = effectiveId("Gid:");
    PeerCredentials me = new PeerCredentials(pid, uid, gid);
    Path dir = PipeTestSupport.tempDir();
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-cred")) {
      PipeStream.Pair pair = PipeStream.pair(r.loop);
      assertEquals(me, pair.first().peerCredentials());
      assertEquals(me, pair.second().peerCredentials());

      PipeListener l = PipeListener.bind(r.loop, dir.resolve("cred.sock").toString());
      CompletableFuture<PipeStream> accepted = new CompletableFuture<>();
      l.listen(accepted::complete);
      PipeStream client = PipeTestSupport.connect(r.loop, l.localAddress());
      PipeStream server = accepted.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(me, client.peerCredentials());
      assertEquals(me, server.peerCredentials());

      server.close();
      assertThrows(HandleClosedException.class, server::peerCredentials);
      client.close();
      l.close();
      pair.first().close();
      pair.second().close();
    } finally {
      PipeTestSupport.deleteTree(dir);
    }
  }

  /** The effective id (second column) of a /proc/self/status line such as "Uid: 0 0 0 0". */
  private static long effectiveId(String key) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key)) return Long.parseLong(line.substring(key.length()).trim()
          .split("\\s+")[1]);
    }
    throw new IllegalStateException(key + " not in /proc/self/status");
  }
}
