package dev.writ.sign;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_DEVICE_REMOVED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_MECHANISM_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_PIN_EXPIRED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_PIN_INCORRECT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_PIN_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_PIN_LEN_RANGE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_PIN_LOCKED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_TOKEN_NOT_PRESENT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_ALREADY_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_NOT_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_PIN_NOT_INITIALIZED;

import org.xipki.pkcs11.wrapper.PKCS11Exception;

/** Translates PKCS#11 return values into {@link SigningException}s people can act on. */
final class Pkcs11Errors {
  private Pkcs11Errors() {}

  /** {@code action} failed with {@code e}; the PKCS#11 code name stays in the message. */
  static SigningException translate(String action, PKCS11Exception e) {
    long code = e.getErrorCode();
    String hint;
    if (code == CKR_TOKEN_NOT_PRESENT || code == CKR_DEVICE_REMOVED) {
      hint = "the token is no longer present";
    } else if (code == CKR_USER_NOT_LOGGED_IN) {
      hint = "the session is not logged in (was the keystore closed?)";
    } else if (code == CKR_MECHANISM_INVALID) {
      hint = "the token does not support this mechanism";
    } else {
      hint = null;
    }
    return new SigningException(
        action + ": " + e.getErrorName() + (hint == null ? "" : " (" + hint + ")"), e);
  }

  /** {@code C_Login} as the user of {@code tokenLabel} failed with {@code e}. */
  static SigningException login(String tokenLabel, PKCS11Exception e) {
    long code = e.getErrorCode();
    String token = "token \"" + tokenLabel + "\"";
    if (code == CKR_PIN_INCORRECT || code == CKR_PIN_INVALID || code == CKR_PIN_LEN_RANGE) {
      return new SigningException.WrongPasswordException("wrong PIN for " + token, e);
    }
    if (code == CKR_PIN_LOCKED) {
      return new SigningException(
          "the user PIN of " + token + " is locked; its security officer must reset it", e);
    }
    if (code == CKR_PIN_EXPIRED) {
      return new SigningException("the user PIN of " + token + " has expired; change it first", e);
    }
    if (code == CKR_USER_PIN_NOT_INITIALIZED) {
      return new SigningException(token + " has no user PIN yet; initialize the token first", e);
    }
    if (code == CKR_USER_ALREADY_LOGGED_IN || code == CKR_USER_ANOTHER_ALREADY_LOGGED_IN) {
      // PKCS#11 login state belongs to the whole process. The PIN was not checked, so the only
      // safe answer is no.
      return new SigningException(
          token
              + " is already logged in from this process (another open Pkcs11Keystore?);"
              + " close that one first, the PIN cannot be checked while it is open",
          e);
    }
    return translate("cannot log in to " + token, e);
  }
}
