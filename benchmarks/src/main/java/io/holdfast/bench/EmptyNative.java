package io.holdfast.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The empty JNI native of the call-overhead baseline (benchmarks/c/bench_jni.c registers it),
 * and the library's path for JNA. The library comes from -Dhfbench.jni.library=FILE, else from
 * the jar (META-INF/native/linux-x86_64/libhf_bench_jni.so, extracted to a temporary file).
 */
public final class EmptyNative {
  private static final String RESOURCE = "/META-INF/native/linux-x86_64/libhf_bench_jni.so";
  static final String LIBRARY = locate();

  static {
    System.load(LIBRARY);
  }

  private EmptyNative() {}

  /** Does nothing, through JNI. */
  public static native void empty();

  private static String locate() {
    String explicit = System.getProperty("hfbench.jni.library");
    if (explicit != null) return Path.of(explicit).toAbsolutePath().toString();
    try (InputStream in = EmptyNative.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is not on the class path");
      Path file = Files.createTempFile("hf_bench_jni", ".so");
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
