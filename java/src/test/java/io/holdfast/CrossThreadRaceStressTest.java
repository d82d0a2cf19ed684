package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.internal.Stress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * K threads race readStart/readStop/write/shutdown/setNoDelay/transfer/transferTo/close on shared
 * live streams for a bounded time (2 s; longer with -Dholdfast.stress.seconds=N). The only
 * failure a stale handle may produce is HandleClosedException; every write callback runs exactly
 * once; every fd is closed.
 */
class CrossThreadRaceStressTest {
  @Test
  @Timeout(300)
  void onlyCleanRejectionsUnderRacingThreads() throws Exception {
    long seconds = Long.getLong("holdfast.stress.seconds", 2);
    Stress.Result r = Stress.run(seconds * 1000, 4);
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    Stress.report(r, new PrintStream(report, true, StandardCharsets.UTF_8));
    String text = report.toString(StandardCharsets.UTF_8);
    System.out.println(text);
    assertTrue(r.ok(), text);
    assertTrue(r.operations.sum() > 1000, text);
    assertTrue(r.rejections.containsKey("CLOSED") || r.rejections.containsKey("MOVED"), text);
    assertEquals(r.writesIssued.get(), r.writesCompleted.get(), text);
    assertEquals(0, r.doubleCallbacks.get(), text);
    assertTrue(r.fdsAfter <= r.fdsBefore, text);
  }
}
