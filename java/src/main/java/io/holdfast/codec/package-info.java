/**
 * Length-prefixed message framing over any {@link io.holdfast.Stream}, with backpressure both
 * ways and limits against hostile input.
 *
 * <h2>Wire format</h2>
 *
 * <p>Each message is one frame: a 4-byte unsigned big-endian payload length, then the payload. A
 * zero-length payload is legal. A header announcing more than the maximum frame length (256 KiB
 * by default, {@link io.holdfast.codec.FramedStream.Options#maxFrameLength}) destroys the
 * connection with {@link io.holdfast.codec.FrameTooLargeException} before any payload is
 * buffered. {@link io.holdfast.codec.FrameDecoder} is the decoder alone, free of I/O, for use and
 * test on its own.
 *
 * <h2>Pieces</h2>
 *
 * <ul>
 *   <li>{@link io.holdfast.codec.FramedStream#wrap} takes a stream over (the old reference goes
 *       stale with reason {@code MOVED}) and frames it.
 *   <li>{@link io.holdfast.codec.MessageCodec} turns messages into payloads and back;
 *       {@link io.holdfast.codec.MessageCodec#frames()} keeps raw {@code ByteBuffer}s (a frame
 *       that arrived within one read is handed over without a copy) and
 *       {@link io.holdfast.codec.MessageCodec#utf8()} strings. A decode failure destroys the
 *       connection with {@link io.holdfast.codec.MessageDecodeException}.
 *   <li>Flowing mode ({@link io.holdfast.codec.FramedStream#startFlowing}) calls a
 *       {@link io.holdfast.codec.MessageHandler} per message; paused mode
 *       ({@link io.holdfast.codec.FramedStream#startPaused}) lets the application
 *       {@link io.holdfast.codec.FramedStream#poll() poll}, told by a
 *       {@link io.holdfast.codec.ReadableHandler} when to.
 *   <li>Undelivered messages above the inbound high-water mark stop reading from the socket until
 *       the consumer catches up, so a slow consumer slows the sender down through TCP; on the
 *       sending side {@link io.holdfast.codec.FramedStream#send} returns false above the write
 *       queue's high-water mark and {@link io.holdfast.codec.FramedStream#onDrain} says when to
 *       go on.
 * </ul>
 *
 * <h2>Example: JSON messages</h2>
 *
 * <p>The library takes no JSON dependency; a codec over any JSON library is a few lines. With
 * Jackson ({@code com.fasterxml.jackson.core:jackson-databind}), as in the test
 * {@code JsonMessageExampleTest}:
 *
 * <pre>{@code
 * record Request(String name, int n) {}
 * record Reply(String greeting, int n) {}
 *
 * final class JsonCodec<T> implements MessageCodec<T> {
 *   private final ObjectMapper mapper = new ObjectMapper();
 *   private final Class<T> type;
 *
 *   JsonCodec(Class<T> type) { this.type = type; }
 *
 *   public ByteBuffer encode(T message) throws IOException {
 *     return ByteBuffer.wrap(mapper.writeValueAsBytes(message));
 *   }
 *
 *   public T decode(ByteBuffer frame) throws IOException {
 *     byte[] bytes = new byte[frame.remaining()]; // the frame is only valid during the call
 *     frame.get(bytes);
 *     return mapper.readValue(bytes, type);
 *   }
 * }
 *
 * // Server: one framed stream per connection, a reply per request.
 * TcpListener listener = TcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
 * listener.listen(conn -> {
 *   try {
 *     FramedStream<Request> in = FramedStream.wrap(conn, new JsonCodec<>(Request.class));
 *     ...
 *   } catch (HandleClosedException e) {
 *     // the connection closed before it could be taken over
 *   }
 * });
 * }</pre>
 *
 * <p>A server that receives one type and sends another uses a codec whose {@code encode} takes
 * the reply type and whose {@code decode} returns the request type, e.g. a
 * {@code MessageCodec<Object>} that encodes any object and decodes one class; the example test
 * shows it in full, including a client, and how a malformed message ends the connection with a
 * {@link io.holdfast.codec.MessageDecodeException} whose cause is Jackson's exception.
 *
 * <h2>Threads</h2>
 *
 * <p>As for every Holdfast handle: any method from any thread, callbacks on the loop thread.
 */
package io.holdfast.codec;
