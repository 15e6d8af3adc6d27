package dev.writ.agent;

import java.util.Optional;

/**
 * Enrollment or SVID renewal did not complete. {@link #reason()} is the server's stable reason code
 * when the server refused (docs/spec/enrollment.md section 8), empty for a local failure (TPM,
 * network, files); the message is one line for people.
 */
public final class EnrollException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String reason;

  public EnrollException(String message) {
    super(message);
    this.reason = null;
  }

  public EnrollException(String message, Throwable cause) {
    super(message, cause);
    this.reason = null;
  }

  EnrollException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The server's reason code, if the server refused. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }
}
