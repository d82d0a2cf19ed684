package io.holdfast.bench;

import java.util.Locale;

/** The few JSON pieces the results file needs (strings and numbers; no library). */
final class Json {
  private Json() {}

  static String string(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\t': sb.append("\\t"); break;
        default:
          if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          else sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  static String number(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "null" : Double.toString(v);
  }

  static String figure(Figure f) {
    return "{\"score\": " + number(f.score()) + ", \"error\": " + number(f.error()) + "}";
  }
}
