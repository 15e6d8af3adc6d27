package dev.writ.sign;

/**
 * The one checked exception of the signing boundary: a key could not be generated, read, unlocked
 * or used. Third-party causes are kept.
 */
public class SigningException extends Exception {
  private static final long serialVersionUID = 1L;

  public SigningException(String message) {
    super(message);
  }

  public SigningException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The password did not unlock the key file. */
  public static final class WrongPasswordException extends SigningException {
    private static final long serialVersionUID = 1L;

    public WrongPasswordException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
