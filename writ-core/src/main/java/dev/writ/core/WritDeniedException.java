package dev.writ.core;

import java.util.Optional;

/**
 * The one checked exception of the writ trust boundary: a check did not pass. Carries the stable
 * {@link Reason}, a detail for people (which key, which index, which time) and, when the payload
 * was parsed far enough, the writ id.
 */
public final class WritDeniedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Reason reason;
  private final transient Optional<WritId> writId;

  public WritDeniedException(Reason reason, String detail) {
    this(reason, detail, Optional.empty(), null);
  }

  public WritDeniedException(Reason reason, String detail, Throwable cause) {
    this(reason, detail, Optional.empty(), cause);
  }

  private WritDeniedException(
      Reason reason, String detail, Optional<WritId> writId, Throwable cause) {
    super(reason.name() + ": " + detail, cause);
    this.reason = reason;
    this.writId = writId;
  }

  /** The same denial, now attributed to {@code id}. */
  WritDeniedException withId(WritId id) {
    WritDeniedException e = new WritDeniedException(reason, detail(), Optional.of(id), getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }

  public Reason reason() {
    return reason;
  }

  /** The human detail without the code prefix. */
  public String detail() {
    return getMessage().substring(reason.name().length() + 2);
  }

  public Optional<WritId> writId() {
    return writId;
  }
}
