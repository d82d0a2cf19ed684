package io.holdfast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Where a run happened: date (UTC), kernel, CPU, cores, JDK. */
record SystemInfo(String date, String kernel, String cpu, int cores, String jdk) {
  static SystemInfo current() {
    String date = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch");
    String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    return new SystemInfo(date, kernel, cpuModel(), Runtime.getRuntime().availableProcessors(), jdk);
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException e) {
      // not Linux or not readable: say so below
    }
    return "unknown CPU";
  }
}
