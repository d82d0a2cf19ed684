package io.holdfast.internal.jfr;

/**
 * Whether JFR can be used. Kept apart from {@link JfrEvents} so that reading the flag never
 * loads a class that refers to {@code jdk.jfr}.
 */
public final class Jfr {
  private Jfr() {}

  /** Whether the {@code jdk.jfr} module is present in this runtime (a constant after startup). */
  public static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();
}
