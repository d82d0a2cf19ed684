package io.holdfast;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A bidirectional byte stream (TCP, and later pipes and TLS) with libuv's semantics: reading is
 * started and stopped explicitly, writes complete in order with a callback each, shutdown
 * half-closes after queued writes drain.
 *
 * <p>Thread-safety: every method may be called from any thread; operations from other threads are
 * handed to the loop, keeping their order. Callbacks run on the loop thread.
 *
 * <p>Ownership: the stream owns its fd. Once closed (or moved), every operation throws
 * {@link HandleClosedException}; {@link #bytesRead()}, {@link #bytesWritten()}, addresses and
 * state stay readable.
 */
public interface Stream extends Handle {
  /**
   * Starts delivering data to handler. Calling it again replaces the handler; harmless.
   *
   * @param handler receives data, end of stream and read errors
   * @throws NullPointerException if handler is null
   * @throws HandleClosedException if the stream is closed or moved
   */
  void readStart(ReadHandler handler) throws HandleClosedException;

  /**
   * Like {@link #readStart} but reports a stale handle by returning false instead of throwing.
   *
   * @param handler receives data, end of stream and read errors
   * @return false if the stream is closed or moved
   * @throws NullPointerException if handler is null
   */
  boolean tryReadStart(ReadHandler handler);

  /**
   * Stops reading from the kernel, so the peer feels TCP backpressure. No data callback runs after
   * this returns on the loop thread (data already read is kept for the next readStart).
   *
   * @throws HandleClosedException if the stream is closed or moved
   */
  void readStop() throws HandleClosedException;

  /** @return whether the stream is reading */
  boolean isReading();

  /**
   * Queues buffers to be written, gathered, after every earlier write. Heap buffers are copied
   * now; direct buffers are used in place and must not change until the callback. Positions and
   * limits are not modified.
   *
   * @param buffers the bytes between each buffer's position and limit
   * @param callback called exactly once: null on success, the error, or canceled; may be null
   * @return false once the queued bytes reach the high-water mark: wait for the drain callback
   * @throws NullPointerException if buffers or one of them is null
   * @throws IllegalArgumentException if there are no buffers or more than 1024
   * @throws IllegalStateException if the stream was shut down
   * @throws HandleClosedException if the stream is closed or moved
   */
  boolean write(ByteBuffer[] buffers, Callback callback) throws HandleClosedException;

  /**
   * Queues one buffer; see {@link #write(ByteBuffer[], Callback)}.
   *
   * @param buffer the bytes between position and limit
   * @param callback called exactly once, may be null
   * @return false once the queued bytes reach the high-water mark
   * @throws NullPointerException if buffer is null
   * @throws IllegalStateException if the stream was shut down
   * @throws HandleClosedException if the stream is closed or moved
   */
  boolean write(ByteBuffer buffer, Callback callback) throws HandleClosedException;

  /**
   * Writes what the kernel accepts now, only if nothing is queued (never reorders). Advances the
   * buffers' positions by what was written.
   *
   * @param buffers the bytes to write
   * @return bytes written, 0 if none could be written now
   * @throws NullPointerException if buffers or one of them is null
   * @throws IllegalStateException if the stream was shut down
   * @throws HandleClosedException if the stream is closed or moved
   * @throws IOException if the kernel reports an error
   */
  long tryWrite(ByteBuffer... buffers) throws IOException;

  /**
   * Half-closes the stream once queued writes drained. Later writes are rejected.
   *
   * @param callback called exactly once with the outcome; may be null
   * @throws IllegalStateException if shutdown was already requested
   * @throws HandleClosedException if the stream is closed or moved
   */
  void shutdown(Callback callback) throws HandleClosedException;

  /** @return bytes accepted by write and not yet completed */
  long writeQueueSize();

  /**
   * Sets the write-buffer water marks: write returns false at or above high; the drain
   * callback runs when the queue falls to low or below. Defaults: 32 KiB and 64 KiB.
   *
   * @param low low-water mark in bytes, 0 or more
   * @param high high-water mark in bytes, above low
   * @throws IllegalArgumentException if low is negative or high is not above low
   */
  void setWriteBufferWaterMarks(long low, long high);

  /**
   * Sets what runs (on the loop) when the write queue falls to the low-water mark after a write
   * returned false.
   *
   * @param onDrain the callback, or null to remove it
   */
  void onDrain(Runnable onDrain);

  /** @return total bytes read so far; readable after close */
  long bytesRead();

  /** @return total bytes written (completed writes) so far; readable after close */
  long bytesWritten();

  /** @return local address, or null if unknown; readable after close */
  SocketAddress localAddress();

  /** @return peer address, or null if unknown; readable after close */
  SocketAddress remoteAddress();

  /**
   * Moves ownership to a new object on the same loop, which is returned. This object is stale
   * from this instant: every operation on it throws {@link HandleClosedException} with reason
   * {@link HandleClosedException.Reason#MOVED}. Reading stops; data already read waits for the new
   * owner's readStart. Queued writes are not lost: they complete on the new owner's behalf, their
   * callbacks unchanged. Close callbacks move too.
   *
   * @return the new owner
   * @throws HandleClosedException if this stream is already closed or moved
   */
  Stream transfer() throws HandleClosedException;
}
