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
 * Multi-connection throughput over a loop group (issue 11): {@value #CONNECTIONS} connections,
 * each ping-ponging 64-byte messages, served by 1 or 2 loops (Holdfast LoopGroup with
 * listenAndDistribute, Netty's epoll group, NIO with one selector per thread) with as many client
 * loops. One op is one round trip; the 2-loop/1-loop ratio is the scaling.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LoopGroupBenchmark {
  static final int CONNECTIONS = 8;
  static final int TRIPS = 100;

  @Param({"holdfast", "netty", "nio"})
  public String transport;

  @Param({"1", "2"})
  public int loops;

  private Transport t;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    t = Transport.create(transport);
    t.start(Transport.ServerKind.ECHO, loops, loops, CONNECTIONS);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    t.close();
  }

  @Benchmark
  @OperationsPerInvocation(CONNECTIONS * TRIPS)
  public void roundTrips() throws Exception {
    t.pingPong(64, TRIPS);
  }
}
