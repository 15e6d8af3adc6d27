package dev.writ.sandbox;

import dev.writ.core.Tier;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The result of one execution: the tier it ran in, how it ended, its exit status when it exited, a
 * one-line reason, both output streams (hashed in full, kept up to the cap) and the resources used.
 * Immutable. The agent signs a result built from these fields (not this module's concern).
 *
 * @param tier the tier that ran it (never another than the one asked for)
 * @param outcome how it ended
 * @param exitCode the exit status when {@code outcome} is {@link Outcome#EXITED}; otherwise empty
 * @param reason a stable one-line explanation (see {@code docs/spec/sandbox.md})
 * @param stdout standard output
 * @param stderr standard error
 * @param usage resources used
 */
public record ExecutionResult(
    Tier tier,
    Outcome outcome,
    OptionalInt exitCode,
    String reason,
    CapturedOutput stdout,
    CapturedOutput stderr,
    ResourceUse usage) {

  /** Checks for nulls and that an exit code is present exactly when the program exited. */
  public ExecutionResult {
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(usage, "usage");
    if ((outcome == Outcome.EXITED) != exitCode.isPresent()) {
      throw new IllegalArgumentException(
          "an exit code is present exactly when the outcome is EXITED");
    }
  }

  /** Whether stdout or stderr had bytes beyond the output cap. */
  public boolean outputTruncated() {
    return stdout.truncated() || stderr.truncated();
  }
}
