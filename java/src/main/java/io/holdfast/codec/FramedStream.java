package io.holdfast.codec;

import io.holdfast.Callback;
import io.holdfast.EventLoop;
import io.holdfast.Handle;
import io.holdfast.HandleClosedException;
import io.holdfast.Stream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Length-prefixed messages over any {@link Stream}: each message is one frame, a 4-byte unsigned
 * big-endian length and that many bytes, turned into objects by a {@link MessageCodec}.
 *
 * <p><b>Ownership.</b> {@link #wrap} takes the stream over with {@link Stream#transfer()}: the
 * reference passed in is stale from then on ({@link HandleClosedException} with reason
 * {@code MOVED}), and only this object drives the connection. Data that arrived before the wrap is
 * not lost.
 *
 * <p><b>Receiving.</b> {@link #startFlowing} hands every message to a {@link MessageHandler};
 * {@link #pause()} and {@link #resume()} hold delivery back. {@link #startPaused} instead keeps
 * messages until the application {@link #poll() polls}, and a {@link ReadableHandler} says when
 * to. Messages not yet delivered are queued; once the queue reaches the high-water mark (a count
 * or a byte total, whichever comes first) the framer stops reading from the stream, so the
 * kernel's buffers fill and the sender feels it; reading resumes once the queue is at the
 * low-water mark or below. The queue may overshoot the high-water mark by the frames of the one
 * read that crossed it; {@link #bufferedBytes()} tells what is held.
 *
 * <p><b>Hostile input.</b> A header announcing more than the maximum frame length (256 KiB by
 * default) destroys the connection with {@link FrameTooLargeException} before any payload is
 * buffered; a frame the codec cannot decode destroys it with {@link MessageDecodeException}; a
 * stream that ends inside a frame ends with an {@link java.io.EOFException}. Messages received before the
 * failure are still delivered (or polled), then the handler's {@code onError} runs.
 *
 * <p><b>Sending.</b> {@link #send} frames and queues a message on the stream's write queue; it
 * returns false once that queue reaches its high-water mark, and {@link #onDrain} says when to go
 * on. Each send's callback runs exactly once: on success, with the error, or canceled by
 * {@link #close()}.
 *
 * <p>Thread-safety: every method may be called from any thread; callbacks run on the loop
 * thread, one at a time. A call from another thread that changes delivery ({@link #pause()},
 * {@link #close()}) takes effect on the loop: a callback already running may finish.
 *
 * @param <T> the message type
 */
public final class FramedStream<T> implements Handle {
  /** Limits and water marks. Not thread-safe; copied when used. */
  public static final class Options {
    int maxFrameLength = FrameDecoder.DEFAULT_MAX_FRAME_LENGTH;
    int lowMessages = 256;
    int highMessages = 1024;
    long lowBytes = 256 * 1024;
    long highBytes = 1024 * 1024;
    long writeLow = -1;
    long writeHigh = -1;

    /**
     * @return the defaults: frames up to 256 KiB; reading stops at 1024 queued messages or 1 MiB
     *     and resumes at 256 messages and 256 KiB; the stream's own write water marks
     */
    public static Options defaults() {
      return new Options();
    }

    /**
     * Sets the largest payload accepted, and sent.
     *
     * @param bytes 0 to {@link FrameDecoder#MAX_FRAME_LENGTH_LIMIT}
     * @return this
     * @throws IllegalArgumentException if bytes is out of range
     */
    public Options maxFrameLength(int bytes) {
      FrameDecoder.checkMaxFrameLength(bytes);
      maxFrameLength = bytes;
      return this;
    }

    /**
     * Sets the inbound water marks by message count: reading stops when high messages are
     * queued and resumes when low or fewer are.
     *
     * @param low 0 or more
     * @param high above low
     * @return this
     * @throws IllegalArgumentException if low is negative or high is not above low
     */
    public Options messageWaterMarks(int low, int high) {
      checkMarks(low, high);
      lowMessages = low;
      highMessages = high;
      return this;
    }

    /**
     * Sets the inbound water marks by queued payload bytes: reading stops when high bytes are
     * queued and resumes when low or fewer are.
     *
     * @param low 0 or more
     * @param high above low
     * @return this
     * @throws IllegalArgumentException if low is negative or high is not above low
     */
    public Options byteWaterMarks(long low, long high) {
      checkMarks(low, high);
      lowBytes = low;
      highBytes = high;
      return this;
    }

    /**
     * Sets the stream's write water marks (see {@link Stream#setWriteBufferWaterMarks}).
     *
     * @param low 0 or more
     * @param high above low
     * @return this
     * @throws IllegalArgumentException if low is negative or high is not above low
     */
    public Options writeBufferWaterMarks(long low, long high) {
      checkMarks(low, high);
      writeLow = low;
      writeHigh = high;
      return this;
    }

    private static void checkMarks(long low, long high) {
      if (low < 0) throw new IllegalArgumentException("low-water mark < 0: " + low);
      if (high <= low) {
        throw new IllegalArgumentException("high-water mark " + high + " not above low " + low);
      }
    }

    Options copy() {
      Options o = new Options();
      o.maxFrameLength = maxFrameLength;
      o.lowMessages = lowMessages;
      o.highMessages = highMessages;
      o.lowBytes = lowBytes;
      o.highBytes = highBytes;
      o.writeLow = writeLow;
      o.writeHigh = writeHigh;
      return o;
    }
  }

  private static final int MAX_BUFFERS = 1024; // Stream.write's limit

  private final Stream stream;
  private final EventLoop loop;
  private final MessageCodec<T> codec;
  private final Options options;
  private final FrameReceiver<T> receiver;
  private final Object closeLock = new Object();
  private volatile boolean closed; // by close() or destroyed by a failure
  private volatile String closeDetail;

  private FramedStream(Stream stream, MessageCodec<T> codec, Options options) {
    this.stream = stream;
    this.loop = stream.loop();
    this.codec = codec;
    this.options = options;
    this.receiver = new FrameReceiver<>(this, stream, codec, options);
  }

  /**
   * Takes stream over (see {@link Stream#transfer()}) and frames it with default options.
   *
   * @param <T> the message type
   * @param stream the stream; stale from now on
   * @param codec turns messages into payloads and back
   * @return the framed stream, not reading yet
   * @throws NullPointerException if an argument is null
   * @throws HandleClosedException if stream is already closed or moved
   */
  public static <T> FramedStream<T> wrap(Stream stream, MessageCodec<T> codec)
      throws HandleClosedException {
    return wrap(stream, codec, Options.defaults());
  }

  /**
   * Takes stream over (see {@link Stream#transfer()}) and frames it.
   *
   * @param <T> the message type
   * @param stream the stream; stale from now on
   * @param codec turns messages into payloads and back
   * @param options limits and water marks
   * @return the framed stream, not reading yet
   * @throws NullPointerException if an argument is null
   * @throws HandleClosedException if stream is already closed or moved
   */
  public static <T> FramedStream<T> wrap(Stream stream, MessageCodec<T> codec, Options options)
      throws HandleClosedException {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(codec, "codec");
    Options opts = Objects.requireNonNull(options, "options").copy();
    Stream owned = stream.transfer();
    if (opts.writeHigh >= 0) owned.setWriteBufferWaterMarks(opts.writeLow, opts.writeHigh);
    FramedStream<T> f = new FramedStream<>(owned, codec, opts);
    owned.onClose(f.receiver::onStreamClosed);
    return f;
  }

  // ---- receiving ----

  /**
   * Starts flowing mode: every message goes to handler, in order, on the loop thread.
   *
   * @param handler receives messages, the end and failures
   * @throws NullPointerException if handler is null
   * @throws IllegalStateException if already started
   * @throws HandleClosedException if closed
   */
  public void startFlowing(MessageHandler<T> handler) throws HandleClosedException {
    Objects.requireNonNull(handler, "handler");
    start(FrameReceiver.FLOWING, handler, null);
  }

  /**
   * Starts paused mode: messages wait for {@link #poll()}. The rule for
   * {@link ReadableHandler#onReadable}: it runs on the loop (never inside another callback of
   * this stream) when a message arrives while it is not already due. After it returns, if
   * messages remain and it polled at least one of them, it runs again (so a handler that takes
   * one message per call cannot stall, even while reading is stopped by backpressure). If it
   * polled none, it runs again only when another message arrives: a handler that defers must
   * poll later by itself, since while the queue is full nothing more arrives. Polling from any
   * thread until {@code poll()} returns null always rearms it.
   *
   * @param handler learns when to poll, the end and failures
   * @throws NullPointerException if handler is null
   * @throws IllegalStateException if already started
   * @throws HandleClosedException if closed
   */
  public void startPaused(ReadableHandler<T> handler) throws HandleClosedException {
    Objects.requireNonNull(handler, "handler");
    start(FrameReceiver.PAUSED, null, handler);
  }

  private void start(int mode, MessageHandler<T> mh, ReadableHandler<T> rh)
      throws HandleClosedException {
    checkOpen();
    try {
      receiver.start(mode, mh, rh);
    } catch (HandleClosedException e) {
      throw closedException();
    }
  }

  /**
   * Takes the next queued message: in paused mode, or in flowing mode while paused. Messages
   * received before a failure stay pollable after it; {@link #close()} drops them.
   *
   * @return the message, or null if none is queued
   */
  public T poll() {
    return receiver.poll();
  }

  /**
   * Holds flowing delivery back: messages queue up (and backpressure applies) until
   * {@link #resume()}. On the loop thread no message is delivered after this returns.
   *
   * @throws IllegalStateException if not in flowing mode
   */
  public void pause() {
    receiver.pause();
  }

  /**
   * Resumes flowing delivery, starting with the queued messages (on the loop, not inside this
   * call).
   *
   * @throws IllegalStateException if not in flowing mode
   */
  public void resume() {
    receiver.resume();
  }

  /** @return true while flowing delivery is held back by {@link #pause()} */
  public boolean isPaused() {
    return receiver.isPaused();
  }

  // ---- sending ----

  /**
   * Sends a message; see {@link #send(Object, Callback)}.
   *
   * @param message the message
   * @return false once the write queue reached its high-water mark: wait for {@link #onDrain}
   * @throws NullPointerException if message is null
   * @throws IllegalArgumentException if the codec cannot encode it or the payload exceeds the
   *     maximum frame length (nothing is written)
   * @throws IllegalStateException if {@link #shutdown} was called
   * @throws HandleClosedException if closed
   */
  public boolean send(T message) throws HandleClosedException {
    return send(message, null);
  }

  /**
   * Encodes message and queues it as one frame after every earlier send. The peer's framer must
   * accept frames this large: the maximum frame length applies to sending too.
   *
   * @param message the message
   * @param callback called exactly once on the loop: null once written, the error, or
   *     {@link io.holdfast.OperationCanceledException} if closed first; may be null
   * @return false once the write queue reached its high-water mark: wait for {@link #onDrain}
   * @throws NullPointerException if message is null
   * @throws IllegalArgumentException if the codec cannot encode it or the payload exceeds the
   *     maximum frame length (nothing is written)
   * @throws IllegalStateException if {@link #shutdown} was called, or the peer ended a stream
   *     that does not allow half-open connections
   * @throws HandleClosedException if closed
   */
  public boolean send(T message, Callback callback) throws HandleClosedException {
    Objects.requireNonNull(message, "message");
    checkOpen();
    ByteBuffer[] payload;
    try {
      payload = codec.encodeGathering(message);
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot encode message: " + e, e);
    }
    Objects.requireNonNull(payload, "codec returned null");
    long length = 0;
    boolean anyDirect = false;
    for (int i = 0; i < payload.length; i++) {
      ByteBuffer b = Objects.requireNonNull(payload[i], "codec returned a null buffer");
      length += b.remaining();
      anyDirect |= b.isDirect();
    }
    if (length > options.maxFrameLength) {
      throw new IllegalArgumentException("encoded message of " + length
          + " bytes exceeds the maximum frame length " + options.maxFrameLength);
    }
    ByteBuffer[] out;
    if (!anyDirect || payload.length >= MAX_BUFFERS) {
      // The stream would copy heap buffers anyway: one direct copy with the header in front.
      ByteBuffer one = ByteBuffer.allocateDirect(FrameDecoder.HEADER_LENGTH + (int) length);
      FrameDecoder.putHeader(one, (int) length);
      for (ByteBuffer b : payload) one.put(b.duplicate());
      out = new ByteBuffer[] {one.flip()};
    } else {
      out = new ByteBuffer[payload.length + 1];
      out[0] = FrameDecoder.putHeader(ByteBuffer.allocateDirect(4), (int) length).flip();
      System.arraycopy(payload, 0, out, 1, payload.length);
    }
    try {
      return stream.write(out, callback);
    } catch (HandleClosedException e) {
      throw closedException();
    }
  }

  /**
   * Half-closes: the peer sees the end once every queued send is written.
   *
   * @param callback called exactly once with the outcome; may be null
   * @throws IllegalStateException if shutdown was already requested
   * @throws HandleClosedException if closed
   */
  public void shutdown(Callback callback) throws HandleClosedException {
    checkOpen();
    try {
      stream.shutdown(callback);
    } catch (HandleClosedException e) {
      throw closedException();
    }
  }

  /**
   * Sets what runs on the loop when the write queue falls to its low-water mark after a send
   * returned false.
   *
   * @param onDrain the callback, or null to remove it
   */
  public void onDrain(Runnable onDrain) {
    stream.onDrain(onDrain);
  }

  /** @return bytes sent (header included) and not yet written */
  public long writeQueueSize() {
    return stream.writeQueueSize();
  }

  // ---- state and counters ----

  /** @return messages received and not yet delivered or polled */
  public int queuedMessages() {
    return receiver.queuedMessages();
  }

  /**
   * @return payload bytes held for the application: queued messages' frame lengths plus the
   *     decoder's partial frame (for a codec, the frame length stands for the decoded object)
   */
  public long bufferedBytes() {
    return receiver.bufferedBytes();
  }

  /** @return the largest {@link #bufferedBytes()} seen so far */
  public long peakBufferedBytes() {
    return receiver.peakBufferedBytes();
  }

  /** @return true while the framer reads from the stream (false under backpressure) */
  public boolean isReading() {
    return stream.isReading();
  }

  /** @return the maximum payload length, received or sent */
  public int maxFrameLength() {
    return options.maxFrameLength;
  }

  /** @return total bytes read from the stream; readable after close */
  public long bytesRead() {
    return stream.bytesRead();
  }

  /** @return total bytes written to the stream; readable after close */
  public long bytesWritten() {
    return stream.bytesWritten();
  }

  /** @return local address, or null if unknown; readable after close */
  public SocketAddress localAddress() {
    return stream.localAddress();
  }

  /** @return peer address, or null if unknown; readable after close */
  public SocketAddress remoteAddress() {
    return stream.remoteAddress();
  }

  @Override
  public EventLoop loop() {
    return loop;
  }

  @Override
  public long token() {
    return stream.token();
  }

  @Override
  public boolean isOpen() {
    return !closed && stream.isOpen();
  }

  /**
   * Closes the connection: queued messages are dropped and no callback of the handler runs
   * after this (on the loop thread; from another thread one already running may finish); every
   * send not yet written completes as canceled, exactly once. Idempotent; never throws.
   */
  @Override
  public void close() {
    receiver.discard();
    markClosed(null);
    stream.close();
  }

  @Override
  public void onClose(Runnable callback) {
    stream.onClose(callback);
  }

  @Override
  public void ref() {
    stream.ref();
  }

  @Override
  public void unref() {
    stream.unref();
  }

  @Override
  public boolean hasRef() {
    return stream.hasRef();
  }

  /** Records why the stream is no longer usable; the first reason wins. */
  void markClosed(String detail) {
    synchronized (closeLock) {
      if (closed) return;
      closeDetail = detail;
      closed = true;
    }
  }

  private void checkOpen() throws HandleClosedException {
    if (!isOpen()) throw closedException();
  }

  private HandleClosedException closedException() {
    return new HandleClosedException("FramedStream", stream.token(),
        HandleClosedException.Reason.CLOSED, closeDetail);
  }

  @Override
  public String toString() {
    return "FramedStream over " + stream;
  }
}
