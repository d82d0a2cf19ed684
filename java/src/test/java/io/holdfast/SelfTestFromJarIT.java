package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar as a user gets it (run after {@code package}, so named *JarIT): it carries the
 * library, {@code java -jar holdfast.jar selftest} passes every check from it, and with an
 * unusable temporary directory the loader falls back to its next directory and says where it
 * loaded from.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelfTestFromJarIT {
  @TempDir
  Path tmp;

  private static Path jar() {
    String path = System.getProperty("hf.jar");
    // Set by the jar-tests execution, which runs after package; a -Dtest=... run in the test
    // phase has no jar yet.
    assumeTrue(path != null, "no -Dhf.jar: runs in the jar-tests execution after package");
    Path jar = Paths.get(path);
    assertTrue(Files.isRegularFile(jar), "no jar at " + jar);
    return jar;
  }

  @Test
  void jarCarriesTheLibraryAndAMainClass() throws IOException {
    try (ZipFile zip = new ZipFile(jar().toFile())) {
      assertTrue(zip.getEntry("META-INF/native/linux-x86_64/libholdfast.so") != null
          || !System.getProperty("os.arch").equals("amd64"), "library not in the jar");
      String manifest = new String(zip.getInputStream(zip.getEntry("META-INF/MANIFEST.MF"))
          .readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(manifest.contains("Main-Class: io.holdfast.internal.Main"), manifest);
    }
  }

  @Test
  void selftestFromTheJarPasses() throws Exception {
    String out = runSelftest(List.of("-Duser.home=" + tmp.resolve("home")));
    Matcher lib = Pattern.compile("(?m)^library:\\s+(/\\S+)$").matcher(out);
    assertTrue(lib.find(), "no library path\n" + out);
    assertTrue(!lib.group(1).contains("target/classes"), "loaded from classes, not the jar\n" + out);
  }

  @Test
  void unusableTmpdirFallsBackAndSaysWhere() throws Exception {
    Path notADir = Files.writeString(tmp.resolve("a-file"), "not a directory").resolve("sub");
    Path home = Files.createDirectories(tmp.resolve("home"));
    String out = runSelftest(List.of("-Dholdfast.tmpdir=" + notADir, "-Duser.home=" + home));
    Matcher lib = Pattern.compile("(?m)^library:\\s+(\\S+)$").matcher(out);
    assertTrue(lib.find(), out);
    Path loaded = Paths.get(lib.group(1));
    assertTrue(!loaded.startsWith(notADir), "loaded from the unusable directory\n" + out);
    assertTrue(loaded.startsWith(home.resolve(".cache").resolve("holdfast")),
        "expected the fallback under " + home + "/.cache/holdfast\n" + out);
  }

  /** Runs java -jar holdfast.jar selftest; asserts it passed every check; returns stdout. */
  private String runSelftest(List<String> jvmArgs) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xcheck:jni");
    cmd.addAll(jvmArgs);
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.add("selftest");
    Path outFile = tmp.resolve("out-" + System.nanoTime() + ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(outFile.toFile());
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("selftest did not finish in 90 s: " + Files.readString(outFile));
    }
    String out = Files.readString(outFile, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    Matcher summary = Pattern.compile("(?m)^(\\d+) passed, (\\d+) failed$").matcher(out);
    assertTrue(summary.find(), "no summary line\n" + out);
    assertEquals("0", summary.group(2), out);
    assertTrue(Integer.parseInt(summary.group(1)) >= 7, out);
    assertTrue(!out.contains("WARNING in native method"), "-Xcheck:jni complained\n" + out);
    return out;
  }
}
