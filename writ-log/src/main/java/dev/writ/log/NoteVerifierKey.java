package dev.writ.log;

import dev.writ.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A c2sp.org/signed-note verifier key for Ed25519: {@code <name>+<key id>+<base64(0x01 || key)>},
 * where the key id is the first 4 bytes of SHA-256(name || 0x0A || 0x01 || key), written as 8
 * lowercase hex digits. The public key is decoded once, at parse time.
 *
 * <p>Immutable and thread-safe.
 */
public final class NoteVerifierKey {
  /** The signature type byte of Ed25519 in c2sp.org/signed-note. */
  static final byte ALG_ED25519 = 0x01;

  private static final int ED25519_KEY_BYTES = 32;
  private static final int ED25519_SIGNATURE_BYTES = 64;

  private final String name;
  private final int keyId;
  private final Ed25519PublicKeyParameters publicKey;

  private NoteVerifierKey(String name, int keyId, Ed25519PublicKeyParameters publicKey) {
    this.name = name;
    this.keyId = keyId;
    this.publicKey = publicKey;
  }

  /** Parses a verifier key string, refusing anything but a well-formed Ed25519 key. */
  public static NoteVerifierKey parse(String vkey) throws LogVerificationException {
    if (vkey.length() > LogLimits.MAX_VERIFIER_KEY_CHARS) {
      throw malformed("longer than " + LogLimits.MAX_VERIFIER_KEY_CHARS + " characters");
    }
    int plus1 = vkey.indexOf('+');
    int plus2 = plus1 < 0 ? -1 : vkey.indexOf('+', plus1 + 1);
    if (plus2 < 0) {
      throw malformed("not <name>+<key id>+<key>");
    }
    String name = vkey.substring(0, plus1);
    String id = vkey.substring(plus1 + 1, plus2);
    checkName(name);
    if (id.length() != 8
        || !id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw malformed("key id must be 8 lowercase hex digits");
    }
    byte[] raw =
        Text.base64(vkey.substring(plus2 + 1))
            .orElseThrow(() -> malformed("key is not canonical base64"));
    if (raw.length == 0 || raw[0] != ALG_ED25519) {
      throw malformed("unknown signature algorithm");
    }
    if (raw.length != 1 + ED25519_KEY_BYTES) {
      throw malformed("an Ed25519 key is 32 bytes");
    }
    byte[] key = Arrays.copyOfRange(raw, 1, raw.length);
    int computed = keyId(name, key);
    if (computed != HexFormat.fromHexDigits(id)) {
      throw malformed("key id " + id + " does not match the key");
    }
    try {
      return new NoteVerifierKey(name, computed, new Ed25519PublicKeyParameters(key));
    } catch (IllegalArgumentException e) {
      throw new LogVerificationException(Reason.MALFORMED_KEY, "not an Ed25519 public key", e);
    }
  }

  /** The verifier key for an Ed25519 public key under {@code name}. */
  public static NoteVerifierKey ofEd25519(String name, Ed25519PublicKeyParameters publicKey) {
    try {
      checkName(name);
    } catch (LogVerificationException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new NoteVerifierKey(name, keyId(name, publicKey.getEncoded()), publicKey);
  }

  public String name() {
    return name;
  }

  /** The 4-byte key id as an unsigned value in an int. */
  public int keyId() {
    return keyId;
  }

  /** The verifier key string. */
  @Override
  public String toString() {
    byte[] raw = new byte[1 + ED25519_KEY_BYTES];
    raw[0] = ALG_ED25519;
    System.arraycopy(publicKey.getEncoded(), 0, raw, 1, ED25519_KEY_BYTES);
    return name + "+" + HexFormat.of().toHexDigits(keyId) + "+" + Text.base64(raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteVerifierKey k
        && k.name.equals(name)
        && k.keyId == keyId
        && Arrays.equals(k.publicKey.getEncoded(), publicKey.getEncoded());
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + keyId;
  }

  /** Checks an Ed25519 signature over {@code message} or throws {@link Reason#BAD_SIGNATURE}. */
  void verify(byte[] message, byte[] signature) throws LogVerificationException {
    if (signature.length != ED25519_SIGNATURE_BYTES) {
      throw new LogVerificationException(
          Reason.BAD_SIGNATURE,
          "signature by " + name + " has " + signature.length + " bytes, not 64");
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, publicKey);
    verifier.update(message, 0, message.length);
    if (!verifier.verifySignature(signature)) {
      throw new LogVerificationException(
          Reason.BAD_SIGNATURE, "signature by " + name + " does not verify");
    }
  }

  static int keyId(String name, byte[] key) {
    MessageDigest md = Rfc9162.sha256();
    md.update(name.getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0x0A);
    md.update(ALG_ED25519);
    md.update(key);
    byte[] h = md.digest();
    return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
  }

  /**
   * c2sp.org/signed-note: a key name is non-empty well-formed UTF-8 with no Unicode space and no
   * '+'. Control characters are refused as well.
   */
  static void checkName(String name) throws LogVerificationException {
    Optional<String> problem = nameProblem(name);
    if (problem.isPresent()) {
      throw malformed(problem.get());
    }
  }

  static Optional<String> nameProblem(String name) {
    if (name.isEmpty()) {
      return Optional.of("empty key name");
    }
    if (!Text.wellFormed(name) || Text.utf8Length(name) > LogLimits.MAX_KEY_NAME_BYTES) {
      return Optional.of("key name is not well-formed or too long");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '+'
          || Character.getType(c) == Character.CONTROL
          || Character.isWhitespace(c)
          || Character.isSpaceChar(c)) {
        return Optional.of("key name has a space, '+' or control character");
      }
    }
    return Optional.empty();
  }

  private static LogVerificationException malformed(String detail) {
    return new LogVerificationException(Reason.MALFORMED_KEY, detail);
  }
}
