package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The jar's Main: an unknown or missing command prints the usage on stderr and exits 2. */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MainUnknownCommandTest {

  @Test
  void unknownCommandPrintsUsageOnStderrAndExitsTwo() throws Exception {
    SelfTestForkedJvmTest.Outcome o = SelfTestForkedJvmTest.runMain("no-such-command");
    assertEquals(2, o.exit, o.toString());
    assertTrue(o.err.contains("usage:"), o.toString());
    assertTrue(o.err.contains("no-such-command"), o.toString());
    assertTrue(o.err.contains("selftest"), o.toString());
    assertEquals("", o.out, o.toString());
  }

  @Test
  void missingCommandPrintsUsageOnStderrAndExitsTwo() throws Exception {
    SelfTestForkedJvmTest.Outcome o = SelfTestForkedJvmTest.runMain();
    assertEquals(2, o.exit, o.toString());
    assertTrue(o.err.contains("usage:"), o.toString());
  }

  @Test
  void selftestWithExtraArgumentsIsAUsageError() throws Exception {
    SelfTestForkedJvmTest.Outcome o = SelfTestForkedJvmTest.runMain("selftest", "--bogus");
    assertEquals(2, o.exit, o.toString());
    assertTrue(o.err.contains("usage:"), o.toString());
  }
}
