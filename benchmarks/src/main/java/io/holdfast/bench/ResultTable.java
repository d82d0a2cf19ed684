package io.holdfast.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One printed table: a row per workload, a column per transport (figure ± error), then ratios of
 * one column's score to another's from the same run, and optionally allocated bytes per op.
 */
public final class ResultTable {
  /** A ratio column: numerator column's score over denominator column's score. */
  public record Ratio(String numerator, String denominator, String header) {}

  /** One workload. Figures and bytes/op are keyed by column; a missing key prints as "—". */
  public static final class Row {
    final String workload;
    final String unit;
    final Map<String, Figure> figures = new LinkedHashMap<>();
    final Map<String, Double> bytesPerOp = new LinkedHashMap<>();

    public Row(String workload, String unit) {
      this.workload = workload;
      this.unit = unit;
    }

    public Row put(String column, Figure f) {
      if (f != null) figures.put(column, f);
      return this;
    }

    public Row bytes(String column, Double b) {
      if (b != null) bytesPerOp.put(column, b);
      return this;
    }

    /** numerator's score / denominator's score, or NaN if either is missing. */
    public double ratio(String numerator, String denominator) {
      Figure n = figures.get(numerator);
      Figure d = figures.get(denominator);
      if (n == null || d == null || d.score() == 0) return Double.NaN;
      return n.score() / d.score();
    }
  }

  final String title;
  private final Map<String, String> columns; // key -> header, in order
  private final List<Ratio> ratios;
  final List<Row> rows = new ArrayList<>();

  public ResultTable(String title, Map<String, String> columns, List<Ratio> ratios) {
    this.title = title;
    this.columns = columns;
    this.ratios = ratios;
  }

  public Row add(String workload, String unit) {
    Row r = new Row(workload, unit);
    rows.add(r);
    return r;
  }

  Map<String, String> columns() {
    return columns;
  }

  List<Ratio> ratios() {
    return ratios;
  }

  private boolean hasBytes() {
    return rows.stream().anyMatch(r -> !r.bytesPerOp.isEmpty());
  }

  /** The table in Markdown (also how it is printed to the terminal). */
  public String markdown() {
    StringBuilder sb = new StringBuilder();
    List<String> header = new ArrayList<>(List.of("Workload", "Unit"));
    header.addAll(columns.values());
    for (Ratio r : ratios) header.add(r.header());
    boolean bytes = hasBytes();
    if (bytes) header.add("B/op (" + String.join(" / ", columns.values()) + ")");
    sb.append("**").append(title).append("**\n\n");
    line(sb, header);
    List<String> rule = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) rule.add(i < 2 ? "---" : "---:");
    line(sb, rule);
    for (Row row : rows) {
      List<String> cells = new ArrayList<>(List.of(row.workload, row.unit));
      for (String key : columns.keySet()) {
        Figure f = row.figures.get(key);
        cells.add(f == null ? "—" : f.format());
      }
      for (Ratio r : ratios) {
        double v = row.ratio(r.numerator(), r.denominator());
        cells.add(Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.2f", v));
      }
      if (bytes) {
        List<String> b = new ArrayList<>();
        for (String key : columns.keySet()) {
          Double v = row.bytesPerOp.get(key);
          b.add(v == null ? "—" : String.format(Locale.ROOT, "%.0f", v));
        }
        cells.add(row.bytesPerOp.isEmpty() ? "—" : String.join(" / ", b));
      }
      line(sb, cells);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells) {
    sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }
}
