package dev.writ.identity.svid;

import java.util.Objects;

/**
 * A CSR, X.509-SVID, private key or trust bundle was refused. Carries a stable {@link SvidFailure}
 * code and a one-line detail that never contains key material. The single checked exception of the
 * {@code svid} package: third-party exceptions are translated into it with their cause kept.
 */
public final class SvidException extends Exception {
  private static final long serialVersionUID = 1L;

  private final SvidFailure failure;

  public SvidException(SvidFailure failure, String detail) {
    super(Objects.requireNonNull(detail, "detail"));
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  public SvidException(SvidFailure failure, String detail, Throwable cause) {
    super(Objects.requireNonNull(detail, "detail"), cause);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /** The stable code. */
  public SvidFailure failure() {
    return failure;
  }
}
