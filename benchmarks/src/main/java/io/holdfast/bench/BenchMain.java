package io.holdfast.bench;

import java.util.Arrays;

/**
 * The benchmark jar's entry point: {@code quick [options]} runs the quick profile (see {@link
 * QuickProfile}), {@code cpu [transport...]} the CPU split of a round trip (see {@link
 * CpuPerRoundTrip}); anything else goes to JMH's own command line ({@code -l}, {@code -h}, a
 * regex, {@code -prof gc}, ...).
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("quick")) {
      System.exit(QuickProfile.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length > 0 && args[0].equals("cpu")) {
      System.exit(CpuPerRoundTrip.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    org.openjdk.jmh.Main.main(args);
  }
}
