package io.holdfast;

import io.holdfast.internal.NativeLibraryLoader;

import java.util.List;

/**
 * Entry point for checking whether Holdfast's native library is usable on this machine.
 *
 * <p>The library is loaded once, on the first call of any method here (or of any Holdfast class
 * that needs it). The loader tries, in order: the file named by the system property
 * {@code holdfast.library.path}; the copy bundled in the jar under
 * {@code META-INF/native/<os>-<arch>/}, extracted into a private directory under
 * {@code holdfast.tmpdir} (default {@code java.io.tmpdir}), then under
 * {@code ${user.home}/.cache/holdfast}, then under {@code ./.holdfast-native} (so a temporary
 * directory mounted {@code noexec} is survived); and finally {@code System.loadLibrary("holdfast")}.
 * {@link #loadReport()} lists what each attempt did.
 *
 * <p><b>Thread-safety:</b> every method is thread-safe. Loading happens at most once per class
 * loader; concurrent first callers wait for the one load and all callers see the same outcome,
 * which never changes afterwards.
 */
public final class Holdfast {

    private Holdfast() {
    }

    /**
     * Tells whether the native library is loaded, loading it first if that has not been tried yet.
     * Never throws because of a missing or broken library.
     *
     * @return {@code true} if Holdfast can be used
     */
    public static boolean isAvailable() {
        return NativeLibraryLoader.load();
    }

    /**
     * Returns why the native library could not be loaded, loading it first if that has not been
     * tried yet. The error's message lists every attempt and why it failed, one per line; its cause
     * is the last attempt's error and every attempt's error is attached as suppressed.
     *
     * @return the reason, or {@code null} if the library is loaded
     */
    public static Throwable unavailabilityCause() {
        return NativeLibraryLoader.failure();
    }

    /**
     * Makes sure the native library is loaded, loading it first if that has not been tried yet.
     *
     * @throws UnsatisfiedLinkError if it could not be loaded; the message lists every attempt and
     *         why it failed, one per line, and the cause is {@link #unavailabilityCause()}
     */
    public static void ensureAvailable() {
        NativeLibraryLoader.ensureLoaded();
    }

    /**
     * Returns the absolute path the native library was loaded from, loading it first if that has
     * not been tried yet. A copy extracted from the jar is deleted right after loading on Linux (the
     * loaded code stays mapped), so the file may no longer exist. When the library was found by
     * {@code System.loadLibrary}, the result is the first matching file on the library path, or
     * {@code "java.library.path:libholdfast.so"} (with the platform's file name) if it cannot be
     * told.
     *
     * @return where the library came from, or {@code null} if it could not be loaded
     */
    public static String libraryPath() {
        return NativeLibraryLoader.loadedFrom();
    }

    /**
     * Returns one line per attempt the loader made, in order, each saying what was tried and how it
     * ended (loaded, skipped, or failed with the error), loading the library first if that has not
     * been tried yet. The same lines make up the message of {@link #unavailabilityCause()}.
     *
     * @return an unmodifiable, non-empty list of lines
     */
    public static List<String> loadReport() {
        return NativeLibraryLoader.report();
    }
}
