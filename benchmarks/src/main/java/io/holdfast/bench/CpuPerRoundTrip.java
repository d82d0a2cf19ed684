package io.holdfast.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

/**
 * CPU time per 64-byte ping-pong round trip, split into user and kernel time over all threads:
 * less sensitive to a busy machine than wall time, and it says whether a round trip is bound by
 * Java code or by the kernel. {@code cpu [transport...]} (default: all three).
 */
final class CpuPerRoundTrip {
  private static final int BATCHES = 30;
  private static final int TRIPS = 1000;

  private CpuPerRoundTrip() {}

  static int run(String[] args) throws Exception {
    List<String> names = args.length > 0 ? List.of(args) : List.of(Tables.TRANSPORTS);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (String name : names) {
      try (Transport t = Transport.create(name)) {
        t.start(Transport.ServerKind.ECHO, 1, 1, 1);
        for (int i = 0; i < BATCHES; i++) t.pingPong(64, TRIPS); // warm-up
        long[] ids = threads.getAllThreadIds();
        long[] before = cpu(threads, ids);
        long wall = System.nanoTime();
        for (int i = 0; i < BATCHES; i++) t.pingPong(64, TRIPS);
        wall = System.nanoTime() - wall;
        long[] after = cpu(threads, ids);
        double trips = (double) BATCHES * TRIPS * 1e3; // ns to us
        double user = (after[0] - before[0]) / trips;
        double total = (after[1] - before[1]) / trips;
        System.out.printf(Locale.ROOT, "%-9s wall %6.2f us, CPU %6.2f us (user %5.2f, kernel %6.2f)"
            + " per round trip%n", name, wall / trips, total, user, total - user);
      }
    }
    return 0;
  }

  /** Summed {user, total} CPU time of the given threads (threads that ended count as zero). */
  private static long[] cpu(ThreadMXBean threads, long[] ids) {
    long user = 0;
    long total = 0;
    for (long id : ids) {
      user += Math.max(0, threads.getThreadUserTime(id));
      total += Math.max(0, threads.getThreadCpuTime(id));
    }
    return new long[] {user, total};
  }
}
