package io.holdfast.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** Churn for java.nio: listener and connecting clients on one selector thread. */
final class NioChurn {
  private final NioLoop loop;
  private final Completion done;
  private ServerSocketChannel listener;
  private InetSocketAddress address;
  private int toStart;

  NioChurn(NioLoop loop, Completion done) {
    this.loop = loop;
    this.done = done;
  }

  /** On the loop thread. */
  void start(int count) {
    try {
      if (listener == null) {
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
        listener.configureBlocking(false);
        address = (InetSocketAddress) listener.getLocalAddress();
        listener.register(loop.selector, SelectionKey.OP_ACCEPT, (NioLoop.Ready) this::accept);
      }
      toStart = count;
      for (int i = 0; i < Transport.CHURN_WINDOW; i++) connectNext();
    } catch (IOException e) {
      done.fail(e);
    }
  }

  private void accept(SelectionKey key) throws IOException {
    // Bounded: on loopback the connect just started is often acceptable at once.
    SocketChannel ch;
    for (int i = 0; i < Transport.CHURN_WINDOW && (ch = listener.accept()) != null; i++) {
      ch.close();
      connectNext();
      done.countDown();
    }
  }

  private void connectNext() {
    if (toStart == 0) return;
    toStart--;
    try {
      SocketChannel ch = SocketChannel.open();
      ch.configureBlocking(false);
      if (ch.connect(address)) {
        ch.close();
        return;
      }
      ch.register(loop.selector, SelectionKey.OP_CONNECT, (NioLoop.Ready) this::connected);
    } catch (IOException e) {
      done.fail(e);
    }
  }

  private void connected(SelectionKey key) {
    SocketChannel ch = (SocketChannel) key.channel();
    try {
      ch.finishConnect();
    } catch (IOException e) {
      done.fail(e);
    }
    NioLoop.closeQuietly(key);
  }
}
