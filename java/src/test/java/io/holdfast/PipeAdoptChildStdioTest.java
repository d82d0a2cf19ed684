package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PipeStream.open on a child process's own stdin and stdout, which are os pipes (no sockets):
 * the child ({@link PipeStdioChild}) runs in a shell pipeline {@code writer | java child}, so its
 * stdin is a pipe whose writer is another process. The writer sends a first part, waits until the
 * child has read it, sends the rest and exits: the child's loop, blocked in the kernel, wakes on
 * the hang-up, reads end of stream and drains (run() returns). The child echoes upper-cased through
 * writev on stdout and ends stdout with shutdown, which the parent reads as end of stream while
 * the child is still alive.
 *
 * <p>Java cannot hand a raw fd to another object without reflection (Process streams hide theirs
 * and close them on their own), so the adopting side is a child whose stdio is the real thing.
 */
class PipeAdoptChildStdioTest {
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void childAdoptsItsStdioPipesAndDrainsOnHangUp() throws Exception {
    Path dir = PipeTestSupport.tempDir();
    Process p = null;
    try {
      Path reading = dir.resolve("reading");
      Path seen = dir.resolve("seen");
      String writer = "printf 'hello '; i=0; while [ ! -e \"$HF_READING\" ] && [ $i -lt 1000 ]; "
          + "do sleep 0.02; i=$((i+1)); done; printf 'pipe world'";
      String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
      // The shell keeps no copy of the pipe to the parent (fd 3 while it starts the pipeline,
      // closed in the shell and in the writer), so the child's shutdown alone ends it.
      ProcessBuilder pb = new ProcessBuilder("sh", "-c", "exec 3>&1 >/dev/null; "
          + "{ " + writer + "; } 3>&- | \"$HF_JAVA\" --enable-native-access=ALL-UNNAMED "
          + "-cp \"$HF_CP\" io.holdfast.PipeStdioChild \"$HF_READING\" \"$HF_SEEN\" "
          + ">&3 3>&- & exec 3>&-; wait $!");
      pb.environment().put("HF_JAVA", java);
      pb.environment().put("HF_CP", classPath());
      pb.environment().put("HF_READING", reading.toString());
      pb.environment().put("HF_SEEN", seen.toString());
      pb.redirectError(dir.resolve("stderr").toFile());
      p = pb.start();
      p.getOutputStream().close(); // the shell's own stdin: not used
      Process child = p;
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
        try (InputStream in = child.getInputStream()) {
          String text = new String(in.readAllBytes(), StandardCharsets.UTF_8); // until EOF
          boolean alive = child.isAlive();
          Files.createFile(seen);
          return text + (alive ? "" : " (EOF only at exit)");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      String text = out.get(60, TimeUnit.SECONDS);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child did not exit");
      String err = Files.readString(dir.resolve("stderr"));
      assertEquals(0, p.exitValue(), () -> "child failed:\n" + err);
      assertEquals("HELLO PIPE WORLD", text, () -> "stderr:\n" + err);
      assertTrue(Files.exists(reading));
    } finally {
      if (p != null) p.destroyForcibly();
      PipeTestSupport.deleteTree(dir);
    }
  }

  /** Test classes (the child's main) and main classes (with the bundled library). */
  private static String classPath() throws Exception {
    List<Class<?>> from = List.of(PipeStdioChild.class, io.holdfast.internal.Errors.class);
    StringBuilder cp = new StringBuilder();
    for (Class<?> c : from) {
      if (cp.length() > 0) cp.append(File.pathSeparatorChar);
      cp.append(new File(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath());
    }
    return cp.toString();
  }
}
