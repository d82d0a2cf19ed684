package io.holdfast.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Loop wake-up from another thread: hand a task to an idle loop and spin until it ran. One op is
 * one hand-off and wake-up. Before each op (outside the timing) the caller parks 100 us, so the
 * loop is asleep in epoll_wait every time: without that the figure would measure how often the
 * next task happens to arrive before the loop went back to sleep.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WakeUpBenchmark {
  @Param({"holdfast", "netty", "nio"})
  public String transport;

  private Transport t;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    t = Transport.create(transport);
    t.start(Transport.ServerKind.ECHO, 1, 1, 0);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    t.close();
  }

  @Setup(Level.Invocation)
  public void letTheLoopFallAsleep() {
    LockSupport.parkNanos(100_000);
  }

  @Benchmark
  public void executeAndWait() throws Exception {
    t.wakeUp();
  }
}
