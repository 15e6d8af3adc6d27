package dev.writ.identity;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;

/**
 * Walks a certificate chain, leaf first, to the first certificate whose fingerprint a policy lists
 * for the evidence's kind. Every certificate up to and including the anchor must be within its
 * validity at {@code now}, and each must be signed by the next one (the anchor itself is trusted by
 * fingerprint, so its own signature is not checked). Intermediates must be CA certificates.
 * Stateless and thread-safe.
 */
public final class ChainVerifier {
  /** Longest chain accepted (VCEK, ASK, ARK; PCK, platform CA, root; EK, issuer, root). */
  public static final int MAX_CHAIN = 5;

  private ChainVerifier() {}

  /**
   * Returns the authority that anchors {@code chain}.
   *
   * @throws AttestationException {@code ATTESTATION_UNTRUSTED} if no listed authority is reached or
   *     a link or validity check fails; {@code ATTESTATION_MALFORMED} for an empty or too long
   *     chain
   */
  public static Authority verify(
      List<X509Certificate> chain, QuoteKind kind, Collection<Authority> authorities, Instant now)
      throws AttestationException {
    if (chain.isEmpty() || chain.size() > MAX_CHAIN) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_MALFORMED,
          "a certificate chain has 1 to " + MAX_CHAIN + " certificates, got " + chain.size());
    }
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate cert = chain.get(i);
      checkValidity(cert, i, now);
      Fingerprint fp = Fingerprint.of(cert);
      for (Authority a : authorities) {
        if (a.kind() == kind && a.fingerprint().equals(fp)) {
          return a;
        }
      }
      if (i + 1 == chain.size()) {
        break;
      }
      X509Certificate issuer = chain.get(i + 1);
      if (issuer.getBasicConstraints() < 0) {
        throw untrusted("certificate " + (i + 1) + " signs another but is not a CA", null);
      }
      try {
        cert.verify(issuer.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw untrusted("certificate " + i + " is not signed by certificate " + (i + 1), e);
      }
    }
    throw new AttestationException(
        AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED,
        "no certificate in the chain is an authority the policy lists for " + kind.wire());
  }

  private static void checkValidity(X509Certificate cert, int index, Instant now)
      throws AttestationException {
    try {
      cert.checkValidity(Date.from(now));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw untrusted("certificate " + index + " is outside its validity period at " + now, e);
    }
  }

  private static AttestationException untrusted(String detail, Throwable cause) {
    return cause == null
        ? new AttestationException(AttestationFailure.ATTESTATION_UNTRUSTED, detail)
        : new AttestationException(AttestationFailure.ATTESTATION_UNTRUSTED, detail, cause);
  }
}
