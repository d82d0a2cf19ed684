package io.holdfast.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JNI call overhead baseline: one empty C function called as a registered JNI native (how
 * Holdfast calls its core), through JNA direct mapping, and through JNA interface mapping.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JniBenchmark {
  /** JNA interface mapping. */
  public interface EmptyLibrary extends Library {
    void hf_bench_empty();
  }

  /** JNA direct mapping: JNA binds the native method to the C symbol at registration. */
  public static final class Direct {
    private Direct() {}

    public static native void hf_bench_empty();
  }

  private EmptyLibrary viaInterface;

  @Setup
  public void setUp() {
    String path = EmptyNative.LIBRARY;
    Native.register(Direct.class, NativeLibrary.getInstance(path));
    viaInterface = Native.load(path, EmptyLibrary.class);
  }

  @Benchmark
  public void jni() {
    EmptyNative.empty();
  }

  @Benchmark
  public void jnaDirect() {
    Direct.hf_bench_empty();
  }

  @Benchmark
  public void jnaInterface() {
    viaInterface.hf_bench_empty();
  }
}
