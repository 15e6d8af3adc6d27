package dev.writ.cli;

/** A usage or input error: printed as one plain line, exit code 2, never a stack trace. */
final class CliException extends Exception {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
