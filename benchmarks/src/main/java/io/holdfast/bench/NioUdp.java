package io.holdfast.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;

/** java.nio DatagramChannels, connected, one selector thread each. */
final class NioUdp implements UdpPingPong {
  private final Completion done = new Completion();
  private NioLoop serverLoop;
  private NioLoop clientLoop;
  private DatagramChannel server;
  private DatagramChannel client;
  private final ByteBuffer echo = ByteBuffer.allocateDirect(Transport.CHUNK);
  private final ByteBuffer in = ByteBuffer.allocateDirect(Transport.CHUNK);
  private ByteBuffer message;
  private int tripsLeft;

  @Override
  public void start() throws Exception {
    serverLoop = new NioLoop("nio-udp-server");
    clientLoop = new NioLoop("nio-udp-client");
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    server = DatagramChannel.open().bind(any);
    client = DatagramChannel.open().bind(any);
    client.connect(server.getLocalAddress());
    server.connect(client.getLocalAddress());
    server.configureBlocking(false);
    client.configureBlocking(false);
    register(serverLoop, server, key -> {
      echo.clear();
      if (server.read(echo) <= 0) return;
      echo.flip();
      server.write(echo);
    });
    register(clientLoop, client, key -> {
      in.clear();
      if (client.read(in) <= 0) return;
      in.flip();
      if (in.remaining() != message.capacity()) {
        done.fail(new IllegalStateException("echo of " + in.remaining() + " bytes"));
        return;
      }
      Message.check(in, 0);
      if (--tripsLeft > 0) send();
      else done.countDown();
    });
  }

  /** Registers on the selecting thread and waits for it. */
  private void register(NioLoop loop, DatagramChannel ch, NioLoop.Ready ready) throws Exception {
    done.reset(1);
    loop.execute(() -> {
      try {
        ch.register(loop.selector, SelectionKey.OP_READ, ready);
        done.countDown();
      } catch (IOException e) {
        done.fail(e);
      }
    });
    done.await();
  }

  private void send() {
    message.rewind();
    try {
      client.write(message);
    } catch (IOException e) {
      done.fail(e);
    }
  }

  @Override
  public void roundTrips(int size, int roundTrips) throws Exception {
    done.reset(1);
    clientLoop.execute(() -> {
      if (message == null || message.capacity() != size) message = Message.direct(size);
      tripsLeft = roundTrips;
      send();
    });
    done.await();
  }

  @Override
  public void close() throws Exception {
    if (clientLoop != null) clientLoop.close();
    if (serverLoop != null) serverLoop.close();
    if (client != null) client.close();
    if (server != null) server.close();
  }
}
