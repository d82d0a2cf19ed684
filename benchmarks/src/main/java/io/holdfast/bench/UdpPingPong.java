package io.holdfast.bench;

/**
 * UDP ping-pong, driven the same way for the three transports: two sockets connected to each
 * other on 127.0.0.1, the server's on a server loop echoing each datagram, the client's on a
 * client loop sending the next one once the echo came back (and checked).
 */
interface UdpPingPong extends AutoCloseable {
  void start() throws Exception;

  /** roundTrips datagrams of size bytes, one in flight; returns when all came back. */
  void roundTrips(int size, int roundTrips) throws Exception;

  @Override
  void close() throws Exception;

  static UdpPingPong create(String name) {
    switch (name) {
      case "holdfast": return new HoldfastUdp();
      case "netty": return new NettyUdp();
      case "nio": return new NioUdp();
      default: throw new IllegalArgumentException("unknown transport: " + name);
    }
  }
}
