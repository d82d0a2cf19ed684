package io.holdfast.bench;

import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** A bounded busy wait, for the wake-up benchmark (the loop thread sleeps meanwhile). */
final class Spin {
  private Spin() {}

  static void until(BooleanSupplier condition) throws TimeoutException {
    long deadline = 0;
    for (int i = 0; !condition.getAsBoolean(); i++) {
      Thread.onSpinWait();
      if ((i & 1023) == 1023) {
        long now = System.nanoTime();
        if (deadline == 0) deadline = now + Completion.TIMEOUT_NANOS;
        else if (now > deadline) throw new TimeoutException("spun 30 s");
      }
    }
  }
}
