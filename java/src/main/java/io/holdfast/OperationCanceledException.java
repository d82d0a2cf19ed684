package io.holdfast;

import java.io.IOException;

/**
 * The result of a request (write, connect, shutdown, send) whose handle was closed before the
 * request completed. Each such request's callback receives exactly one of these.
 */
public class OperationCanceledException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param operation the canceled operation, e.g. {@code write}
   */
  public OperationCanceledException(String operation) {
    super(operation + " canceled: the handle was closed");
  }
}
