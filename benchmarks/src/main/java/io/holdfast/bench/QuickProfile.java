package io.holdfast.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The quick profile: the C floor, then every JMH benchmark of this module (one fork, 3 warm-up
 * and 5 measured iterations of 1 s), then one table with each transport's figure ± error and the
 * ratios Holdfast/Netty, Holdfast/NIO, Holdfast/C, written to results/DATE-quick.{md,json}.
 *
 * <pre>
 * quick [--floor FILE] [--out DIR] [--include REGEX] [-prof gc] [--warmup N] [--iterations N]
 *       [--time SECONDS] [--no-floor]
 * </pre>
 */
public final class QuickProfile {
  private QuickProfile() {}

  static final class Settings {
    Path floor;
    Path out;
    String include = "io\\.holdfast\\.bench\\..*Benchmark\\..*";
    final List<String> profilers = new ArrayList<>();
    int warmup = 3;
    int iterations = 5;
    int time = 1;
    boolean runFloor = true;
  }

  static Settings parse(String[] args) {
    Settings s = new Settings();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--no-floor")) {
        s.runFloor = false;
        continue;
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException("missing value after " + a);
      String v = args[++i];
      switch (a) {
        case "--floor": s.floor = Path.of(v); break;
        case "--out": s.out = Path.of(v); break;
        case "--include": s.include = v; break;
        case "-prof": s.profilers.add(v); break;
        case "--warmup": s.warmup = Integer.parseInt(v); break;
        case "--iterations": s.iterations = Integer.parseInt(v); break;
        case "--time": s.time = Integer.parseInt(v); break;
        default: throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (s.floor == null) s.floor = Path.of("benchmarks/target/native/benchmarks/c/hf_bench_floor");
    if (s.out == null) s.out = Files.isDirectory(Path.of("benchmarks")) ? Path.of("benchmarks/results") : Path.of("results");
    return s;
  }

  static int run(String[] args) throws Exception {
    Settings s;
    try {
      s = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("quick: " + e.getMessage());
      return 64;
    }
    SystemInfo info = SystemInfo.current();
    long start = System.nanoTime();

    Map<String, CFloor.Result> floor = new LinkedHashMap<>();
    CFloor c = new CFloor(s.floor, 2, s.iterations, s.time);
    if (s.runFloor && c.available()) {
      floor.put("pingpong", c.run("pingpong", "pingpong", "--size", "64"));
      floor.put("stream1", c.run("stream1", "stream", "--conns", "1"));
      floor.put("stream16", c.run("stream16", "stream", "--conns", "16"));
      floor.put("churn", c.run("churn", "churn"));
    } else if (s.runFloor) {
      System.err.println("quick: no C floor at " + s.floor + " (build it: benchmarks/run.sh builds)");
    }

    Files.createDirectories(s.out);
    Path jmhJson = Files.createTempFile("hf-jmh", ".json");
    ChainedOptionsBuilder o = new OptionsBuilder()
        .include(s.include)
        .forks(1)
        .warmupIterations(s.warmup).warmupTime(TimeValue.seconds(s.time))
        .measurementIterations(s.iterations).measurementTime(TimeValue.seconds(s.time))
        .timeout(TimeValue.seconds(60))
        .jvmArgsAppend("-Xms256m", "-Xmx256m", "--enable-native-access=ALL-UNNAMED")
        .shouldFailOnError(true)
        .resultFormat(ResultFormatType.JSON).result(jmhJson.toString());
    for (String p : s.profilers) o.addProfiler(p);
    Collection<RunResult> results = new Runner(o.build()).run();

    List<ResultTable> tables = Tables.build(new JmhResults(results), floor);
    String stamp = info.date().substring(0, 10);
    String name = stamp + "-quick" + (s.profilers.contains("gc") ? "-gc" : "");
    String md = markdown(info, s, tables, (System.nanoTime() - start) / 1_000_000_000L);
    Files.writeString(s.out.resolve(name + ".md"), md, StandardCharsets.UTF_8);
    String jmhRaw = Files.readString(jmhJson, StandardCharsets.UTF_8).trim();
    Files.delete(jmhJson);
    Files.writeString(s.out.resolve(name + ".json"), json(info, tables, floor, jmhRaw),
        StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(md);
    System.out.println("written: " + s.out.resolve(name + ".md") + " and " + s.out.resolve(name + ".json"));
    return 0;
  }

  static String markdown(SystemInfo info, Settings s, List<ResultTable> tables, long seconds) {
    StringBuilder sb = new StringBuilder();
    sb.append("Quick profile, ").append(info.date()).append(" (").append(seconds).append(" s)  \n");
    sb.append("Kernel ").append(info.kernel()).append(", ").append(info.cpu()).append(", ")
        .append(info.cores()).append(" cores, ").append(info.jdk()).append("  \n");
    sb.append("JMH: 1 fork, ").append(s.warmup).append(" x ").append(s.time).append(" s warm-up, ")
        .append(s.iterations).append(" x ").append(s.time).append(" s measured")
        .append(s.profilers.isEmpty() ? "" : ", -prof " + String.join(",", s.profilers))
        .append("; error = 99.9% confidence half-width; ratios are Holdfast's score over the other's,")
        .append(" from this run.\n\n");
    for (ResultTable t : tables) sb.append(t.markdown()).append('\n');
    return sb.toString();
  }

  static String json(SystemInfo info, List<ResultTable> tables, Map<String, CFloor.Result> floor,
      String jmhRaw) {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"profile\": \"quick\",\n");
    sb.append("  \"date\": ").append(Json.string(info.date())).append(",\n");
    sb.append("  \"kernel\": ").append(Json.string(info.kernel())).append(",\n");
    sb.append("  \"cpu\": ").append(Json.string(info.cpu())).append(",\n");
    sb.append("  \"cores\": ").append(info.cores()).append(",\n");
    sb.append("  \"jdk\": ").append(Json.string(info.jdk())).append(",\n");
    sb.append("  \"tables\": [");
    String sep = "\n";
    for (ResultTable t : tables) {
      sb.append(sep).append("    {\"title\": ").append(Json.string(t.title)).append(", \"rows\": [");
      String rsep = "\n";
      for (ResultTable.Row r : t.rows) {
        sb.append(rsep).append("      {\"workload\": ").append(Json.string(r.workload))
            .append(", \"unit\": ").append(Json.string(r.unit));
        for (Map.Entry<String, Figure> e : r.figures.entrySet()) {
          sb.append(", ").append(Json.string(e.getKey())).append(": ").append(Json.figure(e.getValue()));
        }
        for (ResultTable.Ratio q : t.ratios()) {
          sb.append(", ").append(Json.string(q.header())).append(": ")
              .append(Json.number(r.ratio(q.numerator(), q.denominator())));
        }
        for (Map.Entry<String, Double> e : r.bytesPerOp.entrySet()) {
          sb.append(", ").append(Json.string(e.getKey() + " B/op")).append(": ").append(Json.number(e.getValue()));
        }
        sb.append('}');
        rsep = ",\n";
      }
      sb.append("\n    ]}");
      sep = ",\n";
    }
    sb.append("\n  ],\n  \"cFloor\": {");
    sep = "\n";
    for (CFloor.Result r : floor.values()) {
      sb.append(sep).append("    ").append(Json.string(r.name())).append(": {\"unit\": ")
          .append(Json.string(r.unit())).append(", \"iterations\": [");
      for (int i = 0; i < r.values().length; i++) {
        sb.append(i == 0 ? "" : ", ").append(Json.number(r.values()[i]));
      }
      sb.append("], \"figure\": ").append(Json.figure(r.figure())).append('}');
      sep = ",\n";
    }
    sb.append("\n  },\n  \"jmh\": ").append(jmhRaw.isEmpty() ? "[]" : jmhRaw).append("\n}\n");
    return sb.toString();
  }
}
