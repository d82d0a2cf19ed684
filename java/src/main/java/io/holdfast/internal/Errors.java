package io.holdfast.internal;

import io.holdfast.NativeIOException;
import io.holdfast.OperationCanceledException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where a native error code becomes an exception. The table of codes and names is
 * read from the native list at start-up, so Java and C cannot disagree.
 */
public final class Errors {
  private Errors() {}

  private static final Map<Integer, String> NAMES;
  private static final Map<Integer, String> DESCRIPTIONS;

  static {
    ByteBuffer scratch = ByteBuffer.allocateDirect(4096).order(java.nio.ByteOrder.nativeOrder());
    long address = MemoryNative.address(scratch);
    int count = ErrorsNative.codes(address, 1024);
    int[] codes = new int[count];
    for (int i = 0; i < count; i++) codes[i] = scratch.getInt(i * 4);
    Map<Integer, String> names = new LinkedHashMap<>();
    Map<Integer, String> descriptions = new LinkedHashMap<>();
    byte[] bytes = new byte[1024];
    for (int code : codes) {
      int n = ErrorsNative.name(code, address, bytes.length);
      scratch.get(0, bytes, 0, n);
      names.put(code, new String(bytes, 0, n, StandardCharsets.US_ASCII));
      n = ErrorsNative.description(code, address, bytes.length);
      scratch.get(0, bytes, 0, n);
      descriptions.put(code, new String(bytes, 0, n, StandardCharsets.UTF_8));
    }
    NAMES = Collections.unmodifiableMap(names);
    DESCRIPTIONS = Collections.unmodifiableMap(descriptions);
  }

  /** Looks a code up by name; fails fast if the native list lacks it. */
  private static int code(String name) {
    for (Map.Entry<Integer, String> e : NAMES.entrySet()) {
      if (e.getValue().equals(name)) return e.getKey();
    }
    throw new ExceptionInInitializerError("native error list lacks " + name);
  }

  public static final int STALE = code("HF_ESTALE");
  public static final int EOF = code("HF_EOF");
  public static final int WRONG_TYPE = code("HF_EWRONGTYPE");
  public static final int BUSY_STATE = code("HF_EBUSYSTATE");
  public static final int ECANCELED = code("ECANCELED");
  public static final int EAGAIN = code("EAGAIN");
  public static final int EALREADY = code("EALREADY");
  public static final int ECONNREFUSED = code("ECONNREFUSED");
  public static final int ECONNRESET = code("ECONNRESET");
  public static final int EPIPE = code("EPIPE");
  public static final int EADDRINUSE = code("EADDRINUSE");
  public static final int EADDRNOTAVAIL = code("EADDRNOTAVAIL");
  public static final int EMFILE = code("EMFILE");
  public static final int ENFILE = code("ENFILE");
  public static final int EHOSTUNREACH = code("EHOSTUNREACH");
  public static final int ENETUNREACH = code("ENETUNREACH");
  public static final int ETIMEDOUT = code("ETIMEDOUT");
  public static final int EACCES = code("EACCES");
  public static final int EISCONN = code("EISCONN");
  public static final int ENOTCONN = code("ENOTCONN");
  public static final int EDESTADDRREQ = code("EDESTADDRREQ");
  public static final int EMSGSIZE = code("EMSGSIZE");

  /** @return every code of the native list with its name, in the list's order */
  public static Map<Integer, String> table() {
    return NAMES;
  }

  /** @return the name of a code, e.g. {@code ECONNREFUSED}, or {@code UNKNOWN(-n)} */
  public static String name(int code) {
    String name = NAMES.get(code);
    return name != null ? name : "UNKNOWN(" + code + ")";
  }

  /**
   * Turns a negative native result into the exception a Java user expects. A stale token is not
   * handled here: callers know their handle and raise {@link io.holdfast.HandleClosedException}.
   *
   * @param code a negative error code, not {@link #STALE}
   * @param syscall the operation, e.g. {@code connect}
   * @param address the address involved, or null
   * @return the exception to throw or to pass to a callback
   */
  public static IOException exception(int code, String syscall, SocketAddress address) {
    if (code == ECANCELED) return new OperationCanceledException(syscall);
    String description = DESCRIPTIONS.getOrDefault(code, "unknown error");
    NativeIOException fact = new NativeIOException(name(code), -code, syscall, address, description);
    IOException typed = null;
    if (syscall.equals("connect")) {
      if (code == ECONNREFUSED || code == ETIMEDOUT || code == ENETUNREACH) {
        typed = new ConnectException(fact.getMessage());
      } else if (code == EHOSTUNREACH) {
        typed = new NoRouteToHostException(fact.getMessage());
      }
    } else if (syscall.equals("bind")
        && (code == EADDRINUSE || code == EADDRNOTAVAIL || code == EACCES)) {
      typed = new BindException(fact.getMessage());
    }
    if (typed == null) return fact;
    typed.initCause(fact);
    return typed;
  }

  /** @return the {@link NativeIOException} carrying the facts of e (itself or its cause), or null */
  public static NativeIOException facts(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NativeIOException) return (NativeIOException) t;
    }
    return null;
  }
}
