package io.holdfast.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the quick profile's tables from JMH's results and the C floor's. */
final class Tables {
  private Tables() {}

  static final String[] TRANSPORTS = {"holdfast", "netty", "nio"};

  static List<ResultTable> build(JmhResults jmh, Map<String, CFloor.Result> floor) {
    Map<String, String> cols = new LinkedHashMap<>();
    cols.put("holdfast", "Holdfast");
    cols.put("netty", "Netty epoll");
    cols.put("nio", "java.nio");
    cols.put("c", "C floor");
    ResultTable main = new ResultTable("Transports (same message sizes, same threads)", cols, List.of(
        new ResultTable.Ratio("holdfast", "netty", "HF/Netty"),
        new ResultTable.Ratio("holdfast", "nio", "HF/NIO"),
        new ResultTable.Ratio("holdfast", "c", "HF/C")));

    ResultTable.Row latency = transports(main.add("Ping-pong 64 B, 1 conn: round trip",
        "us/op, lower is better"), jmh, "PingPongBenchmark.roundTrip", 1, "size=64");
    latency.put("c", floorFigure(floor, "pingpong", 1));
    ResultTable.Row rate = main.add("Ping-pong 64 B, 1 conn: round trips/s", "ops/s, higher is better");
    latency.figures.forEach((k, f) -> rate.put(k, f.inverted(1e6)));

    transports(main.add("UDP ping-pong 64 B: round trip", "us/op, lower is better"), jmh,
        "UdpPingPongBenchmark.roundTrip", 1, "size=64");

    for (int conns : new int[] {1, 16}) {
      transports(main.add("Streaming 64 KiB writes, " + conns + " conn" + (conns > 1 ? "s" : ""),
          "MiB/s, higher is better"), jmh, "StreamBenchmark.write64k", 1.0 / 16, "connections=" + conns)
          .put("c", floorFigure(floor, "stream" + conns, 1.0 / 16));
    }
    transports(main.add("Churn: connect + accept + close", "conn/s, higher is better"), jmh,
        "ChurnBenchmark.connectAcceptClose", 1).put("c", floorFigure(floor, "churn", 1));
    transports(main.add("Loop wake-up from another thread", "us/op, lower is better"), jmh,
        "WakeUpBenchmark.executeAndWait", 1);
    ResultTable.Row one = transports(main.add("Loop group, 8 conns ping-pong, 1 loop",
        "round trips/s, higher is better"), jmh, "LoopGroupBenchmark.roundTrips", 1, "loops=1");
    ResultTable.Row two = transports(main.add("Loop group, 8 conns ping-pong, 2 loops",
        "round trips/s, higher is better"), jmh, "LoopGroupBenchmark.roundTrips", 1, "loops=2");
    ResultTable.Row scaling = main.add("Loop group scaling, 1 to 2 loops", "x (2 loops / 1 loop)");
    for (String t : TRANSPORTS) {
      Figure a = one.figures.get(t);
      Figure b = two.figures.get(t);
      if (a != null && b != null) scaling.put(t, new Figure(b.score() / a.score(), Double.NaN));
    }
    main.rows.removeIf(r -> r.figures.isEmpty());

    Map<String, String> rcols = new LinkedHashMap<>();
    rcols.put("holdfast", "Holdfast");
    rcols.put("nio", "java.nio");
    ResultTable rejection = new ResultTable("Closed-handle rejection (no JNI call, no syscall in Holdfast)",
        rcols, List.of(new ResultTable.Ratio("holdfast", "nio", "HF/NIO")));
    pair(rejection.add("Write on a closed stream, with the exception", "ns/op, lower is better"), jmh,
        "RejectionBenchmark.holdfastWriteThrows", "RejectionBenchmark.nioWriteThrows");
    pair(rejection.add("Closed check without an exception (tryReadStart / isOpen)", "ns/op, lower is better"),
        jmh, "RejectionBenchmark.holdfastTryReadStart", "RejectionBenchmark.nioIsOpen");
    rejection.rows.removeIf(r -> r.figures.isEmpty());

    Map<String, String> jcols = new LinkedHashMap<>();
    jcols.put("jni", "JNI (RegisterNatives)");
    jcols.put("jnaDirect", "JNA direct");
    jcols.put("jnaInterface", "JNA interface");
    ResultTable jni = new ResultTable("JNI call overhead: one empty C function", jcols, List.of(
        new ResultTable.Ratio("jnaDirect", "jni", "JNA direct/JNI"),
        new ResultTable.Ratio("jnaInterface", "jni", "JNA interface/JNI")));
    ResultTable.Row call = jni.add("Empty call", "ns/op, lower is better");
    for (String m : jcols.keySet()) entry(call, m, jmh.get("JniBenchmark." + m), 1);
    jni.rows.removeIf(r -> r.figures.isEmpty());

    return List.of(main, rejection, jni).stream().filter(t -> !t.rows.isEmpty()).toList();
  }

  /** Fills a row's transport columns from benchmark (with the transport and the extra params). */
  private static ResultTable.Row transports(ResultTable.Row row, JmhResults jmh, String benchmark,
      double scale, String... params) {
    for (String t : TRANSPORTS) {
      String[] all = new String[params.length + 1];
      all[0] = "transport=" + t;
      System.arraycopy(params, 0, all, 1, params.length);
      entry(row, t, jmh.get(benchmark, all), scale);
    }
    return row;
  }

  private static void pair(ResultTable.Row row, JmhResults jmh, String holdfast, String nio) {
    entry(row, "holdfast", jmh.get(holdfast), 1);
    entry(row, "nio", jmh.get(nio), 1);
  }

  private static void entry(ResultTable.Row row, String column, JmhResults.Entry e, double scale) {
    if (e == null) return;
    row.put(column, e.figure().scaled(scale));
    row.bytes(column, e.bytesPerOp());
  }

  private static Figure floorFigure(Map<String, CFloor.Result> floor, String name, double scale) {
    CFloor.Result r = floor.get(name);
    return r == null ? null : r.figure().scaled(scale);
  }
}
