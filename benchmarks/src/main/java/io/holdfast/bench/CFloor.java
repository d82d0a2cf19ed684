package io.holdfast.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.util.ListStatistics;

/** Runs the C floor (benchmarks/c/hf_bench_floor) and reduces its iterations like JMH does. */
final class CFloor {
  /** One C workload's iterations and their summary. */
  record Result(String name, String unit, double[] values, Figure figure) {}

  private final Path binary;
  private final int warmup;
  private final int iterations;
  private final double seconds;

  CFloor(Path binary, int warmup, int iterations, double seconds) {
    this.binary = binary;
    this.warmup = warmup;
    this.iterations = iterations;
    this.seconds = seconds;
  }

  boolean available() {
    return Files.isExecutable(binary);
  }

  /** Runs one workload (bounded: the process is killed after 2 minutes). */
  Result run(String name, String workload, String... extra) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), workload,
        "--warmup", Integer.toString(warmup), "--iterations", Integer.toString(iterations),
        "--seconds", Double.toString(seconds)));
    cmd.addAll(List.of(extra));
    System.out.println("# C floor: " + String.join(" ", cmd));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<Double> values = new ArrayList<>();
    String unit = "";
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.trim().split("\\s+");
        if (f.length == 5 && f[0].equals("result")) {
          values.add(Double.parseDouble(f[3]));
          unit = f[4];
        }
      }
    }
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(binary + " " + workload + " did not finish in 2 minutes");
    }
    if (p.exitValue() != 0 || values.isEmpty()) {
      throw new IOException(binary + " " + workload + " failed (exit " + p.exitValue() + ")");
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    return new Result(name, unit, v, summarize(v));
  }

  /** Mean and the 99.9% confidence half-width (Student's t), as JMH reports its scores. */
  static Figure summarize(double[] values) {
    ListStatistics s = new ListStatistics(values);
    return new Figure(s.getMean(), values.length > 1 ? s.getMeanErrorAt(0.999) : Double.NaN);
  }
}
