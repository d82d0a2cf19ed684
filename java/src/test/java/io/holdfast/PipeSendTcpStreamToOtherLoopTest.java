package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A TCP connection accepted on one loop is passed over a pipe (SCM_RIGHTS) to a pipe end owned by
 * another loop: the sender's object is stale with reason MOVED, the receiver gets a live TcpStream
 * of its own loop that keeps serving the same client, and no fd is left over.
 */
class PipeSendTcpStreamToOtherLoopTest {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void tcpStreamCrossesThePipeAndKeepsServing() throws Exception {
    int baseline = PipeTestSupport.baselineFdCount();
    try (PipeTestSupport.Running a = new PipeTestSupport.Running("acceptor");
        PipeTestSupport.Running b = new PipeTestSupport.Running("worker");
        Socket client = new Socket()) {
      PipeStream.Pair pair = PipeStream.pair(a.loop);
      PipeStream toWorker = pair.first();
      CompletableFuture<PipeStream> moved = new CompletableFuture<>();
      pair.second().transferTo(b.loop, moved::complete);
      PipeStream workerPipe = moved.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS);

      CompletableFuture<TcpStream> arrived = new CompletableFuture<>();
      CompletableFuture<String> servedOn = new CompletableFuture<>();
      workerPipe.readStart(new PipeReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer data) {
          arrived.completeExceptionally(new AssertionError("unexpected data"));
        }

        @Override
        public void onHandle(PipeStream pipe, Handle handle) {
          TcpStream t = (TcpStream) handle;
          arrived.complete(t);
          t.tryReadStart((s, data) -> {
            servedOn.complete(Thread.currentThread().getName());
            try {
              s.write(data, null); // echo from the worker loop
            } catch (HandleClosedException e) {
              throw new IllegalStateException(e);
            }
          });
        }
      });

      TcpListener listener = TcpListener.bind(a.loop, new InetSocketAddress("127.0.0.1", 0));
      CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
      listener.listen(accepted::complete);
      client.connect(listener.localAddress(), 5000);
      client.setSoTimeout(10_000);
      TcpStream onAcceptor = accepted.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS);

      CompletableFuture<IOException> sent = new CompletableFuture<>();
      CompletableFuture<String> callbackOn = new CompletableFuture<>();
      toWorker.send(onAcceptor, e -> {
        callbackOn.complete(Thread.currentThread().getName());
        sent.complete(e);
      });
      HandleClosedException stale = assertThrows(HandleClosedException.class,
          () -> onAcceptor.readStart((s, d) -> { }));
      assertEquals(HandleClosedException.Reason.MOVED, stale.reason());
      assertNull(sent.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS));
      assertEquals("acceptor", callbackOn.get());

      TcpStream onWorker = arrived.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS);
      assertSame(b.loop, onWorker.loop());
      assertEquals(client.getLocalSocketAddress(), onWorker.remoteAddress());
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      for (int i = 0; i < 20; i++) {
        byte[] msg = ("round " + i).getBytes(StandardCharsets.US_ASCII);
        out.write(msg);
        assertArrayEquals(msg, in.readNBytes(msg.length));
      }
      assertEquals("worker", servedOn.get());
      assertEquals(1, b.loop.handles().stream().filter(h -> h.type().equals("TcpStream")).count());
      assertEquals(0, a.loop.handles().stream().filter(h -> h.type().equals("TcpStream")).count());

      onWorker.close();
      assertEquals(-1, in.read(), "the worker's close ends the client's connection");
      assertInstanceOf(PipeStream.class, workerPipe);
      workerPipe.close();
      toWorker.close();
      listener.close();
    }
    assertEquals(baseline, PipeTestSupport.awaitFdCount(baseline));
  }
}
