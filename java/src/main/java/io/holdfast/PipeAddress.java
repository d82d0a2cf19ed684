package io.holdfast;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Objects;

/**
 * The address of a pipe: a filesystem path, or a name in Linux's abstract namespace (no file; the
 * name disappears with the last socket bound to it; not available on other systems).
 *
 * <p>As text, an abstract name is written with a leading {@code @} ({@code @my-service}), as
 * {@code ss} and {@code socat} show it; {@link #of(String)} reads that form. A path is at most 107
 * bytes and an abstract name at most 107 bytes (UTF-8), the size of {@code sun_path}.
 *
 * <p>Immutable and thread-safe.
 */
public final class PipeAddress extends java.net.SocketAddress {
  private static final long serialVersionUID = 1L;
  static final int AF_UNIX = 1;
  private static final int SUN_PATH_OFFSET = 2;
  private static final int SUN_PATH_MAX = 107; // sun_path is 108 bytes

  private final String name;
  private final boolean isAbstract;

  private PipeAddress(String name, boolean isAbstract) {
    this.name = name;
    this.isAbstract = isAbstract;
  }

  /**
   * A filesystem path.
   *
   * @param path the socket file's path
   * @return the address
   * @throws NullPointerException if path is null
   * @throws IllegalArgumentException if the path is empty, contains a NUL or exceeds 107 bytes
   */
  public static PipeAddress path(Path path) {
    Objects.requireNonNull(path, "path");
    return check(path.toString(), false);
  }

  /**
   * A name in Linux's abstract namespace (given without the {@code @}).
   *
   * @param name the name: any characters, at least one, at most 107 bytes as UTF-8
   * @return the address
   * @throws NullPointerException if name is null
   * @throws IllegalArgumentException if name is empty or too long
   */
  public static PipeAddress abstractName(String name) {
    Objects.requireNonNull(name, "name");
    return check(name, true);
  }

  /**
   * Parses text: {@code @name} is an abstract name, anything else a filesystem path.
   *
   * @param text {@code @name} or a path
   * @return the address
   * @throws NullPointerException if text is null
   * @throws IllegalArgumentException if the name or path is empty, has a NUL (paths) or is too long
   */
  public static PipeAddress of(String text) {
    Objects.requireNonNull(text, "text");
    return text.startsWith("@") ? check(text.substring(1), true) : check(text, false);
  }

  private static PipeAddress check(String name, boolean isAbstract) {
    String what = isAbstract ? "abstract pipe name" : "pipe path";
    if (name.isEmpty()) throw new IllegalArgumentException(what + " is empty");
    if (!isAbstract && name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " contains a NUL character: " + name);
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > SUN_PATH_MAX) {
      throw new IllegalArgumentException(
          what + " is " + bytes + " bytes, more than " + SUN_PATH_MAX + ": " + name);
    }
    return new PipeAddress(name, isAbstract);
  }

  /** @return true for a name in the abstract namespace, false for a filesystem path */
  public boolean isAbstract() {
    return isAbstract;
  }

  /** @return the abstract name (without {@code @}) or the path, as given */
  public String name() {
    return name;
  }

  /** @return the filesystem path, or null for an abstract name */
  public Path path() {
    return isAbstract ? null : Paths.get(name);
  }

  /** Writes the sockaddr_un at buf[0..] and returns its length. */
  int encode(ByteBuffer buf) {
    ByteBuffer b = buf.duplicate().order(ByteOrder.nativeOrder());
    byte[] raw = name.getBytes(StandardCharsets.UTF_8);
    b.putShort(0, (short) AF_UNIX);
    int at = SUN_PATH_OFFSET;
    if (isAbstract) b.put(at++, (byte) 0);
    for (byte x : raw) b.put(at++, x);
    if (!isAbstract) b.put(at++, (byte) 0); // a path's length counts its terminating NUL
    return at;
  }

  /** Reads a sockaddr_un of length bytes; null for an unnamed socket (a client, a pair). */
  static PipeAddress decode(ByteBuffer buf, int length) {
    ByteBuffer b = buf.duplicate().order(ByteOrder.nativeOrder());
    if (length <= SUN_PATH_OFFSET || (b.getShort(0) & 0xffff) != AF_UNIX) return null;
    byte[] raw = new byte[length - SUN_PATH_OFFSET];
    b.get(SUN_PATH_OFFSET, raw);
    if (raw[0] == 0) {
      return raw.length > 1
          ? new PipeAddress(new String(raw, 1, raw.length - 1, StandardCharsets.UTF_8), true)
          : null;
    }
    int end = 0;
    while (end < raw.length && raw[end] != 0) end++;
    return new PipeAddress(new String(Arrays.copyOf(raw, end), StandardCharsets.UTF_8), false);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PipeAddress && ((PipeAddress) o).isAbstract == isAbstract
        && ((PipeAddress) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + (isAbstract ? 1 : 0);
  }

  /** @return {@code @name} for an abstract name, the path otherwise */
  @Override
  public String toString() {
    return isAbstract ? "@" + name : name;
  }
}
