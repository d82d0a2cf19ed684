package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code selftest} in a fresh JVM (as {@code java -jar holdfast.jar selftest} would run it, but on
 * target/classes, since the jar is built after the tests): every check passes, exit status 0.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelfTestForkedJvmTest {

  /** What a forked JVM printed and how it ended. */
  static final class Outcome {
    final int exit;
    final String out;
    final String err;
    final long millis;

    Outcome(int exit, String out, String err, long millis) {
      this.exit = exit;
      this.out = out;
      this.err = err;
      this.millis = millis;
    }

    @Override
    public String toString() {
      return "exit " + exit + " after " + millis + " ms\n--- stdout ---\n" + out
          + "--- stderr ---\n" + err;
    }
  }

  @Test
  void selftestPassesEveryCheckAndExitsZero() throws Exception {
    Outcome o = runMain("selftest");
    assertEquals(0, o.exit, o.toString());
    Matcher summary = Pattern.compile("(?m)^(\\d+) passed, (\\d+) failed$").matcher(o.out);
    assertTrue(summary.find(), "no summary line\n" + o);
    int passed = Integer.parseInt(summary.group(1));
    assertEquals("0", summary.group(2), o.toString());
    assertTrue(passed >= 7, "only " + passed + " checks\n" + o);
    List<String> okLines = new ArrayList<>();
    for (String line : o.out.split("\n")) {
      assertFalse(line.startsWith("FAIL"), o.toString());
      if (line.startsWith("ok   ")) okLines.add(line);
    }
    assertEquals(passed, okLines.size(), o.toString());
    for (String want : new String[] {"jdk:", "os:", "arch:", "kernel:", "backend:", "library:"}) {
      assertTrue(o.out.contains("\n" + want), "header lacks " + want + "\n" + o);
    }
    assertTrue(o.out.contains("backend:  epoll") || !System.getProperty("os.name").equals("Linux"),
        o.toString());
    assertFalse(o.out.contains("library:  null"), o.toString());
    assertFalse(o.out.contains("WARNING in native method") || o.err.contains("WARNING in native"),
        "-Xcheck:jni complained\n" + o);
  }

  /** Runs io.holdfast.internal.Main in a new JVM on this module's classes. */
  static Outcome runMain(String... args) throws IOException, InterruptedException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-Xcheck:jni");
    cmd.add("-cp");
    cmd.add(classesDir());
    cmd.add("io.holdfast.internal.Main");
    for (String a : args) cmd.add(a);
    Path outFile = Files.createTempFile("holdfast-main-out", ".txt");
    Path errFile = Files.createTempFile("holdfast-main-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectOutput(outFile.toFile())
          .redirectError(errFile.toFile());
      long t0 = System.nanoTime();
      Process p = pb.start();
      if (!p.waitFor(45, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError("forked JVM did not finish in 45 s: " + cmd + "\nstdout:\n"
            + Files.readString(outFile, StandardCharsets.UTF_8));
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      return new Outcome(p.exitValue(), Files.readString(outFile, StandardCharsets.UTF_8),
          Files.readString(errFile, StandardCharsets.UTF_8), millis);
    } finally {
      Files.deleteIfExists(outFile);
      Files.deleteIfExists(errFile);
    }
  }

  /** The directory (target/classes) or jar holding the main classes and the bundled library. */
  static String classesDir() {
    try {
      File f = new File(io.holdfast.internal.Errors.class.getProtectionDomain().getCodeSource()
          .getLocation().toURI());
      return f.getPath();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
