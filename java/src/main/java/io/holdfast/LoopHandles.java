package io.holdfast;

import io.holdfast.internal.LoopNative;
import io.holdfast.internal.MemoryNative;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link EventLoop#handles()} and {@link EventLoop#dump()}: the native table (the
 * authority on which tokens are live) joined with the Java objects (addresses, counters, age).
 */
final class LoopHandles {
  private LoopHandles() {}

  /** Reads the table; runs where the native loop may be touched (loop thread or idle holder). */
  static List<HandleInfo> snapshot(EventLoop loop) {
    long now = System.nanoTime();
    int cap = 1024;
    for (;;) {
      ByteBuffer buf = ByteBuffer.allocateDirect(cap * 16).order(ByteOrder.nativeOrder());
      long base = MemoryNative.address(buf);
      int n = LoopNative.handles(loop.ptr(), base, base + cap * 8L, base + cap * 12L, cap);
      if (n > cap) {
        cap = n + 64;
        continue;
      }
      List<HandleInfo> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long token = buf.getLong(i * 8);
        String type = Handles.typeName(buf.getInt(cap * 8 + i * 4));
        String state = buf.getInt(cap * 12 + i * 4) == 1 ? "open" : "closing";
        HandleBase h = loop.lookup(token);
        if (h == null) { // e.g. a stream in transit to another loop: only the table knows it
          out.add(new HandleInfo(type, token, state, null, null, 0, 0, Duration.ZERO));
        } else {
          out.add(new HandleInfo(type, token, state, h.infoLocalAddress(), h.infoRemoteAddress(),
              h.infoBytesRead(), h.infoBytesWritten(),
              Duration.ofNanos(Math.max(0, now - h.createdNanos))));
        }
      }
      return out;
    }
  }

  static String backendName() {
    byte[] name = new byte[64];
    ByteBuffer buf = ByteBuffer.allocateDirect(64);
    int n = LoopNative.backendName(MemoryNative.address(buf), 64);
    buf.get(name, 0, n);
    return new String(name, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
  }

  static String dump(EventLoop loop, List<HandleInfo> handles) {
    StringBuilder b = new StringBuilder();
    b.append("EventLoop ").append(loop.name()).append(" (").append(loop.backend()).append("): ")
        .append(handles.size()).append(handles.size() == 1 ? " handle; " : " handles; ")
        .append(loop.metrics());
    for (HandleInfo info : handles) b.append('\n').append("  ").append(info);
    return b.append('\n').toString();
  }
}
