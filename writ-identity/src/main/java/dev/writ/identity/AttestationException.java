package dev.writ.identity;

import java.util.Objects;

/**
 * Hardware evidence was refused. Carries a stable {@link AttestationFailure} code and a one-line
 * detail that never contains secret material. The single checked exception of the attestation
 * boundary: third-party exceptions are translated into it with their cause kept.
 */
public final class AttestationException extends Exception {
  private static final long serialVersionUID = 1L;

  private final AttestationFailure failure;

  public AttestationException(AttestationFailure failure, String detail) {
    super(Objects.requireNonNull(detail, "detail"));
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  public AttestationException(AttestationFailure failure, String detail, Throwable cause) {
    super(Objects.requireNonNull(detail, "detail"), cause);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** The stable code. */
  public AttestationFailure failure() {
    return failure;
  }
}
