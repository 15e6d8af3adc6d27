package dev.writ.identity.svid;

import java.security.PrivateKey;
import java.util.Objects;

/**
 * A validated X.509-SVID with its private key, checked to belong together: what a TLS endpoint
 * presents. The key is secret: {@link #toString()} does not show it and only {@link #privateKey()}
 * hands it out.
 *
 * <p>Immutable and thread-safe.
 */
public final class SvidCredentials {
  private final X509Svid svid;
  private final PrivateKey privateKey;

  private SvidCredentials(X509Svid svid, PrivateKey privateKey) {
    this.svid = svid;
    this.privateKey = privateKey;
  }

  /**
   * Pairs an SVID with its key.
   *
   * @throws SvidException {@code KEY_MISMATCH} if the key is not the key of the SVID's leaf
   */
  public static SvidCredentials of(X509Svid svid, PrivateKey privateKey) throws SvidException {
    Objects.requireNonNull(svid, "svid");
    Objects.requireNonNull(privateKey, "privateKey");
    PrivateKeys.checkPair(privateKey, svid.publicKey());
    return new SvidCredentials(svid, privateKey);
  }

  /** The SVID. */
  public X509Svid svid() {
    return svid;
  }

  /** The private key of the SVID's leaf. Secret: never log or serialize it except to its file. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  @Override
  public String toString() {
    return "SvidCredentials[" + svid + "]";
  }
}
