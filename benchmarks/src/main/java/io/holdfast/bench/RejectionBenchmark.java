package io.holdfast.bench;

import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.TcpListener;
import io.holdfast.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Closed-handle rejection: an operation on a stream that was closed. Holdfast rejects in Java
 * (state check, no JNI call, no syscall): write() throws HandleClosedException, tryReadStart()
 * returns false. java.nio for comparison: write() on a closed SocketChannel throws
 * ClosedChannelException, isOpen() is the check without one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RejectionBenchmark {
  private EventLoop loop;
  private TcpStream closedStream;
  private SocketChannel closedChannel;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(64);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    loop = EventLoop.create();
    loop.start("hf-rejection");
    TcpListener listener = TcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
    listener.listen(TcpStream::close);
    CompletableFuture<TcpStream> connected = new CompletableFuture<>();
    TcpStream.connect(loop, listener.localAddress(), (s, e) -> {
      if (e != null) connected.completeExceptionally(e);
      else connected.complete(s);
    });
    closedStream = connected.get(10, TimeUnit.SECONDS);
    closedStream.close();
    listener.close();
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      closedChannel = SocketChannel.open(server.getLocalAddress());
      server.accept().close();
    }
    closedChannel.close();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    loop.close();
  }

  @Benchmark
  public Object holdfastWriteThrows() {
    try {
      closedStream.write(buffer, null);
      throw new IllegalStateException("a closed stream accepted a write");
    } catch (HandleClosedException e) {
      return e;
    }
  }

  @Benchmark
  public boolean holdfastTryReadStart() {
    return closedStream.tryReadStart((s, d) -> { });
  }

  @Benchmark
  public Object nioWriteThrows() throws IOException {
    try {
      closedChannel.write(buffer);
      throw new IllegalStateException("a closed channel accepted a write");
    } catch (ClosedChannelException e) {
      return e;
    }
  }

  @Benchmark
  public boolean nioIsOpen() {
    return closedChannel.isOpen();
  }
}
