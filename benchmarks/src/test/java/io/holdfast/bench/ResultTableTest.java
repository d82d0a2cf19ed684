package io.holdfast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTableTest {
  @Test
  void ratiosAreHoldfastOverTheOtherFromTheSameRow() {
    JmhResults jmh = new JmhResults();
    jmh.put("PingPongBenchmark.roundTrip", Map.of("transport", "holdfast", "size", "64"),
        new Figure(20, 1), 0.0);
    jmh.put("PingPongBenchmark.roundTrip", Map.of("transport", "netty", "size", "64"),
        new Figure(25, 2), 48.0);
    jmh.put("PingPongBenchmark.roundTrip", Map.of("transport", "nio", "size", "64"),
        new Figure(40, 2), null);
    jmh.put("StreamBenchmark.write64k", Map.of("transport", "holdfast", "connections", "1"),
        new Figure(1600, 160), null);
    CFloor.Result floor = new CFloor.Result("pingpong", "us/op", new double[] {16, 16}, new Figure(16, 0));
    List<ResultTable> tables = Tables.build(jmh, Map.of("pingpong", floor));
    ResultTable main = tables.get(0);
    ResultTable.Row latency = main.rows.get(0);
    assertEquals(0.8, latency.ratio("holdfast", "netty"), 1e-9);
    assertEquals(0.5, latency.ratio("holdfast", "nio"), 1e-9);
    assertEquals(1.25, latency.ratio("holdfast", "c"), 1e-9);
    ResultTable.Row rate = main.rows.get(1);
    assertEquals(50_000, rate.figures.get("holdfast").score(), 1e-6);
    assertEquals(2_500, rate.figures.get("holdfast").error(), 1e-6); // same relative error
    ResultTable.Row stream = main.rows.get(2);
    assertEquals(100, stream.figures.get("holdfast").score(), 1e-9); // 1600 x 64 KiB/s = 100 MiB/s
    assertTrue(Double.isNaN(stream.ratio("holdfast", "netty")));
    String md = main.markdown();
    assertTrue(md.contains("| Ping-pong 64 B, 1 conn: round trip | us/op, lower is better | 20.0 ± 1.00 |"), md);
    assertTrue(md.contains("| 0.80 | 0.50 | 1.25 | 0 / 48 / — / — |"), md);
  }

  @Test
  void floorErrorIsTheConfidenceHalfWidth() {
    Figure f = CFloor.summarize(new double[] {10, 10, 10, 10});
    assertEquals(10, f.score(), 1e-9);
    assertEquals(0, f.error(), 1e-9);
    Figure g = CFloor.summarize(new double[] {9, 11, 9, 11, 10});
    assertTrue(g.error() > 1 && g.error() < 10, "t(0.9995, 4) * s / sqrt(5): " + g.error());
  }
}
