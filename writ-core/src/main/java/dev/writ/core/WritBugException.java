package dev.writ.core;

/** An impossible state: a bug in Writ or a broken JDK, never a property of the input. */
public final class WritBugException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WritBugException(String message, Throwable cause) {
    super(message, cause);
  }

  public WritBugException(String message) {
    super(message);
  }
}
