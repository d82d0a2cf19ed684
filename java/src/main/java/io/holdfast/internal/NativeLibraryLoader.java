package io.holdfast.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Loads the Holdfast JNI library exactly once per class loader.
 *
 * <p>Attempts, in order, stopping at the first that succeeds:
 * <ol>
 *   <li>the file named by the system property {@value #LIBRARY_PATH_PROPERTY}, if set;</li>
 *   <li>the class-path resource {@code META-INF/native/<os>-<arch>/<mapped name>} (for example
 *       {@code META-INF/native/linux-x86_64/libholdfast.so}), extracted into a fresh private
 *       directory ({@code rwx------}) created under, in turn:
 *       <ol>
 *         <li>{@value #TMPDIR_PROPERTY} if set, else {@code java.io.tmpdir};</li>
 *         <li>{@code ${user.home}/.cache/holdfast};</li>
 *         <li>{@code ./.holdfast-native} (relative to the working directory).</li>
 *       </ol>
 *       Each copy is verified by actually loading it, so a temporary directory mounted
 *       {@code noexec} ("failed to map segment from shared object") moves on to the next place.
 *       On Linux the extracted file is deleted as soon as it is loaded (the mapping stays valid);
 *       elsewhere it is deleted when the JVM exits;</li>
 *   <li>{@code System.loadLibrary("holdfast")}, which searches {@code java.library.path}.</li>
 * </ol>
 * Every attempt, failed or not, is recorded as one line of {@link #report()}; when all fail,
 * {@link #failure()} is an {@link UnsatisfiedLinkError} whose message lists every attempt and why
 * it failed, with the last attempt's error as its cause and every attempt's error suppressed.
 *
 * <p><b>Thread-safety:</b> this class is thread-safe. The first call of any method performs the
 * load, under a lock; every later call, from any thread, observes the same outcome and never
 * retries.
 */
public final class NativeLibraryLoader {

    /** System property naming an explicit library file to try first. */
    public static final String LIBRARY_PATH_PROPERTY = "holdfast.library.path";

    /** System property naming the directory under which the library is extracted. */
    public static final String TMPDIR_PROPERTY = "holdfast.tmpdir";

    /** Base name of the library, as given to {@link System#loadLibrary(String)}. */
    public static final String LIBRARY_NAME = "holdfast";

    private static final Object LOCK = new Object();

    // Written once under LOCK, then only read; volatile so the fast path needs no lock.
    private static volatile Outcome outcome;

    private NativeLibraryLoader() {
    }

    /** The immutable result of the one load. */
    private static final class Outcome {
        final String loadedFrom;          // null when every attempt failed
        final List<String> report;        // one line per attempt
        final UnsatisfiedLinkError failure; // null when loaded

        Outcome(String loadedFrom, List<String> report, UnsatisfiedLinkError failure) {
            this.loadedFrom = loadedFrom;
            this.report = Collections.unmodifiableList(new ArrayList<>(report));
            this.failure = failure;
        }
    }

    private static Outcome outcome() {
        Outcome o = outcome;
        if (o == null) {
            synchronized (LOCK) {
                o = outcome;
                if (o == null) {
                    o = new Attempts().run();
                    outcome = o;
                }
            }
        }
        return o;
    }

    /**
     * Loads the library if that has not been tried yet, and tells whether it is loaded.
     *
     * @return {@code true} if the library is loaded
     */
    public static boolean load() {
        return outcome().failure == null;
    }

    /**
     * Loads the library if that has not been tried yet, and throws if it could not be loaded.
     *
     * @throws UnsatisfiedLinkError if the library could not be loaded; the message lists every
     *         attempt and why it failed, and the cause is {@link #failure()}
     */
    public static void ensureLoaded() {
        UnsatisfiedLinkError f = outcome().failure;
        if (f != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(f.getMessage());
            e.initCause(f);
            throw e;
        }
    }

    /**
     * Returns the error describing why the library could not be loaded, loading it first if that
     * has not been tried yet.
     *
     * @return the failure, or {@code null} if the library is loaded
     */
    public static UnsatisfiedLinkError failure() {
        return outcome().failure;
    }

    /**
     * Returns the absolute path the library was loaded from, loading it first if that has not been
     * tried yet. An extracted copy may already have been deleted from that place (the loaded
     * mapping stays valid). For a library found by {@code System.loadLibrary} this is the first
     * matching file on {@code sun.boot.library.path} then {@code java.library.path}, or, if none can
     * be found again, {@code "java.library.path:"} followed by the mapped file name.
     *
     * @return the path, or {@code null} if the library could not be loaded
     */
    public static String loadedFrom() {
        return outcome().loadedFrom;
    }

    /**
     * Returns one line per load attempt, in order, each saying what was tried and how it ended,
     * loading the library first if that has not been tried yet.
     *
     * @return an unmodifiable list, never empty
     */
    public static List<String> report() {
        return outcome().report;
    }

    /**
     * Returns the platform directory name used under {@code META-INF/native/} for the running
     * JVM, such as {@code linux-x86_64}.
     *
     * @return {@code <os>-<arch>}
     */
    public static String platform() {
        return platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /**
     * Maps {@code os.name} and {@code os.arch} values to the platform directory name used under
     * {@code META-INF/native/}. Names follow the os-maven-plugin convention: {@code linux-x86_64},
     * {@code linux-aarch_64}, {@code osx-aarch_64}, {@code windows-x86_64}; unknown values are
     * lower-cased with everything but letters and digits removed.
     *
     * @param osName a value of the {@code os.name} property
     * @param osArch a value of the {@code os.arch} property
     * @return {@code <os>-<arch>}
     * @throws NullPointerException if an argument is {@code null}
     */
    public static String platform(String osName, String osArch) {
        return normalizeOs(osName) + "-" + normalizeArch(osArch);
    }

    static String normalizeOs(String osName) {
        String v = normalize(osName);
        if (v.startsWith("linux")) {
            return "linux";
        }
        if (v.startsWith("macosx") || v.startsWith("osx") || v.startsWith("darwin")) {
            return "osx";
        }
        if (v.startsWith("windows")) {
            return "windows";
        }
        if (v.startsWith("freebsd")) {
            return "freebsd";
        }
        if (v.startsWith("openbsd")) {
            return "openbsd";
        }
        if (v.startsWith("netbsd")) {
            return "netbsd";
        }
        if (v.startsWith("sunos") || v.startsWith("solaris")) {
            return "sunos";
        }
        if (v.startsWith("aix")) {
            return "aix";
        }
        return v.isEmpty() ? "unknown" : v;
    }

    static String normalizeArch(String osArch) {
        String v = normalize(osArch);
        switch (v) {
            case "amd64":
            case "x8664":
            case "x64":
                return "x86_64";
            case "x86":
            case "i386":
            case "i486":
            case "i586":
            case "i686":
            case "x8632":
                return "x86_32";
            case "aarch64":
            case "arm64":
                return "aarch_64";
            case "arm":
            case "arm32":
                return "arm_32";
            case "riscv64":
                return "riscv64";
            case "ppc64le":
                return "ppcle_64";
            case "ppc64":
                return "ppc_64";
            case "s390x":
                return "s390_64";
            case "loongarch64":
                return "loongarch_64";
            default:
                return v.isEmpty() ? "unknown" : v;
        }
    }

    private static String normalize(String value) {
        return value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "");
    }

    /** Resource name of the library for the running platform. */
    static String resourceName() {
        return "META-INF/native/" + platform() + "/" + System.mapLibraryName(LIBRARY_NAME);
    }

    /** One run of the attempt sequence. Confined to the loading thread. */
    private static final class Attempts {
        private final List<String> lines = new ArrayList<>();
        private final List<Throwable> errors = new ArrayList<>();
        private final boolean linux = normalizeOs(System.getProperty("os.name", "")).equals("linux");
        private final boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

        Outcome run() {
            String loaded = fromProperty();
            if (loaded == null) {
                loaded = fromResource();
            }
            if (loaded == null) {
                loaded = fromLibraryPath();
            }
            if (loaded != null) {
                return new Outcome(loaded, lines, null);
            }
            StringBuilder msg = new StringBuilder("Holdfast native library could not be loaded on ")
                    .append(platform()).append(" (os.name=").append(System.getProperty("os.name"))
                    .append(", os.arch=").append(System.getProperty("os.arch"))
                    .append("); attempts:");
            for (int i = 0; i < lines.size(); i++) {
                msg.append('\n').append("  ").append(i + 1).append(". ").append(lines.get(i));
            }
            UnsatisfiedLinkError failure = new UnsatisfiedLinkError(msg.toString());
            if (!errors.isEmpty()) {
                failure.initCause(errors.get(errors.size() - 1));
                for (Throwable t : errors) {
                    failure.addSuppressed(t);
                }
            }
            return new Outcome(null, lines, failure);
        }

        private void failed(String what, Throwable t) {
            lines.add(what + ": FAILED: " + describe(t));
            errors.add(t);
        }

        private void skipped(String what, String why) {
            lines.add(what + ": skipped: " + why);
        }

        private String fromProperty() {
            String what = "system property " + LIBRARY_PATH_PROPERTY;
            String value = System.getProperty(LIBRARY_PATH_PROPERTY);
            if (value == null || value.isEmpty()) {
                skipped(what, "not set");
                return null;
            }
            what += "=" + value;
            try {
                Path file = Paths.get(value).toAbsolutePath();
                if (!Files.isRegularFile(file)) {
                    throw new UnsatisfiedLinkError("no such file: " + file);
                }
                System.load(file.toString());
                lines.add(what + ": loaded");
                return file.toString();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                failed(what, t);
                return null;
            }
        }

        private String fromResource() {
            String resource = resourceName();
            ClassLoader cl = NativeLibraryLoader.class.getClassLoader();
            boolean present = cl == null
                    ? ClassLoader.getSystemResource(resource) != null
                    : cl.getResource(resource) != null;
            if (!present) {
                failed("resource " + resource,
                        new UnsatisfiedLinkError("not found on the class path (no build for " + platform() + " in this jar?)"));
                return null;
            }
            String tmp = System.getProperty(TMPDIR_PROPERTY);
            String tmpSource = TMPDIR_PROPERTY;
            if (tmp == null || tmp.isEmpty()) {
                tmp = System.getProperty("java.io.tmpdir");
                tmpSource = "java.io.tmpdir";
            }
            if (tmp != null && !tmp.isEmpty()) {
                String loaded = extractAndLoad(resource, tmpSource, Paths.get(tmp));
                if (loaded != null) {
                    return loaded;
                }
            } else {
                skipped("extract to java.io.tmpdir", "property not set");
            }
            String home = System.getProperty("user.home");
            if (home != null && !home.isEmpty() && !home.equals("?")) {
                String loaded = extractAndLoad(resource, "user.home cache", Paths.get(home, ".cache", "holdfast"));
                if (loaded != null) {
                    return loaded;
                }
            } else {
                skipped("extract to ${user.home}/.cache/holdfast", "user.home not set");
            }
            return extractAndLoad(resource, "working directory", Paths.get(".holdfast-native"));
        }

        private String extractAndLoad(String resource, String label, Path base) {
            Path baseAbs = base.toAbsolutePath().normalize();
            String what = "extract " + resource + " under " + baseAbs + " (" + label + ")";
            Path dir = null;
            Path file = null;
            try {
                if (!Files.isDirectory(baseAbs)) {
                    // Directories we create for ourselves are private too.
                    if (posix) {
                        Files.createDirectories(baseAbs, ownerOnly("rwx------"));
                    } else {
                        Files.createDirectories(baseAbs);
                    }
                }
                dir = posix
                        ? Files.createTempDirectory(baseAbs, "holdfast-", ownerOnly("rwx------"))
                        : Files.createTempDirectory(baseAbs, "holdfast-");
                file = dir.resolve(System.mapLibraryName(LIBRARY_NAME));
                try (InputStream in = openResource(resource)) {
                    if (in == null) {
                        throw new IOException("resource vanished: " + resource);
                    }
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                if (posix) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));
                }
                String loaded = file.toString();
                System.load(loaded);
                lines.add(what + ": loaded from " + loaded + cleanUp(dir, file));
                return loaded;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                failed(what, t);
                deleteQuietly(file);
                deleteQuietly(dir);
                return null;
            }
        }

        /** Removes the extracted copy; the loaded mapping does not need the file on Linux. */
        private String cleanUp(Path dir, Path file) {
            if (linux) {
                try {
                    Files.delete(file);
                    Files.delete(dir);
                    return " (file deleted after load)";
                } catch (IOException | RuntimeException e) {
                    // fall through to deleteOnExit
                }
            }
            // deleteOnExit runs in reverse registration order: file first, then its directory.
            dir.toFile().deleteOnExit();
            file.toFile().deleteOnExit();
            return " (file deleted on exit)";
        }

        private String fromLibraryPath() {
            String what = "System.loadLibrary(\"" + LIBRARY_NAME + "\") with java.library.path="
                    + System.getProperty("java.library.path");
            try {
                System.loadLibrary(LIBRARY_NAME);
                String found = searchLibraryPaths();
                lines.add(what + ": loaded" + (found == null ? "" : " from " + found));
                return found != null ? found : "java.library.path:" + System.mapLibraryName(LIBRARY_NAME);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                failed(what, t);
                return null;
            }
        }

        /** The file System.loadLibrary picks: the first match on the boot, then the user library path. */
        private static String searchLibraryPaths() {
            String name = System.mapLibraryName(LIBRARY_NAME);
            for (String prop : new String[] {"sun.boot.library.path", "java.library.path"}) {
                String value = System.getProperty(prop);
                if (value == null) {
                    continue;
                }
                for (String entry : value.split(File.pathSeparator)) {
                    if (entry.isEmpty()) {
                        continue;
                    }
                    try {
                        Path candidate = Paths.get(entry, name).toAbsolutePath();
                        if (Files.isRegularFile(candidate)) {
                            return candidate.toString();
                        }
                    } catch (RuntimeException ignored) {
                        // an unparsable entry: the JDK skipped it too
                    }
                }
            }
            return null;
        }

        private static InputStream openResource(String resource) {
            ClassLoader cl = NativeLibraryLoader.class.getClassLoader();
            return cl == null ? ClassLoader.getSystemResourceAsStream(resource) : cl.getResourceAsStream(resource);
        }

        private static FileAttribute<Set<PosixFilePermission>> ownerOnly(String perms) {
            return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms));
        }

        private static void deleteQuietly(Path p) {
            if (p != null) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException | RuntimeException ignored) {
                    // best effort
                }
            }
        }

        private static String describe(Throwable t) {
            StringBuilder sb = new StringBuilder();
            Throwable cur = t;
            for (int depth = 0; cur != null && depth < 4; depth++, cur = cur.getCause()) {
                if (depth > 0) {
                    sb.append(" <- caused by ");
                }
                sb.append(cur.getClass().getName());
                String m = cur.getMessage();
                if (m != null) {
                    sb.append(": ").append(m.replace('\n', ' '));
                }
            }
            return sb.toString();
        }
    }
}
