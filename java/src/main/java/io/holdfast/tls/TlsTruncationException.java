package io.holdfast.tls;

import javax.net.ssl.SSLException;

/**
 * The peer closed the TCP connection without sending TLS {@code close_notify}: the data received
 * may have been cut short by an attacker or a crash, so it is reported as an error, not as an
 * orderly end of stream.
 */
public class TlsTruncationException extends SSLException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was cut short
   */
  public TlsTruncationException(String message) {
    super(message);
  }
}
