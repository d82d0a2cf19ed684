package io.holdfast;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of an {@link EventLoop}'s counters, as returned by
 * {@link EventLoop#metrics()}. Counters are cumulative since the loop was created; take two
 * snapshots and subtract to get rates.
 *
 * <p>The counters of one snapshot are consistent with each other (they come from the same loop
 * turn). Event-loop lag is measured from the moment the poll returned (the closest the loop can
 * observe readiness) to the moment each event's callback starts: it is the time the event waited
 * behind earlier callbacks of the same batch. It is a lower bound: an event that became ready
 * while callbacks of an earlier turn still ran waited longer than that. A blocking callback
 * therefore always shows in {@link #slowCallbacks()}, and in the lag of the events dispatched
 * after it in its batch.
 *
 * <p>Thread-safety: immutable; safe to share between threads.
 *
 * @param loopName the loop's name (see {@link EventLoop#name()})
 * @param iterations loop turns, i.e. polls of the kernel
 * @param events events dispatched to handles (I/O completions, accepts, timer expiries, closes)
 * @param tasks tasks run from {@link EventLoop#execute} and operations handed over from other
 *     threads
 * @param idleInPoll total time spent waiting in the poll
 * @param lagMax the largest event-loop lag seen
 * @param lagMean the mean event-loop lag over all dispatched events ({@code ZERO} before any)
 * @param slowCallbacks callbacks and tasks that ran longer than {@link #slowCallbackThreshold()}
 * @param slowCallbackThreshold the threshold at the time of the snapshot
 * @param recentSlowCallbacks the last few slow callbacks, oldest first
 * @param handlesByType live handles of the loop by type name (e.g. {@code TcpStream}); types
 *     with no live handle are absent
 */
public record LoopMetrics(String loopName, long iterations, long events, long tasks,
    Duration idleInPoll, Duration lagMax, Duration lagMean, long slowCallbacks,
    Duration slowCallbackThreshold, List<SlowCallback> recentSlowCallbacks,
    Map<String, Integer> handlesByType) {

  /**
   * One callback that ran longer than the loop's threshold.
   *
   * @param handle the handle whose callback it was, e.g. {@code Timer #3.1}, or {@code task} for
   *     a task queued with {@link EventLoop#execute}
   * @param token the handle's token, 0 for a task
   * @param kind what was dispatched: {@code read}, {@code write}, {@code connect},
   *     {@code accept}, {@code shutdown}, {@code timer}, {@code close}, {@code recv},
   *     {@code send}, {@code handle} or {@code task}
   * @param duration how long the callback held the loop thread
   * @param finishedAt when it returned (wall clock)
   */
  public record SlowCallback(String handle, long token, String kind, Duration duration,
      Instant finishedAt) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if a component other than token is null
     */
    public SlowCallback {
      Objects.requireNonNull(handle, "handle");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(finishedAt, "finishedAt");
    }

    @Override
    public String toString() {
      return handle + " " + kind + " " + duration.toMillis() + " ms";
    }
  }

  /**
   * Checks the components and copies the collections (the record is immutable).
   *
   * @throws NullPointerException if a component is null
   */
  public LoopMetrics {
    Objects.requireNonNull(loopName, "loopName");
    Objects.requireNonNull(idleInPoll, "idleInPoll");
    Objects.requireNonNull(lagMax, "lagMax");
    Objects.requireNonNull(lagMean, "lagMean");
    Objects.requireNonNull(slowCallbackThreshold, "slowCallbackThreshold");
    recentSlowCallbacks = List.copyOf(recentSlowCallbacks);
    handlesByType = Map.copyOf(handlesByType);
  }

  /** @return the number of live handles, over all types */
  public int handleCount() {
    int n = 0;
    for (int c : handlesByType.values()) n += c;
    return n;
  }

  @Override
  public String toString() {
    return loopName + ": iterations=" + iterations + " events=" + events + " tasks=" + tasks
        + " idleInPoll=" + idleInPoll.toMillis() + "ms lagMax=" + micros(lagMax) + "us lagMean="
        + micros(lagMean) + "us slowCallbacks=" + slowCallbacks + " (>"
        + slowCallbackThreshold.toMillis() + "ms) handles=" + new java.util.TreeMap<>(handlesByType);
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1000;
  }
}
