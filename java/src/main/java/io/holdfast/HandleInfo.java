package io.holdfast;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of one live handle of a loop, as returned by {@link EventLoop#handles()}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param type the handle type, e.g. {@code TcpStream}
 * @param token the ownership token
 * @param state {@code open} or {@code closing} (closed, its close not yet delivered)
 * @param localAddress the local address (a {@link java.net.InetSocketAddress} or
 *     {@link PipeAddress}), or null where there is none (timers, unbound sockets)
 * @param remoteAddress the peer's address, or null where there is none (listeners, timers)
 * @param bytesRead bytes delivered to the read (or receive) handler so far
 * @param bytesWritten bytes whose writes (or sends) completed so far
 * @param age time since the handle was created (for a moved stream: since the connection was)
 */
public record HandleInfo(String type, long token, String state, SocketAddress localAddress,
    SocketAddress remoteAddress, long bytesRead, long bytesWritten, Duration age) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException if type, state or age is null
   */
  public HandleInfo {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(age, "age");
  }

  /** @return one line: type, token, state, then addresses, byte counters and age */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append(type).append(' ').append(Handles.tokenString(token)).append(' ').append(state);
    if (localAddress != null) b.append(" local=").append(Handles.addressString(localAddress));
    if (remoteAddress != null) b.append(" remote=").append(Handles.addressString(remoteAddress));
    b.append(" in=").append(bytesRead).append(" out=").append(bytesWritten);
    b.append(" age=").append(age.toMillis()).append("ms");
    return b.toString();
  }
}
