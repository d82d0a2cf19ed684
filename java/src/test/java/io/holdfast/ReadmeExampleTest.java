package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The example in README.md, verbatim but for printing into a buffer: it runs and echoes. */
class ReadmeExampleTest {
  @Test
  @Timeout(30)
  void readmeEchoExampleRunsAndReturns() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    try (EventLoop loop = EventLoop.create()) {
      TcpListener server = TcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
      server.listen(stream -> stream.tryReadStart((s, data) -> {
        ByteBuffer copy = ByteBuffer.allocateDirect(data.remaining()).put(data).flip();
        try {
          s.write(copy, null); // echo
        } catch (HandleClosedException e) {
          // the stream was closed meanwhile: nothing to echo to
        }
      }));
      TcpStream.connect(loop, server.localAddress(), (client, error) -> {
        if (error != null) { // e.g. java.net.ConnectException: connect ECONNREFUSED 127.0.0.1:9
          client.close();
          server.close();
          return;
        }
        client.tryReadStart((s, data) -> {
          out.println("echoed: " + StandardCharsets.UTF_8.decode(data));
          s.close();
          server.close();
        });
        try {
          client.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), null);
        } catch (HandleClosedException e) {
          client.close();
        }
      });
      loop.run(); // returns when nothing referenced is active
    }
    assertEquals("echoed: hello", buffer.toString(StandardCharsets.UTF_8).trim());
  }
}
