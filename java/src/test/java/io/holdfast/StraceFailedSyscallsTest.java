package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the race workload and the demo (echo server and clients) in a fresh JVM under strace
 * (through scripts/failed-syscalls.sh) and asserts that no syscall failed with EBADF or EINVAL.
 */
class StraceFailedSyscallsTest {
  @Test
  @Timeout(300)
  void raceWorkloadMakesNoSyscallThatFailsWithEbadfOrEinval() throws Exception {
    String out = underStrace("stress", "--seconds", "2", "--threads", "3");
    assertTrue(out.contains("RESULT: ok"), out);
  }

  @Test
  @Timeout(300)
  void demoMakesNoSyscallThatFailsWithEbadfOrEinval() throws Exception {
    String out = underStrace("demo", "--seconds", "2");
    assertTrue(out.contains("round trips/s:"), out); // the demo ran to its summary
  }

  /** Runs Main with args under failed-syscalls.sh; asserts it exited 0 and saw no EBADF/EINVAL. */
  private static String underStrace(String... args) throws Exception {
    Assumptions.assumeTrue(new File("/usr/bin/strace").canExecute(),
        "strace not installed (CI installs it)");
    Path repo = Paths.get("").toAbsolutePath();
    if (!Files.exists(repo.resolve("scripts"))) repo = repo.getParent();
    Path script = repo.resolve("scripts/failed-syscalls.sh");
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), "-c", java,
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
    String libraryPath = System.getProperty("holdfast.library.path");
    if (libraryPath != null) cmd.add("-Dholdfast.library.path=" + libraryPath);
    cmd.add("io.holdfast.internal.Main");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(240, TimeUnit.SECONDS));
    System.out.println(out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("EBADF/EINVAL: none"), out);
    return out;
  }
}
