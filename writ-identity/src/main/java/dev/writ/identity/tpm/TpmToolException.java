package dev.writ.identity.tpm;

/**
 * A TPM command-line tool (tpm2-tools, swtpm, swtpm_setup) failed, timed out or printed something
 * unusable. The message is one line naming the tool and the reason (the tool's own error line when
 * it printed one), fit to show a user without a stack trace. Like any exception, not meant to be
 * shared between threads.
 */
public final class TpmToolException extends Exception {
  private static final long serialVersionUID = 1L;

  public TpmToolException(String message) {
    super(message);
  }

  public TpmToolException(String message, Throwable cause) {
    super(message, cause);
  }
}
