package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A socket file nobody listens on (left behind: here by a JDK channel, which closes without
 * unlinking, the state a killed process leaves) is EADDRINUSE, a BindException, unless
 * replaceStale is set; a path with a live listener, or holding a regular file, is never replaced.
 */
class PipeBindStaleSocketFileTest {
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void staleFileIsInUseUnlessReplacingIsAskedFor() throws Exception {
    Path dir = PipeTestSupport.tempDir();
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-stale")) {
      Path sock = dir.resolve("server.sock");
      try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        dead.bind(UnixDomainSocketAddress.of(sock));
      }
      assertTrue(Files.exists(sock), "the JDK leaves the socket file behind");
      PipeAddress address = PipeAddress.path(sock);

      BindException inUse = assertThrows(BindException.class,
          () -> PipeListener.bind(r.loop, sock.toString()));
      PipeTestSupport.assertFacts(inUse, "EADDRINUSE", "bind");

      PipeListener.Options replace = PipeListener.Options.defaults().replaceStale(true);
      PipeListener live = PipeListener.bind(r.loop, address, replace);
      live.listen(s -> s.close());
      PipeTestSupport.connect(r.loop, address).close();

      // Somebody listens: replacing is refused, and the live listener keeps its path.
      BindException stillInUse = assertThrows(BindException.class,
          () -> PipeListener.bind(r.loop, address, replace));
      PipeTestSupport.assertFacts(stillInUse, "EADDRINUSE", "bind");
      PipeTestSupport.connect(r.loop, address).close();
      // A connect completes once the kernel queued it; the loop accepts it a moment later.
      PipeTestSupport.waitUntil(() -> live.connectionCount() >= 2,
          () -> "the probe and the connects reached it: " + live.connectionCount());
      live.close();

      // A regular file is no stale socket: left alone.
      Files.delete(sock);
      Files.writeString(sock, "keep me");
      assertThrows(BindException.class, () -> PipeListener.bind(r.loop, address, replace));
      assertEquals("keep me", Files.readString(sock));
    } finally {
      PipeTestSupport.deleteTree(dir);
    }
  }
}
