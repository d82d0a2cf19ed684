package io.holdfast.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The package documentation's example, in full: a JSON message server and client over
 * FramedStream, with Jackson as the codec (test scope only; the library has no JSON
 * dependency). A malformed message ends the connection with MessageDecodeException whose cause
 * is Jackson's exception.
 */
class JsonMessageExampleTest {
  /** The protocol: JSON objects tagged with their type. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({@JsonSubTypes.Type(value = Request.class, name = "request"),
      @JsonSubTypes.Type(value = Reply.class, name = "reply")})
  sealed interface Message permits Request, Reply {}

  record Request(String name, int n) implements Message {}

  record Reply(String greeting, int n) implements Message {}

  /** A MessageCodec over Jackson: one JSON document per frame. */
  static final class JsonCodec<T> implements MessageCodec<T> {
    private final ObjectMapper mapper = new ObjectMapper(); // thread-safe once configured
    private final Class<T> type;

    JsonCodec(Class<T> type) {
      this.type = type;
    }

    @Override
    public ByteBuffer encode(T message) throws JsonProcessingException {
      return ByteBuffer.wrap(mapper.writeValueAsBytes(message));
    }

    @Override
    public T decode(ByteBuffer frame) throws IOException {
      byte[] bytes = new byte[frame.remaining()]; // the frame is only valid during this call
      frame.get(bytes);
      return mapper.readValue(bytes, type);
    }
  }

  /** The server: a reply for every request, on every connection. */
  static TcpListener startServer(EventLoop loop, List<IOException> failures) throws IOException {
    TcpListener listener = TcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
    listener.listen(conn -> {
      try {
        FramedStream<Message> framed = FramedStream.wrap(conn, new JsonCodec<>(Message.class));
        framed.startFlowing(new MessageHandler<>() {
          @Override
          public void onMessage(FramedStream<Message> s, Message m) {
            if (m instanceof Request r) {
              try {
                s.send(new Reply("hello, " + r.name(), r.n()));
              } catch (HandleClosedException e) {
                // the client went away
              }
            }
          }

          @Override
          public void onError(FramedStream<Message> s, IOException e) {
            failures.add(e);
          }
        });
      } catch (HandleClosedException e) {
        // the connection closed before it could be framed
      }
    });
    return listener;
  }

  @Test
  @Timeout(30)
  void clientAndServerExchangeJsonMessages() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("json-loop");
      List<IOException> serverFailures = Collections.synchronizedList(new ArrayList<>());
      TcpListener listener = startServer(loop, serverFailures);

      // The client: connect, frame, send requests, collect replies.
      CompletableFuture<TcpStream> connected = new CompletableFuture<>();
      TcpStream.connect(loop, listener.localAddress(), (s, err) -> {
        if (err != null) connected.completeExceptionally(err);
        else connected.complete(s);
      });
      FramedStream<Message> client = FramedStream.wrap(connected.get(5, TimeUnit.SECONDS),
          new JsonCodec<>(Message.class));
      List<Reply> replies = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<Void> all = new CompletableFuture<>();
      client.startFlowing((s, m) -> {
        replies.add((Reply) m);
        if (replies.size() == 100) all.complete(null);
      });
      for (int i = 0; i < 100; i++) client.send(new Request("client-" + i, i));
      all.get(10, TimeUnit.SECONDS);
      for (int i = 0; i < 100; i++) {
        assertEquals(new Reply("hello, client-" + i, i), replies.get(i));
      }
      assertTrue(serverFailures.isEmpty(), serverFailures.toString());
      client.close();
      listener.close();
    }
  }

  @Test
  @Timeout(30)
  void malformedJsonEndsTheConnection() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("json-loop");
      List<IOException> serverFailures = Collections.synchronizedList(new ArrayList<>());
      TcpListener listener = startServer(loop, serverFailures);
      CompletableFuture<TcpStream> connected = new CompletableFuture<>();
      TcpStream.connect(loop, listener.localAddress(), (s, err) -> {
        if (err != null) connected.completeExceptionally(err);
        else connected.complete(s);
      });
      // Frames carrying anything: a raw-frame client.
      FramedStream<ByteBuffer> client = FramedStream.wrap(connected.get(5, TimeUnit.SECONDS),
          MessageCodec.frames());
      CompletableFuture<String> outcome = new CompletableFuture<>();
      client.startFlowing(new MessageHandler<>() {
        @Override
        public void onMessage(FramedStream<ByteBuffer> s, ByteBuffer m) {
          outcome.complete(StandardCharsets.UTF_8.decode(m).toString());
        }

        @Override
        public void onEnd(FramedStream<ByteBuffer> s) {
          outcome.complete("<end>");
        }

        @Override
        public void onError(FramedStream<ByteBuffer> s, IOException e) {
          outcome.complete("<error>");
        }
      });
      client.send(ByteBuffer.wrap("{\"type\":\"request\",\"name\":".getBytes()));
      String seen = outcome.get(10, TimeUnit.SECONDS);
      assertTrue(seen.equals("<end>") || seen.equals("<error>"), seen);
      assertTrue(CodecTestSupport.await(() -> !serverFailures.isEmpty(), 20_000));
      MessageDecodeException e = assertInstanceOf(MessageDecodeException.class,
          serverFailures.get(0));
      assertInstanceOf(JsonProcessingException.class, e.getCause());
      client.close();
      listener.close();
    }
  }
}
