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
 * Streaming throughput: a client loop writes 64 KiB buffers over 1 or 16 connections (respecting
 * the 64 KiB high-water mark), a server loop reads and discards. One op is one 64 KiB write,
 * counted once the server has read it; MiB/s = ops/s / 16.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StreamBenchmark {
  /** 64 KiB writes per invocation, over all connections: 16 MiB. */
  static final int CHUNKS = 256;

  @Param({"holdfast", "netty", "nio"})
  public String transport;

  @Param({"1", "16"})
  public int connections;

  private Transport t;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    t = Transport.create(transport);
    t.start(Transport.ServerKind.SINK, 1, 1, connections);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    t.close();
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public void write64k() throws Exception {
    t.stream(CHUNKS / connections);
  }
}
