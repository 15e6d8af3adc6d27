package dev.writ.agent;

import dev.writ.core.Reason;
import java.util.Objects;

/**
 * A check before acting failed (docs/spec/work.md section 5): the agent does not act and reports
 * the reason code in its result.
 */
public final class WorkRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Reason reason;

  public WorkRefusedException(Reason reason, String detail) {
    super(reason + ": " + detail);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public WorkRefusedException(Reason reason, String detail, Throwable cause) {
    super(reason + ": " + detail, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The stable code reported in the result. */
  public Reason reason() {
    return reason;
  }
}
