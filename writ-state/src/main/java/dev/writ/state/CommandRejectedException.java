package dev.writ.state;

/**
 * A command that the state machine refuses without changing state: unknown version or op, missing
 * or extra fields, non-canonical bytes. {@link #code()} is a stable snake_case code that travels in
 * the reply.
 */
final class CommandRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;

  CommandRejectedException(String code, String message) {
    super(message);
    this.code = code;
  }

  CommandRejectedException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  String code() {
    return code;
  }
}
