package io.holdfast.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns messages into frame payloads and back, for a {@link FramedStream}.
 *
 * <p>{@link #decode} gets one complete payload. The buffer may be a view of the loop's read
 * memory, valid only during the call: a decoder copies what it keeps (decoding into an object
 * does that naturally). Whatever decode throws destroys the connection with a
 * {@link MessageDecodeException} whose cause is that exception; the frame reaches nobody.
 *
 * <p>{@link #encode} may run on any thread that calls {@link FramedStream#send}; a codec shared by
 * several streams must be thread-safe (both built-in codecs are stateless).
 *
 * @param <T> the message type
 */
public interface MessageCodec<T> {
  /**
   * Encodes a message into the payload of one frame (the framer adds the length prefix).
   *
   * @param message the message, not null
   * @return the payload between position and limit; a direct buffer is written in place and must
   *     not change until the send's callback, a heap buffer is copied
   * @throws Exception if the message cannot be encoded; send then throws
   *     IllegalArgumentException and nothing is written
   */
  ByteBuffer encode(T message) throws Exception;

  /**
   * Encodes a message into several buffers written as one frame, gathered (e.g. a header and a
   * body without joining them). The default calls {@link #encode}.
   *
   * @param message the message, not null
   * @return the payload buffers, in order
   * @throws Exception if the message cannot be encoded
   */
  default ByteBuffer[] encodeGathering(T message) throws Exception {
    return new ByteBuffer[] {encode(message)};
  }

  /**
   * Decodes one complete payload.
   *
   * @param frame the payload between position and limit; valid during this call only
   * @return the message, not null
   * @throws Exception if the payload is not a valid message
   */
  T decode(ByteBuffer frame) throws Exception;

  /**
   * The payloads themselves, as ByteBuffers. A {@link FramedStream} using it hands a frame that
   * arrived within one read to the {@link MessageHandler} as a view of the read memory, valid
   * during the callback only (no copy); a frame it has to keep (paused mode, after
   * {@link FramedStream#pause()}, or assembled across reads) is a buffer the receiver owns.
   * Encoding sends the bytes between the buffer's position and limit without moving them.
   *
   * @return the stateless identity codec
   */
  static MessageCodec<ByteBuffer> frames() {
    return FrameCodec.INSTANCE;
  }

  /**
   * Strings as UTF-8. Malformed input fails decoding (and so destroys the connection).
   *
   * @return a stateless UTF-8 codec
   */
  static MessageCodec<String> utf8() {
    return Utf8Codec.INSTANCE;
  }
}

/** The identity codec; FramedStream recognises it to copy only frames it must keep. */
final class FrameCodec implements MessageCodec<ByteBuffer> {
  static final FrameCodec INSTANCE = new FrameCodec();

  private FrameCodec() {}

  @Override
  public ByteBuffer encode(ByteBuffer message) {
    return message.duplicate();
  }

  @Override
  public ByteBuffer decode(ByteBuffer frame) {
    return frame;
  }
}

/** UTF-8 strings, strict: malformed bytes are a decode error, not replacement characters. */
final class Utf8Codec implements MessageCodec<String> {
  static final Utf8Codec INSTANCE = new Utf8Codec();

  private Utf8Codec() {}

  @Override
  public ByteBuffer encode(String message) {
    return ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String decode(ByteBuffer frame) throws CharacterCodingException {
    CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(frame);
    return chars.toString();
  }
}
