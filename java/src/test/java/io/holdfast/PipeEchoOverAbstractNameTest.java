package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pipe listener on a Linux abstract name ({@code @name}) echoes 1 MiB intact; the kernel lists
 * the name while it is bound (and no file is made).
 */
class PipeEchoOverAbstractNameTest {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void echoesOverAnAbstractName() throws Exception {
    int baseline = PipeTestSupport.baselineFdCount();
    String name = "hf-echo-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    PipeAddress address = PipeAddress.of("@" + name);
    assertTrue(address.isAbstract());
    assertEquals(name, address.name());
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-echo-abstract")) {
      PipeListener probe = PipeListener.bind(r.loop, "@" + name);
      String table = Files.readString(Path.of("/proc/net/unix"));
      assertTrue(table.contains(" @" + name), "abstract name not in /proc/net/unix");
      assertTrue(!Files.exists(Path.of(name)) && !Files.exists(Path.of("@" + name)));
      probe.close();
      PipeTestSupport.waitUntil(() -> !unixTable().contains(" @" + name), "name released");
      PipeEchoSupport.echo(r.loop, address);
    }
    assertEquals(baseline, PipeTestSupport.awaitFdCount(baseline));
  }

  private static String unixTable() {
    try {
      return Files.readString(Path.of("/proc/net/unix"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
