package dev.writ.log;

/** An impossible state: a bug in Writ or a broken JDK, never a property of the input. */
public final class LogBugException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LogBugException(String message, Throwable cause) {
    super(message, cause);
  }
}
