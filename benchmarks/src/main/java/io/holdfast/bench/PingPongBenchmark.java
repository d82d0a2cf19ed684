package io.holdfast.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 64-byte ping-pong over one connection: a client loop writes, the server loop echoes, the client
 * waits for the whole echo and checks it. One op is one round trip (us/op is the mean latency;
 * round trips/s is its inverse). Batches of {@value #TRIPS} keep the benchmark thread's hand-off
 * out of the figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PingPongBenchmark {
  static final int TRIPS = 1000;

  @Param({"holdfast", "netty", "nio"})
  public String transport;

  @Param({"64"})
  public int size;

  private Transport t;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    t = Transport.create(transport);
    t.start(Transport.ServerKind.ECHO, 1, 1, 1);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    t.close();
  }

  @Benchmark
  @OperationsPerInvocation(TRIPS)
  public void roundTrip() throws Exception {
    t.pingPong(size, TRIPS);
  }
}
