package io.holdfast.internal.jfr;

/**
 * Emits Holdfast's JFR events. Callers guard every call with {@link Jfr#AVAILABLE}, so a runtime
 * without the {@code jdk.jfr} module never loads this class. Each method allocates its event only
 * to ask whether it is recorded; with no recording running that is a cheap check and the JIT
 * removes the allocation. Strings are built only for events that are committed.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class JfrEvents {
  private JfrEvents() {}

  static String token(long token) {
    return "#" + (token & 0xffffffffL) + "." + (token >>> 32);
  }

  /**
   * A handle joined a loop.
   *
   * @param loop the loop's name
   * @param type the handle type, e.g. {@code TcpStream}
   * @param token the handle's token
   */
  public static void handleOpened(String loop, String type, long token) {
    HandleOpenedEvent e = new HandleOpenedEvent();
    if (!e.shouldCommit()) return;
    e.loop = loop;
    e.handleType = type;
    e.token = token(token);
    e.commit();
  }

  /**
   * A handle left a loop.
   *
   * @param loop the loop's name
   * @param type the handle type
   * @param token the handle's token
   * @param reason {@code closed} or {@code moved}
   * @param bytesRead bytes delivered to reads over the handle's life
   * @param bytesWritten bytes whose writes completed
   * @param ageNanos time since the handle was created
   */
  public static void handleClosed(String loop, String type, long token, String reason,
      long bytesRead, long bytesWritten, long ageNanos) {
    HandleClosedEvent e = new HandleClosedEvent();
    if (!e.shouldCommit()) return;
    e.loop = loop;
    e.handleType = type;
    e.token = token(token);
    e.reason = reason;
    e.bytesRead = bytesRead;
    e.bytesWritten = bytesWritten;
    e.age = ageNanos;
    e.commit();
  }

  /**
   * An operation on a stale handle was rejected (the event's stack trace is the caller's).
   *
   * @param type the handle type
   * @param token the stale token
   * @param reason {@code CLOSED} or {@code MOVED}
   * @param detail why it closed, or null
   */
  public static void staleRejected(String type, long token, String reason, String detail) {
    StaleHandleRejectedEvent e = new StaleHandleRejectedEvent();
    if (!e.shouldCommit()) return;
    e.handleType = type;
    e.token = token(token);
    e.reason = reason;
    e.detail = detail;
    e.commit();
  }

  /**
   * Starts timing a connect.
   *
   * @return an opaque begun event to pass to {@link #connectEnd}, or null if the event is off
   */
  public static Object connectBegin() {
    ConnectEvent e = new ConnectEvent();
    if (!e.isEnabled()) return null;
    e.begin();
    return e;
  }

  /**
   * Ends and commits a connect begun by {@link #connectBegin}.
   *
   * @param begun what connectBegin returned (nothing happens for null)
   * @param type the stream type
   * @param token the stream's token
   * @param remote the peer address
   * @param local the local address, or null
   * @param error the failure, or null
   */
  public static void connectEnd(Object begun, String type, long token, Object remote,
      Object local, Throwable error) {
    if (!(begun instanceof ConnectEvent)) return;
    ConnectEvent e = (ConnectEvent) begun;
    e.end();
    if (!e.shouldCommit()) return;
    e.handleType = type;
    e.token = token(token);
    e.remoteAddress = remote == null ? null : String.valueOf(remote);
    e.localAddress = local == null ? null : String.valueOf(local);
    e.error = error == null ? null : String.valueOf(error.getMessage());
    e.commit();
  }

  /**
   * A listener accepted a connection or failed to.
   *
   * @param type the listener type
   * @param token the listener's token
   * @param local the listener's address
   * @param streamToken the accepted stream's token (ignored on error)
   * @param remote the peer address, or null
   * @param error the accept failure, or null
   */
  public static void accept(String type, long token, Object local, long streamToken,
      Object remote, Throwable error) {
    AcceptEvent e = new AcceptEvent();
    if (!e.shouldCommit()) return;
    e.listenerType = type;
    e.listenerToken = token(token);
    e.localAddress = local == null ? null : String.valueOf(local);
    e.streamToken = error == null ? token(streamToken) : null;
    e.remoteAddress = remote == null ? null : String.valueOf(remote);
    e.error = error == null ? null : String.valueOf(error.getMessage());
    e.commit();
  }

  /**
   * A callback ran longer than the threshold.
   *
   * @param loop the loop's name
   * @param handle the handle's description, or {@code task}
   * @param kind what was dispatched
   * @param durationNanos how long it ran
   * @param thresholdNanos the loop's threshold
   */
  public static void slowCallback(String loop, String handle, String kind, long durationNanos,
      long thresholdNanos) {
    SlowCallbackEvent e = new SlowCallbackEvent();
    if (!e.shouldCommit()) return;
    e.loop = loop;
    e.handle = handle;
    e.kind = kind;
    e.callbackDuration = durationNanos;
    e.threshold = thresholdNanos;
    e.commit();
  }
}
