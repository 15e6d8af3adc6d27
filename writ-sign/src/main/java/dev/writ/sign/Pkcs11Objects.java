package dev.writ.sign;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ALWAYS_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EC_PARAMS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EC_POINT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_NEVER_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC_EDWARDS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;

import dev.writ.core.SignatureAlgorithm;
import java.util.Optional;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * Finding and checking token objects on one wrapper session. Not thread-safe: the owning {@link
 * Pkcs11Keystore} serializes every call.
 */
final class Pkcs11Objects {
  /** Upper bound on objects read by one search; a token holding more is not one Writ manages. */
  static final int MAX_OBJECTS = 10_000;

  private final Session session;
  private final String where;

  /** {@code where} names the token in error messages. */
  Pkcs11Objects(Session session, String where) {
    this.session = session;
    this.where = where;
  }

  Optional<SignatureAlgorithm> algorithmOf(long handle, Long keyType) throws PKCS11Exception {
    if (keyType == null || (keyType != CKK_EC && keyType != CKK_EC_EDWARDS)) {
      return Optional.empty();
    }
    return Pkcs11PublicKeys.algorithmOf(
        keyType, session.getAttrValues(handle, CKA_EC_PARAMS).ecParams());
  }

  byte[] ecPoint(long publicKeyHandle) throws PKCS11Exception {
    return session.getAttrValues(publicKeyHandle, CKA_EC_PARAMS, CKA_EC_POINT).ecPoint();
  }

  long[] search(AttributeVector template) throws PKCS11Exception, SigningException {
    long[] found = session.findObjectsSingle(template, MAX_OBJECTS + 1);
    if (found.length > MAX_OBJECTS) {
      throw new SigningException(where + " holds more than " + MAX_OBJECTS + " matching objects");
    }
    return found;
  }

  long onlyPrivateKey(String label) throws PKCS11Exception, SigningException {
    long[] found = search(new AttributeVector().class_(CKO_PRIVATE_KEY).token(true).label(label));
    if (found.length == 0) {
      throw new SigningException("no key labelled \"" + label + "\" in " + where);
    }
    if (found.length > 1) {
      throw new SigningException(
          found.length + " private keys are labelled \"" + label + "\" in " + where);
    }
    return found[0];
  }

  long onlyPublicKey(String label, byte[] id, Long keyType)
      throws PKCS11Exception, SigningException {
    long[] found =
        search(new AttributeVector().class_(CKO_PUBLIC_KEY).token(true).keyType(keyType).id(id));
    if (found.length != 1) {
      throw new SigningException(
          "token key \""
              + label
              + "\" needs exactly one public key object with its CKA_ID, found "
              + found.length);
    }
    return found[0];
  }

  void requireLabelFree(String label) throws PKCS11Exception, SigningException {
    if (search(new AttributeVector().token(true).label(label)).length > 0) {
      throw new SigningException(
          "label \"" + label + "\" is already used in " + where + "; keys are never replaced");
    }
  }

  /** The token honoured the template: a sensitive, never-extractable private token object. */
  void requireProtected(long privateKey, String label) throws PKCS11Exception, SigningException {
    AttributeVector a =
        session.getAttrValues(
            privateKey,
            CKA_TOKEN,
            CKA_PRIVATE,
            CKA_SENSITIVE,
            CKA_ALWAYS_SENSITIVE,
            CKA_EXTRACTABLE,
            CKA_NEVER_EXTRACTABLE);
    boolean ok =
        Boolean.TRUE.equals(a.token())
            && Boolean.TRUE.equals(a.private_())
            && Boolean.TRUE.equals(a.sensitive())
            && Boolean.TRUE.equals(a.alwaysSensitive())
            && Boolean.FALSE.equals(a.extractable())
            && Boolean.TRUE.equals(a.neverExtractable());
    if (!ok) {
      throw new SigningException(
          where + " did not make \"" + label + "\" a sensitive, non-extractable token key");
    }
  }
}
