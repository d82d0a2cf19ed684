package io.holdfast;

import io.holdfast.internal.NativeLibraryLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The loader's fallbacks, each exercised in a fresh JVM ({@link LoaderProbe}) because a library
 * loads once per process. Unusable directories are made with paths under a regular file, which
 * no one, root included, can create.
 */
class LoaderFallbackTest {

    private static final String RESOURCE = "META-INF/native/" + NativeLibraryLoader.platform() + "/"
            + System.mapLibraryName("holdfast");

    @TempDir
    Path tmp;

    @BeforeAll
    static void libraryIsBundled() {
        assumeTrue(LoaderFallbackTest.class.getClassLoader().getResource(RESOURCE) != null,
                "no " + RESOURCE + " on the test class path (built with -Dhf.skipNative?)");
    }

    /** Output of one child JVM. */
    private static final class Child {
        final int exit;
        final List<String> lines;

        Child(int exit, List<String> lines) {
            this.exit = exit;
            this.lines = lines;
        }

        String value(String key) {
            for (String l : lines) {
                if (l.startsWith(key + "=")) {
                    return l.substring(key.length() + 1);
                }
            }
            return null;
        }

        List<String> attempts() {
            return lines.stream().filter(l -> l.startsWith("attempt="))
                    .map(l -> l.substring("attempt=".length())).collect(Collectors.toList());
        }

        @Override
        public String toString() {
            return "exit " + exit + ":\n" + String.join("\n", lines);
        }
    }

    private static String codeSource(Class<?> c) {
        try {
            return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Child run(Map<String, String> props, Path cwd) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = codeSource(Holdfast.class) + File.pathSeparator + codeSource(LoaderProbe.class);
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xshare:auto");
        for (Map.Entry<String, String> e : props.entrySet()) {
            cmd.add("-D" + e.getKey() + "=" + e.getValue());
        }
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(LoaderProbe.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not exit");
        List<String> lines = new String(out, StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        return new Child(p.exitValue(), lines);
    }

    /** A path that can never become a directory: it lies under a regular file. */
    private Path impossibleDir(String name) {
        try {
            Path file = Files.writeString(tmp.resolve(name + "-is-a-file"), "not a directory");
            return file.resolve("sub");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path dir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    @Test
    void loadsInThisJvmFromTheClassPath() {
        assertTrue(Holdfast.isAvailable(), () -> String.join("\n", Holdfast.loadReport()));
        assertNull(Holdfast.unavailabilityCause());
        Holdfast.ensureAvailable();
        assertNotNull(Holdfast.libraryPath());
        assertFalse(Holdfast.loadReport().isEmpty());
        assertEquals(Holdfast.loadReport(), Holdfast.loadReport());
        assertThrows(UnsupportedOperationException.class, () -> Holdfast.loadReport().add("x"));
    }

    @Test
    void unusableTmpdirFallsBackToUserHomeCache() throws Exception {
        Path bad = impossibleDir("tmp");
        Path home = dir("home");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("holdfast.tmpdir", bad.toString());
        props.put("user.home", home.toString());
        Child c = run(props, dir("cwd"));

        assertEquals(0, c.exit, c::toString);
        assertEquals("true", c.value("available"), c::toString);
        Path loaded = Paths.get(c.value("path"));
        assertFalse(loaded.startsWith(bad), c::toString);
        assertTrue(loaded.startsWith(home.resolve(".cache").resolve("holdfast")), c::toString);
        assertFalse(Files.exists(loaded), "extracted copy should be deleted after load: " + loaded);

        List<String> attempts = c.attempts();
        assertTrue(attempts.get(0).contains("holdfast.library.path") && attempts.get(0).contains("not set"), c::toString);
        assertTrue(attempts.get(1).contains(bad.toString()) && attempts.get(1).contains("FAILED"), c::toString);
        assertTrue(attempts.get(2).contains("loaded"), c::toString);
        assertEquals(3, attempts.size(), c::toString);
    }

    @Test
    void unusableTmpdirAndHomeFallBackToWorkingDirectory() throws Exception {
        Path cwd = dir("cwd");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("holdfast.tmpdir", impossibleDir("tmp").toString());
        props.put("user.home", impossibleDir("home").toString());
        Child c = run(props, cwd);

        assertEquals(0, c.exit, c::toString);
        Path loaded = Paths.get(c.value("path"));
        assertTrue(loaded.startsWith(cwd.toRealPath().resolve(".holdfast-native")) || loaded.startsWith(cwd.resolve(".holdfast-native")),
                c::toString);
        List<String> attempts = c.attempts();
        assertEquals(4, attempts.size(), c::toString);
        assertTrue(attempts.get(1).contains("FAILED") && attempts.get(2).contains("FAILED"), c::toString);
        assertTrue(attempts.get(3).contains("loaded"), c::toString);
    }

    @Test
    void missingExplicitLibraryIsReportedAndExtractionStillWorks() throws Exception {
        Path missing = tmp.resolve("nowhere").resolve("libholdfast.so");
        Path good = dir("good-tmp");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("holdfast.library.path", missing.toString());
        props.put("holdfast.tmpdir", good.toString());
        props.put("user.home", dir("home").toString());
        Child c = run(props, dir("cwd"));

        assertEquals(0, c.exit, c::toString);
        Path loaded = Paths.get(c.value("path"));
        assertTrue(loaded.startsWith(good), c::toString);
        List<String> attempts = c.attempts();
        assertTrue(attempts.get(0).contains("holdfast.library.path=" + missing), c::toString);
        assertTrue(attempts.get(0).contains("FAILED"), c::toString);
        assertTrue(attempts.get(1).contains("loaded"), c::toString);
        try (var s = Files.list(good)) {
            assertEquals(0, s.count(), "private extraction directory should be removed after load");
        }
    }

    @Test
    void explicitLibraryPathIsTriedFirst() throws Exception {
        // Extract a copy ourselves and point the property at it.
        Path lib = dir("explicit").resolve(System.mapLibraryName("holdfast"));
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(RESOURCE)) {
            Files.copy(in, lib);
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("holdfast.library.path", lib.toString());
        props.put("holdfast.tmpdir", impossibleDir("tmp").toString());
        Child c = run(props, dir("cwd"));

        assertEquals(0, c.exit, c::toString);
        assertEquals(lib.toString(), c.value("path"), c::toString);
        assertEquals(1, c.attempts().size(), c::toString);
        assertTrue(Files.exists(lib), "an explicit library must not be deleted");
    }

    @Test
    void whenEverythingFailsEveryAttemptIsListed() throws Exception {
        Path cwd = dir("cwd");
        Files.writeString(cwd.resolve(".holdfast-native"), "a file where the directory would go");
        Path missing = tmp.resolve("missing.so");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("holdfast.library.path", missing.toString());
        props.put("holdfast.tmpdir", impossibleDir("tmp").toString());
        props.put("user.home", impossibleDir("home").toString());
        props.put("java.library.path", dir("empty-lib-path").toString());
        Child c = run(props, cwd);

        assertEquals(3, c.exit, c::toString);
        assertEquals("false", c.value("available"), c::toString);
        assertEquals("null", c.value("path"), c::toString);
        assertEquals("true", c.value("cause-is-unavailabilityCause"), c::toString);
        List<String> attempts = c.attempts();
        assertEquals(5, attempts.size(), c::toString);
        for (String a : attempts) {
            assertTrue(a.contains("FAILED"), c::toString);
        }
        int begin = c.lines.indexOf("error-begin");
        int end = c.lines.indexOf("error-end");
        assertTrue(begin >= 0 && end > begin, c::toString);
        List<String> message = c.lines.subList(begin + 1, end);
        for (int i = 0; i < attempts.size(); i++) {
            assertEquals("  " + (i + 1) + ". " + attempts.get(i), message.get(i + 1), c::toString);
        }
        assertTrue(attempts.get(0).contains(missing.toString()), c::toString);
        assertTrue(attempts.get(4).contains("System.loadLibrary"), c::toString);
    }

    @Test
    void lastResortIsSystemLoadLibrary() throws Exception {
        Path libDir = dir("lib-path");
        Path lib = libDir.resolve(System.mapLibraryName("holdfast"));
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(RESOURCE)) {
            Files.copy(in, lib);
        }
        Path cwd = dir("cwd");
        Files.writeString(cwd.resolve(".holdfast-native"), "a file where the directory would go");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("holdfast.tmpdir", impossibleDir("tmp").toString());
        props.put("user.home", impossibleDir("home").toString());
        props.put("java.library.path", libDir.toString());
        Child c = run(props, cwd);

        assertEquals(0, c.exit, c::toString);
        assertEquals(lib.toString(), c.value("path"), c::toString);
        List<String> attempts = c.attempts();
        assertEquals(5, attempts.size(), c::toString);
        assertTrue(attempts.get(4).startsWith("System.loadLibrary") && attempts.get(4).contains("loaded"), c::toString);
    }

    @Test
    void platformNames() {
        assertEquals("linux-x86_64", NativeLibraryLoader.platform("Linux", "amd64"));
        assertEquals("linux-x86_64", NativeLibraryLoader.platform("Linux", "x86_64"));
        assertEquals("linux-aarch_64", NativeLibraryLoader.platform("Linux", "aarch64"));
        assertEquals("osx-aarch_64", NativeLibraryLoader.platform("Mac OS X", "aarch64"));
        assertEquals("osx-x86_64", NativeLibraryLoader.platform("Mac OS X", "x86_64"));
        assertEquals("windows-x86_64", NativeLibraryLoader.platform("Windows 11", "amd64"));
        assertEquals("linux-x86_32", NativeLibraryLoader.platform("Linux", "i386"));
        assertEquals("freebsd-x86_64", NativeLibraryLoader.platform("FreeBSD", "amd64"));
        assertEquals("linux-riscv64", NativeLibraryLoader.platform("Linux", "riscv64"));
        assertEquals("linux-ppcle_64", NativeLibraryLoader.platform("Linux", "ppc64le"));
    }
}
