package io.holdfast.internal;

import java.nio.ByteBuffer;

/** The address of a direct buffer (native/jni/memory_native.c). */
public final class MemoryNative {
  private MemoryNative() {}

  static {
    io.holdfast.Holdfast.ensureAvailable();
  }

  public static native long address(ByteBuffer directBuffer);
}
