package dev.writ.log;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Signs notes (checkpoints) with the log server's own Ed25519 key, as c2sp.org/signed-note defines.
 * This is the log key only: operator keys never reach this module (they live in writ-sign, which
 * writ-log does not depend on).
 *
 * <p>Thread-safe: every signature uses a fresh signer. Does not print its key.
 */
public final class LogKeySigner {
  private final NoteVerifierKey verifierKey;
  private final Ed25519PrivateKeyParameters privateKey;

  /** A signer named {@code name} (a valid signed-note key name, usually the log's origin). */
  public LogKeySigner(String name, Ed25519PrivateKeyParameters privateKey) {
    this.verifierKey = NoteVerifierKey.ofEd25519(name, privateKey.generatePublicKey());
    this.privateKey = privateKey;
  }

  /**
   * A signer named {@code name} with a fresh Ed25519 key drawn from {@code random}. The private key
   * exists only inside the returned signer; it is never written anywhere.
   *
   * @throws IllegalArgumentException if {@code name} is not a valid signed-note key name
   */
  public static LogKeySigner generate(String name, SecureRandom random) {
    return new LogKeySigner(name, new Ed25519PrivateKeyParameters(random));
  }

  /** The key that verifies this signer's notes. */
  public NoteVerifierKey verifierKey() {
    return verifierKey;
  }

  /**
   * The signed note: {@code text}, a blank line and this key's signature line. The text must be
   * non-empty, end in a newline and hold no control character but newline.
   */
  public byte[] sign(String text) {
    if (text.isEmpty()
        || !text.endsWith("\n")
        || !Text.noControlExceptNewline(text)
        || !Text.wellFormed(text)) {
      throw new IllegalArgumentException(
          "note text must be non-empty well-formed text ending in a newline, without controls");
    }
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateKey);
    signer.update(message, 0, message.length);
    byte[] sig = signer.generateSignature();
    byte[] raw = new byte[4 + sig.length];
    int id = verifierKey.keyId();
    raw[0] = (byte) (id >>> 24);
    raw[1] = (byte) (id >>> 16);
    raw[2] = (byte) (id >>> 8);
    raw[3] = (byte) id;
    System.arraycopy(sig, 0, raw, 4, sig.length);
    String note =
        text
            + "\n"
            + SignedNotes.SIGNATURE_PREFIX
            + verifierKey.name()
            + " "
            + Text.base64(raw)
            + "\n";
    byte[] out = note.getBytes(StandardCharsets.UTF_8);
    if (out.length > LogLimits.MAX_NOTE_BYTES) {
      throw new IllegalArgumentException("signed note would exceed " + LogLimits.MAX_NOTE_BYTES);
    }
    return out;
  }

  /** The 32-byte seed, only for {@link LogKeyFile}; the one door the private key leaves by. */
  byte[] seedForKeyFile() {
    return privateKey.getEncoded();
  }

  @Override
  public String toString() {
    return "LogKeySigner[" + verifierKey.name() + "]";
  }
}
