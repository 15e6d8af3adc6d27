package dev.writ.sign;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.security.cert.Certificate;
import java.util.Arrays;

/**
 * The JDK's SunPKCS11 provider for one token slot: configured programmatically, held by one {@link
 * Pkcs11Keystore}, never installed with {@code Security.addProvider}. It shares the process's login
 * state on the token with the ipkcs11wrapper session that logged in, so it is never given the PIN
 * itself.
 */
final class Pkcs11SunProvider {
  private static final String TEMPLATE_NAME = "SunPKCS11";

  /** What SunPKCS11's KeyStore shows to its callers; P11KeyStore needs a null password. */
  private static final char[] NO_PASSWORD = null;

  private Pkcs11SunProvider() {}

  /** A SunPKCS11 instance for the token in {@code slotId} of {@code library}. */
  static Provider configure(Path library, long slotId) throws SigningException {
    String path = library.toString();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      // the SunPKCS11 config parser treats these specially even inside quotes
      if (c == '"' || c == '\\' || c == '$' || c < ' ') {
        throw new SigningException(
            "SunPKCS11 cannot be configured with the module path "
                + path
                + " (character "
                + c
                + ")");
      }
    }
    if (slotId < 0 || slotId > Integer.MAX_VALUE) {
      throw new SigningException(
          "slot id "
              + slotId
              + " does not fit SunPKCS11's slot numbers (0.."
              + Integer.MAX_VALUE
              + ")");
    }
    Provider template = Security.getProvider(TEMPLATE_NAME);
    if (template == null) {
      throw new SigningException(
          "the JDK's SunPKCS11 provider is missing (module jdk.crypto.cryptoki not in this runtime)");
    }
    String config =
        "--name = writ-slot-" + slotId + "\nlibrary = \"" + path + "\"\nslot = " + slotId + "\n";
    try {
      return template.configure(config);
    } catch (ProviderException | IllegalArgumentException e) {
      // InvalidParameterException is an IllegalArgumentException
      throw new SigningException("cannot configure SunPKCS11 for slot " + slotId, e);
    }
  }

  /**
   * The private key SunPKCS11 lists under {@code alias}, after checking that its certificate names
   * the public key {@code spki} read from the token through the wrapper: both views must agree on
   * which key signs.
   */
  static PrivateKey privateKey(Provider provider, String alias, byte[] spki)
      throws SigningException {
    KeyStore keyStore;
    Key key;
    Certificate cert;
    try {
      keyStore = KeyStore.getInstance("PKCS11", provider);
      // already logged in through the wrapper session: load only maps the token's objects
      keyStore.load(null, NO_PASSWORD);
      key = keyStore.getKey(alias, NO_PASSWORD);
      cert = keyStore.getCertificate(alias);
    } catch (IOException | GeneralSecurityException | ProviderException e) {
      throw new SigningException("SunPKCS11 cannot read the token's keys", e);
    }
    if (!(key instanceof PrivateKey privateKey) || cert == null) {
      throw new SigningException(
          "SunPKCS11 does not list ECDSA key \""
              + alias
              + "\": it needs an X.509 certificate object with the key's label and CKA_ID"
              + " (Pkcs11Keystore.generate stores one)");
    }
    if (!Arrays.equals(cert.getPublicKey().getEncoded(), spki)) {
      throw new SigningException(
          "the certificate labelled \"" + alias + "\" names a different key than the token's");
    }
    return privateKey;
  }
}
