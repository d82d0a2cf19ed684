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
 * 64-byte UDP ping-pong between two connected sockets on 127.0.0.1 (server loop echoes, client
 * loop checks the echo and sends the next). One op is one round trip; batches of {@value #TRIPS}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class UdpPingPongBenchmark {
  static final int TRIPS = 1000;

  @Param({"holdfast", "netty", "nio"})
  public String transport;

  @Param({"64"})
  public int size;

  private UdpPingPong t;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    t = UdpPingPong.create(transport);
    t.start();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    t.close();
  }

  @Benchmark
  @OperationsPerInvocation(TRIPS)
  public void roundTrip() throws Exception {
    t.roundTrips(size, TRIPS);
  }
}
