package io.holdfast.bench;

import io.holdfast.EventLoop;
import io.holdfast.LoopGroup;
import io.holdfast.UdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** Holdfast UdpSocket: send() copies the payload, so the echo sends the received view as is. */
final class HoldfastUdp implements UdpPingPong {
  private final Completion done = new Completion();
  private LoopGroup loops;
  private EventLoop clientLoop;
  private UdpSocket server;
  private UdpSocket client;
  private final ByteBuffer message = ByteBuffer.allocateDirect(Transport.CHUNK);
  private int tripsLeft;

  @Override
  public void start() throws Exception {
    loops = LoopGroup.create(2, "hf-udp");
    clientLoop = loops.loops().get(1);
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    server = UdpSocket.open(loops.loops().get(0));
    server.bind(any);
    client = UdpSocket.open(clientLoop);
    client.bind(any);
    client.connect(server.localAddress());
    server.connect(client.localAddress());
    server.recvStart((socket, data, sender, truncated) -> {
      try {
        socket.send(data, null);
      } catch (IOException e) {
        done.fail(e);
      }
    });
    client.recvStart((socket, data, sender, truncated) -> {
      if (data.remaining() != message.remaining()) {
        done.fail(new IllegalStateException("echo of " + data.remaining() + " bytes"));
        return;
      }
      Message.check(data, 0);
      if (--tripsLeft > 0) send();
      else done.countDown();
    });
  }

  private void send() {
    try {
      client.send(message, null);
    } catch (IOException e) {
      done.fail(e);
    }
  }

  @Override
  public void roundTrips(int size, int roundTrips) throws Exception {
    done.reset(1);
    clientLoop.execute(() -> {
      message.clear();
      for (int i = 0; i < size; i++) message.put(Message.byteAt(i));
      message.flip();
      tripsLeft = roundTrips;
      send();
    });
    done.await();
  }

  @Override
  public void close() {
    if (loops != null) loops.close();
  }
}
