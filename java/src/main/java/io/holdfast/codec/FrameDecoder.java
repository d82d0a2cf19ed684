package io.holdfast.codec;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Splits a byte stream into frames of the wire format {@code [4-byte unsigned big-endian
 * length][payload]}, whatever the read boundaries: a frame split over many inputs is assembled,
 * many frames in one input are all delivered, in order.
 *
 * <p>A frame whose payload lies wholly inside one input is handed over as a view of that input
 * (no copy), valid only during {@link FrameSink#onFrame}. A frame that spans inputs is assembled in a buffer
 * of its own, which the sink then owns. The assembly buffer grows with the bytes that actually
 * arrived, so a peer that announces a large frame and sends little costs little; it never
 * exceeds the maximum frame length.
 *
 * <p>A header announcing more than the maximum fails with {@link FrameTooLargeException} as soon
 * as its 4 bytes are read, before any payload is buffered; the decoder is then unusable.
 *
 * <p>Pure and I/O-free; not thread-safe (one decoder per connection, used by one thread at a
 * time).
 */
public final class FrameDecoder {
  /** Bytes of the length prefix. */
  public static final int HEADER_LENGTH = 4;
  /** The default maximum payload length: 256 KiB. */
  public static final int DEFAULT_MAX_FRAME_LENGTH = 256 * 1024;
  /** The largest maximum payload length that can be configured (the largest Java array). */
  public static final int MAX_FRAME_LENGTH_LIMIT = Integer.MAX_VALUE - 8;
  private static final int MIN_ASSEMBLY = 8 * 1024;

  /** Receives decoded frames. */
  @FunctionalInterface
  public interface FrameSink {
    /**
     * A complete frame was decoded.
     *
     * @param frame the payload, between position and limit
     * @param owned false if frame is a view of the input, valid during this call only; true if it
     *     is a buffer assembled across inputs that the decoder will not touch again
     * @return true to go on decoding the input, false to stop right after this frame (the
     *     input's position is then at the first byte not decoded)
     */
    boolean onFrame(ByteBuffer frame, boolean owned);
  }

  private final int maxFrameLength;
  private final byte[] header = new byte[HEADER_LENGTH];
  private int headerFill;
  private ByteBuffer partial; // payload being assembled across inputs
  private int partialLength;
  private int pendingLength = -1; // header read, no payload byte yet
  private boolean failed;
  private long frames;

  /** Creates a decoder with the default maximum frame length (256 KiB). */
  public FrameDecoder() {
    this(DEFAULT_MAX_FRAME_LENGTH);
  }

  /**
   * Creates a decoder.
   *
   * @param maxFrameLength the largest payload accepted, 0 to {@link #MAX_FRAME_LENGTH_LIMIT}
   * @throws IllegalArgumentException if maxFrameLength is out of range
   */
  public FrameDecoder(int maxFrameLength) {
    checkMaxFrameLength(maxFrameLength);
    this.maxFrameLength = maxFrameLength;
  }

  static void checkMaxFrameLength(int maxFrameLength) {
    if (maxFrameLength < 0 || maxFrameLength > MAX_FRAME_LENGTH_LIMIT) {
      throw new IllegalArgumentException("max frame length out of range [0, "
          + MAX_FRAME_LENGTH_LIMIT + "]: " + maxFrameLength);
    }
  }

  /**
   * Decodes the bytes between in's position and limit, calling sink for every frame completed.
   * Advances in's position over what was decoded: to the limit, unless the sink stopped.
   *
   * @param in the next bytes of the stream (any byte order; the header is read as big-endian)
   * @param sink receives the frames
   * @return true if all of in was consumed, false if the sink stopped early
   * @throws NullPointerException if in or sink is null
   * @throws FrameTooLargeException if a header announces more than the maximum frame length
   * @throws IllegalStateException if the decoder already failed with FrameTooLargeException
   */
  public boolean decode(ByteBuffer in, FrameSink sink) throws FrameTooLargeException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(sink, "sink");
    if (failed) throw new IllegalStateException("decoder failed on an oversized frame");
    for (;;) {
      if (partial != null) {
        if (!fillPartial(in)) return true;
        ByteBuffer frame = partial.flip();
        partial = null;
        frames++;
        if (!sink.onFrame(frame, true)) return !in.hasRemaining();
        continue;
      }
      long length;
      if (pendingLength >= 0) {
        length = pendingLength;
        pendingLength = -1;
      } else if (headerFill > 0 || in.remaining() < HEADER_LENGTH) {
        while (headerFill < HEADER_LENGTH && in.hasRemaining()) header[headerFill++] = in.get();
        if (headerFill < HEADER_LENGTH) return true;
        headerFill = 0;
        length = (header[0] & 0xffL) << 24 | (header[1] & 0xff) << 16 | (header[2] & 0xff) << 8
            | (header[3] & 0xff);
      } else {
        int p = in.position();
        // Byte by byte: the input's byte order is the caller's business, the wire's is big-endian.
        length = (in.get(p) & 0xffL) << 24 | (in.get(p + 1) & 0xff) << 16
            | (in.get(p + 2) & 0xff) << 8 | (in.get(p + 3) & 0xff);
        in.position(p + HEADER_LENGTH);
      }
      if (length > maxFrameLength) {
        failed = true;
        throw new FrameTooLargeException(length, maxFrameLength);
      }
      int len = (int) length;
      if (in.remaining() >= len) {
        int p = in.position();
        ByteBuffer view = in.slice(p, len);
        in.position(p + len);
        frames++;
        if (!sink.onFrame(view, false)) return !in.hasRemaining();
      } else if (!in.hasRemaining()) {
        // The header ended this input: the payload may yet arrive whole in the next one.
        pendingLength = len;
        return true;
      } else {
        partialLength = len;
        partial = ByteBuffer.allocate(Math.min(len, Math.max(in.remaining(), MIN_ASSEMBLY)));
      }
    }
  }

  /** Copies what in holds of the partial frame; true once the frame is complete. */
  private boolean fillPartial(ByteBuffer in) {
    int n = Math.min(in.remaining(), partialLength - partial.position());
    int need = partial.position() + n;
    if (need > partial.capacity()) {
      // Grow geometrically, never past the announced length: memory follows the bytes received.
      int cap = (int) Math.min(partialLength, Math.max(need, 2L * partial.capacity()));
      ByteBuffer bigger = ByteBuffer.allocate(cap);
      partial.flip();
      bigger.put(partial);
      partial = bigger;
    }
    int limit = in.limit();
    in.limit(in.position() + n);
    partial.put(in);
    in.limit(limit);
    return partial.position() == partialLength;
  }

  /** @return the maximum payload length accepted */
  public int maxFrameLength() {
    return maxFrameLength;
  }

  /**
   * @return the bytes this decoder holds: header bytes of an incomplete header plus the capacity
   *     of the assembly buffer of an incomplete frame; at most maxFrameLength + 4
   */
  public long bufferedBytes() {
    return headerFill + (partial == null ? 0 : partial.capacity());
  }

  /** @return true if part of a frame (header or payload) has been read but not yet delivered */
  public boolean hasPartialFrame() {
    return headerFill > 0 || pendingLength >= 0 || partial != null;
  }

  /** @return bytes of the incomplete frame read so far (header included), 0 if none */
  public long partialFrameBytes() {
    if (partial != null) return HEADER_LENGTH + partial.position();
    return pendingLength >= 0 ? HEADER_LENGTH : headerFill;
  }

  /** @return frames delivered so far */
  public long frameCount() {
    return frames;
  }

  /** @return true once a header announced an oversized frame */
  public boolean isFailed() {
    return failed;
  }

  /** Drops any incomplete frame and releases its buffer; the failed state is kept. */
  public void reset() {
    headerFill = 0;
    partial = null;
    partialLength = 0;
    pendingLength = -1;
  }

  /**
   * Writes the 4-byte big-endian header of a frame of length bytes at dst's position, advancing
   * it.
   *
   * @param dst where to write
   * @param length the payload length, 0 or more
   * @return dst
   * @throws IllegalArgumentException if length is negative
   * @throws java.nio.BufferOverflowException if dst has fewer than 4 bytes left
   */
  public static ByteBuffer putHeader(ByteBuffer dst, int length) {
    if (length < 0) throw new IllegalArgumentException("frame length < 0: " + length);
    dst.put((byte) (length >>> 24)).put((byte) (length >>> 16)).put((byte) (length >>> 8))
        .put((byte) length);
    return dst;
  }
}
