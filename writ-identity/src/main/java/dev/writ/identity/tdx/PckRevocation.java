package dev.writ.identity.tdx;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import dev.writ.identity.Authority;
import dev.writ.identity.Fingerprint;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Checks the PCK chain, below its anchor, against the CRLs a policy supplies (Intel PCS: the PCK
 * Platform/Processor CA CRL, the Root CA CRL). A CRL applies to a certificate when its issuer name
 * is the certificate's issuer; it must then verify under that issuer's key and be current at {@code
 * now} (thisUpdate to nextUpdate; a CRL without nextUpdate is never current). Certificates no
 * supplied CRL applies to are not checked: revocation is only as complete as the CRLs given.
 * Stateless and thread-safe.
 */
final class PckRevocation {
  private PckRevocation() {}

  /**
   * @throws AttestationException {@code ATTESTATION_UNTRUSTED} if a certificate is revoked or an
   *     applicable CRL does not verify or is not current
   */
  static void check(List<X509Certificate> chain, Authority anchor, List<X509CRL> crls, Instant now)
      throws AttestationException {
    if (crls.isEmpty()) {
      return;
    }
    int anchorIndex = 0;
    while (anchorIndex < chain.size()
        && !Fingerprint.of(chain.get(anchorIndex)).equals(anchor.fingerprint())) {
      anchorIndex++;
    }
    for (int i = 0; i < anchorIndex && i + 1 < chain.size(); i++) {
      X509Certificate cert = chain.get(i);
      X509Certificate issuer = chain.get(i + 1);
      for (X509CRL crl : crls) {
        if (crl.getIssuerX500Principal().equals(cert.getIssuerX500Principal())) {
          checkOne(crl, cert, i, issuer, now);
        }
      }
    }
  }

  private static void checkOne(
      X509CRL crl, X509Certificate cert, int index, X509Certificate issuer, Instant now)
      throws AttestationException {
    String name = "the CRL of " + crl.getIssuerX500Principal().getName();
    try {
      crl.verify(issuer.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw untrusted(name + " does not verify under certificate " + (index + 1), e);
    }
    Date nextUpdate = crl.getNextUpdate();
    if (now.isBefore(crl.getThisUpdate().toInstant())
        || nextUpdate == null
        || now.isAfter(nextUpdate.toInstant())) {
      throw untrusted(name + " is not current at " + now, null);
    }
    if (crl.isRevoked(cert)) {
      throw untrusted(
          "certificate "
              + index
              + " (serial "
              + cert.getSerialNumber().toString(16)
              + ") is revoked",
          null);
    }
  }

  private static AttestationException untrusted(String detail, Throwable cause) {
    return cause == null
        ? new AttestationException(AttestationFailure.ATTESTATION_UNTRUSTED, detail)
        : new AttestationException(AttestationFailure.ATTESTATION_UNTRUSTED, detail, cause);
  }
}
