package io.holdfast;

/**
 * A snapshot of one live handle of a loop, as returned by {@link EventLoop#handles()}.
 *
 * @param type the handle type, e.g. {@code TcpStream}
 * @param token the ownership token
 * @param state {@code open} or {@code closing}
 */
public record HandleInfo(String type, long token, String state) {
  @Override
  public String toString() {
    return type + " " + Handles.tokenString(token) + " " + state;
  }
}
