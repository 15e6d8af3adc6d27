package dev.writ.identity.svid;

/**
 * Why a CSR, an X.509-SVID, a private key or a trust bundle was refused. Stable codes: they appear
 * in enrollment denials, TLS refusals and the audit log (docs/spec/svid.md). Closed set.
 */
public enum SvidFailure {
  /** A CSR larger than {@link Csr#MAX_DER_BYTES}, refused before parsing. */
  CSR_OVERSIZE,
  /** Bytes that are not one DER-encoded PKCS#10 certification request. */
  CSR_MALFORMED,
  /** The CSR's key is not EC P-256, Ed25519 or RSA of 2048 to 4096 bits. */
  CSR_KEY_UNSUPPORTED,
  /**
   * The CSR's signature does not verify under its own key, or uses an algorithm not allowed for the
   * key: no proof of possession.
   */
  CSR_BAD_SIGNATURE,
  /** Not PEM, not DER, no certificate, or a chain of a length outside the limits. */
  SVID_MALFORMED,
  /** The leaf does not carry exactly one URI SAN that is a valid SPIFFE ID with a path. */
  SVID_BAD_ID,
  /**
   * The leaf breaks the X509-SVID profile: CA=true, keyCertSign or cRLSign set, or no
   * digitalSignature.
   */
  SVID_LEAF_PROFILE,
  /** A certificate after the leaf is not a CA or lacks keyCertSign. */
  SVID_SIGNER_PROFILE,
  /** The leaf's SPIFFE ID is in another trust domain than the bundle's. */
  SVID_WRONG_TRUST_DOMAIN,
  /** A certificate of the chain is past its notAfter at the validation time. */
  SVID_EXPIRED,
  /** A certificate of the chain is before its notBefore at the validation time. */
  SVID_NOT_YET_VALID,
  /** The chain does not lead to an authority of the bundle (signature, path or empty bundle). */
  SVID_UNTRUSTED,
  /** No PKCS#8 private key, or one that does not parse. */
  KEY_MALFORMED,
  /** The private key is not the key of the leaf certificate. */
  KEY_MISMATCH,
  /** A trust bundle that is not PEM certificates, is corrupt or exceeds its limits. */
  BUNDLE_MALFORMED
}
