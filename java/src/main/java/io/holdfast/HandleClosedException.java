package io.holdfast;

import java.nio.channels.ClosedChannelException;

/**
 * Thrown when an operation names a handle whose ownership token is stale: the handle was closed,
 * or ownership was moved to another object. Raised in Java before any native call where possible;
 * a closed handle never reaches the kernel.
 */
public class HandleClosedException extends ClosedChannelException {
  private static final long serialVersionUID = 1L;

  /** Why a token went stale. */
  public enum Reason {
    /** The handle was closed (by its owner, by an error, or by its loop closing). */
    CLOSED,
    /** Ownership was moved to another object; the new owner drives the handle. */
    MOVED
  }

  private final String handleType;
  private final long token;
  private final Reason reason;
  private final String detail;

  /**
   * Creates the exception.
   *
   * @param handleType the handle's type name, e.g. {@code TcpStream}
   * @param token the stale ownership token
   * @param reason why it is stale
   * @param detail optional extra words (the error that closed it), or null
   */
  public HandleClosedException(String handleType, long token, Reason reason, String detail) {
    this.handleType = handleType;
    this.token = token;
    this.reason = reason;
    this.detail = detail;
  }

  /** @return the type name of the handle, e.g. {@code TcpStream} */
  public String handleType() {
    return handleType;
  }

  /** @return the stale token */
  public long token() {
    return token;
  }

  /** @return whether the handle was closed or moved */
  public Reason reason() {
    return reason;
  }

  @Override
  public String getMessage() {
    String what = reason == Reason.MOVED ? "was moved to a new owner" : "is closed";
    return handleType + " " + Handles.tokenString(token) + " " + what
        + (detail == null ? "" : " (" + detail + ")");
  }
}
