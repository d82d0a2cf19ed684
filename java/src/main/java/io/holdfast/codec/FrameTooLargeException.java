package io.holdfast.codec;

import java.io.IOException;

/**
 * A frame header announced more bytes than the maximum frame length. Raised as soon as the
 * 4-byte header is read, before any of the payload is buffered; a {@link FramedStream} then
 * destroys the connection.
 */
public class FrameTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long length;
  private final int maxLength;

  /**
   * Creates the exception.
   *
   * @param length the announced payload length (an unsigned 32-bit value)
   * @param maxLength the maximum that was configured
   */
  public FrameTooLargeException(long length, int maxLength) {
    super("frame of " + length + " bytes exceeds the maximum frame length " + maxLength);
    this.length = length;
    this.maxLength = maxLength;
  }

  /** @return the payload length the header announced */
  public long length() {
    return length;
  }

  /** @return the configured maximum payload length */
  public int maxLength() {
    return maxLength;
  }
}
