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
 * Connection churn: on one loop, connect + accept + close both ends, {@value
 * Transport#CHURN_WINDOW} connects in flight. One op is one accepted (and closed) connection.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChurnBenchmark {
  static final int CONNECTIONS = 200;

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

  @Benchmark
  @OperationsPerInvocation(CONNECTIONS)
  public void connectAcceptClose() throws Exception {
    t.churn(CONNECTIONS);
  }
}
