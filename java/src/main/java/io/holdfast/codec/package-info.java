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
 * Jackson ({@code com.fasterxml.jackson.core:jackson-databind}), as the test
 * {@code JsonMessageExampleTest} runs it:
 *
 * <pre>{@code
 * // The protocol: JSON objects tagged with their type, both directions.
 * @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
 * @JsonSubTypes({@JsonSubTypes.Type(value = Request.class, name = "request"),
 *     @JsonSubTypes.Type(value = Reply.class, name = "reply")})
 * sealed interface Message permits Request, Reply {}
 * record Request(String name, int n) implements Message {}
 * record Reply(String greeting, int n) implements Message {}
 *
 * final class JsonCodec<T> implements MessageCodec<T> {
 *   private final ObjectMapper mapper = new ObjectMapper();
 *   private final Class<T> type;
 *
 *   JsonCodec(Class<T> type) { this.type = type; }
 *
 *   public ByteBuffer encode(T message) throws JsonProcessingException {
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
 * // Server: frame every accepted connection, answer every request.
 * TcpListener listener = TcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
 * listener.listen(conn -> {
 *   try {
 *     FramedStream<Message> framed = FramedStream.wrap(conn, new JsonCodec<>(Message.class));
 *     framed.startFlowing((s, m) -> {
 *       if (m instanceof Request r) {
 *         try {
 *           s.send(new Reply("hello, " + r.name(), r.n()));
 *         } catch (HandleClosedException e) {
 *           // the client went away
 *         }
 *       }
 *     });
 *   } catch (HandleClosedException e) {
 *     // the connection closed before it could be framed
 *   }
 * });
 *
 * // Client: connect, frame, send, receive.
 * TcpStream.connect(loop, listener.localAddress(), (conn, error) -> {
 *   if (error != null) return;
 *   try {
 *     FramedStream<Message> client = FramedStream.wrap(conn, new JsonCodec<>(Message.class));
 *     client.startFlowing((s, m) -> System.out.println(m)); // Reply[greeting=hello, ada, n=1]
 *     client.send(new Request("ada", 1));
 *   } catch (HandleClosedException e) {
 *     // closed meanwhile
 *   }
 * });
 * }</pre>
 *
 * <p>A malformed document makes Jackson throw in {@code decode}: the server's connection is
 * destroyed and its handler's {@code onError} gets a
 * {@link io.holdfast.codec.MessageDecodeException} whose cause is Jackson's exception.
 *
 * <h2>Threads</h2>
 *
 * <p>As for every Holdfast handle: any method from any thread, callbacks on the loop thread.
 */
package io.holdfast.codec;
