package io.holdfast;

import java.util.Map;

/**
 * The JMX view of one {@link EventLoop}, registered as
 * {@code io.holdfast:type=EventLoop,name=<loop name>} in the platform MBean server while the loop
 * is open: visible in {@code jconsole} or VisualVM, locally or remotely (e.g. after
 * {@code jcmd <pid> ManagementAgent.start}). Every attribute is an open type. Counters are those
 * of {@link EventLoop#metrics()}. Set {@code -Dholdfast.jmx.disabled=true} to register none.
 *
 * <p>Thread-safety: every method may be called from any thread. The metric attributes never
 * block the loop; {@link #getHandles()} and {@link #dump()} wait for the loop's current turn.
 */
public interface EventLoopMXBean {
  /** @return the loop's name */
  String getName();

  /** @return the poller backend, e.g. {@code epoll} */
  String getBackend();

  /** @return loop turns (polls) so far */
  long getIterations();

  /** @return events dispatched so far */
  long getEvents();

  /** @return tasks run so far */
  long getTasks();

  /** @return total time spent waiting in the poll, in milliseconds */
  long getIdleInPollMillis();

  /** @return the largest event-loop lag seen, in microseconds */
  long getLagMaxMicros();

  /** @return the mean event-loop lag, in microseconds */
  long getLagMeanMicros();

  /** @return callbacks that ran longer than the threshold */
  long getSlowCallbacks();

  /** @return the last few slow callbacks, oldest first, one line each */
  String[] getRecentSlowCallbacks();

  /** @return the slow-callback threshold in milliseconds */
  long getSlowCallbackThresholdMillis();

  /**
   * Sets the slow-callback threshold.
   *
   * @param millis the threshold in milliseconds, positive
   * @throws IllegalArgumentException if millis is not positive
   */
  void setSlowCallbackThresholdMillis(long millis);

  /** @return live handles by type */
  Map<String, Integer> getHandlesByType();

  /** @return the number of live handles */
  int getHandleCount();

  /**
   * @return one line per live handle, as {@link HandleInfo#toString()}
   * @throws IllegalStateException if the loop closed meanwhile
   */
  String[] getHandles();

  /**
   * @return the loop's {@link EventLoop#dump()}
   * @throws IllegalStateException if the loop closed meanwhile
   */
  String dump();
}
