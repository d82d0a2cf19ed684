package io.holdfast;

import java.net.SocketAddress;
import java.net.SocketTimeoutException;

/** A connect that did not complete within its timeout; the stream is closed. */
public class ConnectTimeoutException extends SocketTimeoutException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param address the address that did not answer
   * @param timeoutMillis the timeout that passed
   */
  public ConnectTimeoutException(SocketAddress address, long timeoutMillis) {
    super("connect to " + Handles.addressString(address) + " timed out after " + timeoutMillis
        + " ms");
  }
}
