package dev.writ.sandbox;

import java.util.Objects;

/**
 * Whether a tier can run on this host: {@link Available}, or {@link Unavailable} with a one-line
 * reason. Immutable.
 */
public sealed interface Availability {

  /** The tier can run here. */
  record Available() implements Availability {}

  /**
   * The tier cannot run here, for the stated reason.
   *
   * @param reason a one-line explanation, for example {@code "process tier needs root to switch to
   *     a per-execution uid (running as uid 1000)"}
   */
  record Unavailable(String reason) implements Availability {
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
      if (reason.isBlank() || reason.contains("\n")) {
        throw new IllegalArgumentException("an unavailability reason is one non-blank line");
      }
    }
  }

  /** The singleton-like available value. */
  static Availability available() {
    return new Available();
  }

  /** Whether this is {@link Available}. */
  default boolean isAvailable() {
    return this instanceof Available;
  }
}
