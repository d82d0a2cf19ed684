package io.holdfast;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * An I/O error reported by the kernel (or by Holdfast's native core), carrying the error's name
 * ({@code ECONNREFUSED}), its number, the operation and, where there is one, the address:
 * {@code connect ECONNREFUSED 127.0.0.1:9}.
 */
public class NativeIOException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final int errno;
  private final String syscall;
  private final transient SocketAddress address;

  /**
   * Creates the exception.
   *
   * @param code the error name, e.g. {@code ECONNRESET}
   * @param errno the positive errno number (or Holdfast's own code, negated)
   * @param syscall the operation that failed, e.g. {@code read}
   * @param address the address involved, or null
   * @param description a short description of the error
   */
  public NativeIOException(
      String code, int errno, String syscall, SocketAddress address, String description) {
    super(syscall + " " + code + (address == null ? "" : " " + Handles.addressString(address))
        + " (" + description + ")");
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
    this.address = address;
  }

  /** @return the error's name, e.g. {@code ECONNREFUSED} */
  public String code() {
    return code;
  }

  /** @return the errno number, positive */
  public int errno() {
    return errno;
  }

  /** @return the operation that failed, e.g. {@code connect} */
  public String syscall() {
    return syscall;
  }

  /** @return the address involved, or null */
  public SocketAddress address() {
    return address;
  }
}
