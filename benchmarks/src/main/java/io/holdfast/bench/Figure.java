package io.holdfast.bench;

import java.util.Locale;

/** A measured figure: mean and its error (half-width of the 99.9% confidence interval). */
public record Figure(double score, double error) {
  /** This figure in another unit: score and error multiplied by factor. */
  Figure scaled(double factor) {
    return new Figure(score * factor, error * factor);
  }

  /** The reciprocal (e.g. us per round trip to round trips per second), same relative error. */
  Figure inverted(double numerator) {
    double value = numerator / score;
    return new Figure(value, Double.isNaN(error) ? Double.NaN : value * error / score);
  }

  /** "12.3 ± 0.45": three significant digits, the error to the same decimal place or better. */
  String format() {
    return Double.isNaN(error) ? number(score) : number(score) + " ± " + number(error);
  }

  static String number(double v) {
    if (Double.isNaN(v)) return "n/a";
    double a = Math.abs(v);
    if (a >= 100) return String.format(Locale.ROOT, "%,.0f", v);
    if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
    if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
