package dev.writ.sign;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_KEY_TYPE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKC_X_509;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC_EDWARDS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_ECDSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EC_EDWARDS_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EC_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

import dev.writ.core.KeyId;
import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.SignatureAlgorithm;
import dev.writ.core.WritBugException;
import dev.writ.core.WritDeniedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.KeyPairTemplate;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11KeyPair;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;

/**
 * Operator keys in a PKCS#11 token (an HSM; SoftHSM2 in tests). The private keys are generated in
 * the token as sensitive, non-extractable token objects and never leave it; this class hands out
 * signers and public keys only. Decision record: docs/adr/0004-pkcs11-signing.md.
 *
 * <ul>
 *   <li>Ed25519 keys sign with {@code CKM_EDDSA} through ipkcs11wrapper (JDK 25's SunPKCS11 has no
 *       EdDSA).
 *   <li>ECDSA P-256 keys sign through the JDK's SunPKCS11 provider, configured for this token's
 *       slot and never installed globally. SunPKCS11's {@code KeyStore} shows a private key only if
 *       a certificate with the same {@code CKA_ID} exists, so {@link #generate} stores a
 *       self-signed certificate (signed in the token) beside each ECDSA key.
 *   <li>Every key is labelled ({@code CKA_LABEL}) with the caller's label; its {@code CKA_ID} is
 *       the 32-byte Writ key id (SHA-256 of the public key's SPKI), shared by the private key, the
 *       public key and, for ECDSA, the certificate.
 * </ul>
 *
 * <p>PKCS#11 login state belongs to the whole process, so at most one keystore may be open per
 * token per process: a second {@link #open} while one is logged in fails, because the token would
 * accept it without checking its PIN. {@link #close} logs out.
 *
 * <p>Before {@link #find} (and so {@link #generate}) returns a signer, the key signs a fixed
 * self-test message that is not a DSSE pre-authentication encoding, and the signature is checked
 * against the token's public key object: a signer never produces signatures that its {@link
 * OperatorSigner#keyId()} does not verify.
 *
 * <p>Thread-safe: operations on the one ipkcs11wrapper session are serialized.
 */
public final class Pkcs11Keystore implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Pkcs11Keystore.class.getName());

  /** Debian's softhsm2 package (and Ubuntu's). */
  private static final Path DEFAULT_MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");

  /** Same form as a trust root's key {@code label}, so a token label can be listed there. */
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}");

  /** Signed by every key found; a DSSE PAE starts with "DSSEv1 ", so this is never a writ. */
  private static final byte[] SELF_TEST =
      "writ pkcs11 self-test, not a DSSE PAE\n".getBytes(StandardCharsets.US_ASCII);

  private final Path library;
  private final String tokenLabel;
  private final long slotId;
  private final Session session;
  private final Pkcs11Objects objects;
  private final Object lock = new Object();
  private Provider sunPkcs11; // guarded by lock; configured on first ECDSA use
  private volatile boolean closed;

  private Pkcs11Keystore(Path library, String tokenLabel, long slotId, Session session) {
    this.library = library;
    this.tokenLabel = tokenLabel;
    this.slotId = slotId;
    this.session = session;
    this.objects = new Pkcs11Objects(session, describe(tokenLabel, slotId));
  }

  /** Opens a session on the token with this label, logged in with the user PIN. */
  public static Pkcs11Keystore open(Path module, String tokenLabel, char[] pin)
      throws SigningException {
    Path library = Pkcs11Modules.realLibrary(module);
    PKCS11Module p11 = Pkcs11Modules.load(library);
    Slot slot = slotOf(p11, module, tokenLabel);
    Session session;
    try {
      session = slot.getToken().openSession(true);
    } catch (PKCS11Exception e) {
      throw Pkcs11Errors.translate("cannot open a session on token \"" + tokenLabel + "\"", e);
    }
    try {
      session.login(CKU_USER, pin);
    } catch (PKCS11Exception e) {
      closeQuietly(session, "after a failed login");
      throw Pkcs11Errors.login(tokenLabel, e);
    }
    return new Pkcs11Keystore(library, tokenLabel, slot.getSlotID(), session);
  }

  /**
   * Generates a NEW key pair inside the token (CKA_TOKEN=true, private key sensitive and
   * non-extractable), labelled {@code label} (refused if the label exists). Supports ED25519 and
   * ECDSA_P256_SHA256; anything else is refused. All or nothing: if any step fails, the objects
   * made so far are destroyed.
   */
  public OperatorSigner generate(SignatureAlgorithm algorithm, String label)
      throws SigningException {
    KeyType type =
        switch (algorithm) {
          case ED25519 ->
              new KeyType(
                  CKM_EC_EDWARDS_KEY_PAIR_GEN, CKK_EC_EDWARDS, Pkcs11PublicKeys.ED25519_PARAMS);
          case ECDSA_P256_SHA256 ->
              new KeyType(CKM_EC_KEY_PAIR_GEN, CKK_EC, Pkcs11PublicKeys.P256_PARAMS);
          case ML_DSA_65 ->
              throw new SigningException(
                  "ml-dsa-65 keys cannot be made in a PKCS#11 token: neither SoftHSM2 nor the JDK's"
                      + " SunPKCS11 offers ML-DSA; keep the ML-DSA-65 co-signing key in an"
                      + " encrypted key file (FileKeystore)");
        };
    if (!LABEL.matcher(label).matches()) {
      throw new SigningException("a token key label must match " + LABEL.pattern());
    }
    synchronized (lock) {
      ensureOpen();
      List<Long> made = new ArrayList<>();
      boolean done = false;
      try {
        objects.requireLabelFree(label);
        PKCS11KeyPair pair =
            session.generateKeyPair(new Mechanism(type.mechanism()), type.template(label));
        made.add(pair.getPrivateKey());
        made.add(pair.getPublicKey());
        byte[] spki = Pkcs11PublicKeys.spki(algorithm, objects.ecPoint(pair.getPublicKey()));
        byte[] id = HexFormat.of().parseHex(KeyId.ofSpki(spki).hex());
        session.setAttributeValues(pair.getPrivateKey(), new AttributeVector().id(id));
        session.setAttributeValues(pair.getPublicKey(), new AttributeVector().id(id));
        objects.requireProtected(pair.getPrivateKey(), label);
        if (algorithm == SignatureAlgorithm.ECDSA_P256_SHA256) {
          made.add(storeHolderCertificate(label, spki, id, pair.getPrivateKey()));
        }
        OperatorSigner signer = find(label);
        done = true;
        return signer;
      } catch (PKCS11Exception e) {
        throw Pkcs11Errors.translate(
            "cannot generate " + algorithm.wire() + " key \"" + label + "\" in " + this, e);
      } finally {
        if (!done) {
          destroyQuietly(made);
        }
      }
    }
  }

  /** Finds an existing key by label; a {@link SigningException} if there is none. */
  public OperatorSigner find(String label) throws SigningException {
    if (label.isEmpty()) {
      throw new SigningException("a token key label must not be empty");
    }
    synchronized (lock) {
      ensureOpen();
      try {
        long privateKey = objects.onlyPrivateKey(label);
        AttributeVector attrs = session.getAttrValues(privateKey, CKA_KEY_TYPE, CKA_SIGN, CKA_ID);
        Long keyType = attrs.keyType();
        SignatureAlgorithm algorithm =
            objects
                .algorithmOf(privateKey, keyType)
                .orElseThrow(
                    () ->
                        new SigningException(
                            "token key \"" + label + "\" is neither Ed25519 nor ECDSA P-256"));
        if (!Boolean.TRUE.equals(attrs.sign())) {
          throw new SigningException("token key \"" + label + "\" may not sign (CKA_SIGN)");
        }
        byte[] id = attrs.id();
        if (id == null || id.length == 0) {
          throw new SigningException(
              "token key \"" + label + "\" has no CKA_ID, so its public key cannot be found");
        }
        byte[] spki =
            Pkcs11PublicKeys.spki(
                algorithm, objects.ecPoint(objects.onlyPublicKey(label, id, keyType)));
        OperatorSigner signer =
            switch (algorithm) {
              case ED25519 -> new Pkcs11EdDsaSigner(this, label, privateKey, spki);
              case ECDSA_P256_SHA256 -> {
                Provider provider = sunPkcs11();
                yield new Pkcs11EcdsaSigner(
                    this,
                    label,
                    provider,
                    Pkcs11SunProvider.privateKey(provider, label, spki),
                    spki);
              }
              case ML_DSA_65 -> throw new WritBugException("no ml-dsa-65 key type in PKCS#11");
            };
        selfTest(signer, label);
        return signer;
      } catch (PKCS11Exception e) {
        throw Pkcs11Errors.translate("cannot read key \"" + label + "\" from " + this, e);
      }
    }
  }

  /**
   * Labels of signing keys in the token: private token keys with {@code CKA_SIGN} that are Ed25519
   * or ECDSA P-256, sorted, each once.
   */
  public List<String> labels() throws SigningException {
    synchronized (lock) {
      ensureOpen();
      try {
        SortedSet<String> out = new TreeSet<>();
        for (long h : objects.search(new AttributeVector().class_(CKO_PRIVATE_KEY).token(true))) {
          AttributeVector attrs = session.getAttrValues(h, CKA_KEY_TYPE, CKA_SIGN, CKA_LABEL);
          String label = attrs.label();
          if (label != null
              && Boolean.TRUE.equals(attrs.sign())
              && objects.algorithmOf(h, attrs.keyType()).isPresent()) {
            out.add(label);
          }
        }
        return List.copyOf(out);
      } catch (PKCS11Exception e) {
        throw Pkcs11Errors.translate("cannot list the keys in " + this, e);
      }
    }
  }

  /** The conventional SoftHSM2 module path on Debian: /usr/lib/softhsm/libsofthsm2.so */
  public static Path defaultModule() {
    return DEFAULT_MODULE;
  }

  /**
   * Logs out of the token and closes the session. Signers from this keystore fail afterwards.
   * Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      sunPkcs11 = null;
      try {
        // login state is per process and token: this also logs out SunPKCS11's sessions
        session.logout();
      } catch (PKCS11Exception e) {
        LOG.log(System.Logger.Level.WARNING, "logout from " + this + " failed", e);
      }
      closeQuietly(session, "on close");
    }
  }

  @Override
  public String toString() {
    return describe(tokenLabel, slotId);
  }

  private static String describe(String tokenLabel, long slotId) {
    return "token \"" + tokenLabel + "\" (slot " + slotId + ")";
  }

  // ---------------------------------------------------------------------------------------------

  void ensureOpen() throws SigningException {
    if (closed) {
      throw new SigningException("the PKCS#11 keystore for " + this + " is closed");
    }
  }

  /** One single-part {@code C_Sign} on the wrapper session. */
  byte[] signInToken(long mechanism, long privateKeyHandle, byte[] message)
      throws SigningException {
    synchronized (lock) {
      ensureOpen();
      try {
        return session.signSingle(new Mechanism(mechanism), privateKeyHandle, message);
      } catch (PKCS11Exception e) {
        throw Pkcs11Errors.translate(this + " could not sign", e);
      }
    }
  }

  private static Slot slotOf(PKCS11Module p11, Path module, String tokenLabel)
      throws SigningException {
    List<Slot> matching = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    try {
      for (Slot slot : p11.getSlotList(true)) {
        String label = slot.getToken().getTokenInfo().getLabel().strip();
        seen.add("\"" + label + "\"");
        if (label.equals(tokenLabel)) {
          matching.add(slot);
        }
      }
    } catch (PKCS11Exception e) {
      throw Pkcs11Errors.translate("cannot list the tokens of PKCS#11 module " + module, e);
    }
    if (matching.isEmpty()) {
      throw new SigningException(
          "no token labelled \""
              + tokenLabel
              + "\" in PKCS#11 module "
              + module
              + (seen.isEmpty()
                  ? " (it has no tokens)"
                  : " (it has " + String.join(", ", seen) + ")"));
    }
    if (matching.size() > 1) {
      throw new SigningException(
          matching.size() + " tokens are labelled \"" + tokenLabel + "\" in " + module);
    }
    return matching.get(0);
  }

  private Provider sunPkcs11() throws SigningException {
    if (sunPkcs11 == null) {
      sunPkcs11 = Pkcs11SunProvider.configure(library, slotId);
    }
    return sunPkcs11;
  }

  /** Stores the certificate SunPKCS11 needs to list the ECDSA key; returns its handle. */
  private long storeHolderCertificate(String label, byte[] spki, byte[] id, long privateKey)
      throws PKCS11Exception, SigningException {
    Pkcs11HolderCertificate cert =
        Pkcs11HolderCertificate.create(
            label, spki, id, tbs -> signInToken(CKM_ECDSA, privateKey, sha256(tbs)));
    return session.createObject(
        AttributeVector.newX509Certificate()
            .certificateType(CKC_X_509)
            .token(true)
            .private_(false)
            .label(label)
            .id(id)
            .subject(cert.subject())
            .issuer(cert.subject())
            .serialNumber(cert.serialNumber())
            .value(cert.der()));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new WritBugException("SHA-256 is mandatory in every JDK", e);
    }
  }

  private static void selfTest(OperatorSigner signer, String label) throws SigningException {
    byte[] sig = signer.sign(SELF_TEST);
    PublicKeyVerifier verifier;
    try {
      verifier = PublicKeyVerifier.decode(signer.algorithm(), signer.publicKeySpki());
    } catch (WritDeniedException e) {
      throw new SigningException("token key \"" + label + "\" has an unusable public key", e);
    }
    if (!verifier.verify(SELF_TEST, sig)) {
      throw new SigningException(
          "token key \"" + label + "\" does not sign for its public key object");
    }
  }

  private void destroyQuietly(List<Long> handles) {
    for (long h : handles.reversed()) {
      try {
        session.destroyObject(h);
      } catch (PKCS11Exception e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "cannot remove object " + h + " of a failed key generation from " + this,
            e);
      }
    }
  }

  private static void closeQuietly(Session session, String when) {
    try {
      session.closeSession();
    } catch (PKCS11Exception e) {
      LOG.log(System.Logger.Level.WARNING, "closing a PKCS#11 session " + when + " failed", e);
    }
  }

  /** How to generate one key type. */
  @SuppressWarnings("ArrayRecordComponent") // constants, never exposed
  private record KeyType(long mechanism, long keyType, byte[] ecParams) {
    KeyPairTemplate template(String label) {
      KeyPairTemplate t = new KeyPairTemplate(keyType).token(true).labels(label).signVerify(true);
      t.publicKey().private_(false).ecParams(ecParams);
      t.privateKey().private_(true).sensitive(true).extractable(false).derive(false);
      return t;
    }
  }
}
