package io.holdfast.codec;

import java.io.IOException;

/**
 * A {@link MessageCodec} could not decode a complete frame. The codec's exception is the
 * {@linkplain #getCause() cause}; a {@link FramedStream} destroys the connection and never hands
 * the frame, or anything after it, to the application.
 */
public class MessageDecodeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int frameLength;

  /**
   * Creates the exception.
   *
   * @param frameLength the payload length of the frame that failed
   * @param cause what the codec threw
   */
  public MessageDecodeException(int frameLength, Throwable cause) {
    super("cannot decode a frame of " + frameLength + " bytes: " + cause, cause);
    this.frameLength = frameLength;
  }

  /** @return the payload length of the frame that failed */
  public int frameLength() {
    return frameLength;
  }
}
