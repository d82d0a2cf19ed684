package io.holdfast.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/** JMH's results looked up by "Class.method" and parameters. */
final class JmhResults {
  /** One benchmark's figure and, under -prof gc, its bytes allocated per op. */
  record Entry(Figure figure, Double bytesPerOp) {}

  private final Map<String, Entry> entries = new HashMap<>();

  JmhResults(Collection<RunResult> results) {
    for (RunResult r : results) {
      BenchmarkParams p = r.getParams();
      Map<String, String> params = new TreeMap<>();
      for (String k : p.getParamsKeys()) params.put(k, p.getParam(k));
      Result<?> primary = r.getPrimaryResult();
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      put(shortName(p.getBenchmark()), params, new Figure(primary.getScore(), primary.getScoreError()),
          alloc == null ? null : alloc.getScore());
    }
  }

  JmhResults() {}

  void put(String benchmark, Map<String, String> params, Figure figure, Double bytesPerOp) {
    entries.put(key(benchmark, params), new Entry(figure, bytesPerOp));
  }

  /** The entry for benchmark ("Class.method") with params given as "k=v" pairs, or null. */
  Entry get(String benchmark, String... params) {
    Map<String, String> m = new TreeMap<>();
    for (String kv : params) {
      int eq = kv.indexOf('=');
      m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return entries.get(key(benchmark, m));
  }

  private static String key(String benchmark, Map<String, String> params) {
    return benchmark + new TreeMap<>(params);
  }

  /** io.holdfast.bench.PingPongBenchmark.roundTrip -> PingPongBenchmark.roundTrip */
  static String shortName(String benchmark) {
    int method = benchmark.lastIndexOf('.');
    int cls = benchmark.lastIndexOf('.', method - 1);
    return benchmark.substring(cls + 1);
  }
}
