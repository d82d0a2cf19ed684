package io.holdfast.tls;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.EventLoop;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad arguments are rejected with NullPointerException/IllegalArgumentException naming what was
 * wrong, before the raw stream is taken over (it stays usable).
 */
class TlsBadArgumentsTest {
  private static void assertMessage(Class<? extends Throwable> type, String word, Executable e) {
    Throwable t = assertThrows(type, e);
    assertTrue(String.valueOf(t.getMessage()).contains(word), t + " should name " + word);
  }

  @Test
  @Timeout(60)
  void badArgumentsAreRejectedBeforeTakingTheStreamOver() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      loop.start("tls-bad-args");
      CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
      TcpListener listener = TlsTestSupport.listen(loop, accepted);
      TcpStream raw = TlsTestSupport.connect(loop, listener.localAddress().getPort());
      SSLContext ctx = TlsTestSupport.clientContext();
      TlsOptions ok = TlsTestSupport.clientOptions();

      assertMessage(NullPointerException.class, "stream", () -> TlsStream.client(null, ctx, ok));
      assertMessage(NullPointerException.class, "context", () -> TlsStream.client(raw, null, ok));
      assertMessage(NullPointerException.class, "options",
          () -> TlsStream.server(raw, ctx, null));
      assertMessage(IllegalArgumentException.class, "serverName",
          () -> TlsStream.client(raw, ctx, TlsOptions.defaults()));
      SSLParameters bogus = new SSLParameters();
      bogus.setProtocols(new String[] {"TLSv9.9"});
      assertThrows(IllegalArgumentException.class,
          () -> TlsStream.client(raw, ctx, TlsTestSupport.clientOptions().sslParameters(bogus)));
      assertTrue(raw.isOpen(), "the raw stream is untouched after rejected arguments");

      assertMessage(IllegalArgumentException.class, "empty",
          () -> TlsOptions.defaults().serverName(""));
      assertMessage(NullPointerException.class, "host",
          () -> TlsOptions.defaults().serverName(null));
      assertMessage(IllegalArgumentException.class, "shutdown timeout",
          () -> TlsOptions.defaults().shutdownTimeout(-1));
      assertMessage(IllegalArgumentException.class, "low-water",
          () -> TlsOptions.defaults().writeBufferWaterMarks(-1, 10));
      assertMessage(IllegalArgumentException.class, "high-water",
          () -> TlsOptions.defaults().writeBufferWaterMarks(10, 10));
      assertMessage(IllegalArgumentException.class, "no application protocols",
          () -> TlsOptions.defaults().applicationProtocols());
      assertMessage(NullPointerException.class, "application protocol",
          () -> TlsOptions.defaults().applicationProtocols("h2", null));
      assertMessage(NullPointerException.class, "executor",
          () -> TlsOptions.defaults().taskExecutor(null));

      TlsStream tls = TlsStream.client(raw, ctx, ok);
      assertMessage(NullPointerException.class, "buffer", () -> tls.write((ByteBuffer) null, null));
      assertMessage(NullPointerException.class, "buffers[1]",
          () -> tls.write(new ByteBuffer[] {ByteBuffer.allocate(1), null}, null));
      assertMessage(IllegalArgumentException.class, "no buffers",
          () -> tls.write(new ByteBuffer[0], null));
      assertMessage(IllegalArgumentException.class, "1024",
          () -> tls.write(new ByteBuffer[1025], null));
      assertMessage(IllegalArgumentException.class, "high-water",
          () -> tls.setWriteBufferWaterMarks(5, 5));
      assertMessage(NullPointerException.class, "handler", () -> tls.readStart(null));
      assertMessage(NullPointerException.class, "listener", () -> tls.onHandshake(null));
      assertMessage(NullPointerException.class, "callback", () -> tls.onClose(null));
      assertTrue(tls.isOpen());
      assertTrue(tls.writeQueueSize() == 0, "nothing was queued by rejected writes");
      tls.close();
      listener.close();
    }
  }
}
