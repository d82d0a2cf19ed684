package io.holdfast;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Receives what a {@link UdpSocket} reads, on the loop thread.
 *
 * <p>{@code data} holds one datagram's payload between its position and limit (it may be empty: a
 * zero-length datagram is delivered like any other). It is a view of the loop's read arena, valid
 * only until the callback returns (no copy is made): copy what you keep. Use relative access or
 * absolute indexes from {@code position()}.
 */
@FunctionalInterface
public interface DatagramHandler {
  /**
   * A datagram arrived.
   *
   * @param socket the socket that received it
   * @param data the payload, valid during the call only
   * @param sender the address it came from
   * @param truncated true if the datagram was longer than the socket's
   *     {@linkplain UdpSocket.Options#maxDatagramSize maximum datagram size}: data holds its first
   *     bytes only, the rest is lost (the kernel's {@code MSG_TRUNC})
   */
  void onDatagram(UdpSocket socket, ByteBuffer data, InetSocketAddress sender, boolean truncated);

  /**
   * Receiving reported an error (e.g. {@code ECONNREFUSED} on a connected socket whose peer has no
   * listener). The socket stays open and goes on receiving.
   *
   * @param socket the socket
   * @param error what failed
   */
  default void onError(UdpSocket socket, IOException error) {}
}
