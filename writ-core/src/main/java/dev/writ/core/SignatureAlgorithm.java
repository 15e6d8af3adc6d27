package dev.writ.core;

import java.util.Optional;

/** Signature algorithms a trust root may list. */
public enum SignatureAlgorithm {
  /** RFC 8032 Ed25519 (pure), 64-byte signatures. */
  ED25519("ed25519", false),
  /** ECDSA on P-256 with SHA-256, signatures as IEEE P1363 r||s (64 bytes). */
  ECDSA_P256_SHA256("ecdsa-p256-sha256", false),
  /** FIPS 204 ML-DSA-65, pure, empty context; only as the post-quantum half of a hybrid. */
  ML_DSA_65("ml-dsa-65", true);

  private final String wire;
  private final boolean postQuantum;

  SignatureAlgorithm(String wire, boolean postQuantum) {
    this.wire = wire;
    this.postQuantum = postQuantum;
  }

  public String wire() {
    return wire;
  }

  public boolean postQuantum() {
    return postQuantum;
  }

  public static Optional<SignatureAlgorithm> fromWire(String s) {
    for (SignatureAlgorithm a : values()) {
      if (a.wire.equals(s)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
