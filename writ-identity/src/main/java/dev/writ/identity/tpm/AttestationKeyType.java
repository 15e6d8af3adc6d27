package dev.writ.identity.tpm;

/**
 * The attestation keys {@link Tpm2Tools} can create under the endorsement key. Closed set,
 * immutable.
 */
public enum AttestationKeyType {
  /** NIST P-256, ECDSA with SHA-256: small and fast; the default. */
  ECC_P256("ecc", "ecdsa"),
  /** RSA 2048, RSASSA-PKCS1-v1_5 with SHA-256. */
  RSA_2048_RSASSA("rsa", "rsassa"),
  /** RSA 2048, RSASSA-PSS with SHA-256. */
  RSA_2048_RSAPSS("rsa", "rsapss");

  private final String keyAlgorithm;
  private final String scheme;

  AttestationKeyType(String keyAlgorithm, String scheme) {
    this.keyAlgorithm = keyAlgorithm;
    this.scheme = scheme;
  }

  /** tpm2_createak {@code -G}. */
  String keyAlgorithm() {
    return keyAlgorithm;
  }

  /** tpm2_createak {@code -s} and tpm2_quote {@code --scheme}. */
  String scheme() {
    return scheme;
  }
}
