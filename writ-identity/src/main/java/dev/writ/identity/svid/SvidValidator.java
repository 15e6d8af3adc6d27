package dev.writ.identity.svid;

import dev.writ.core.SpiffeId;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Validates an X.509-SVID chain against a trust bundle at a given time: the SPIFFE X509-SVID
 * validation rules (specification section 5) and RFC 5280 path validation to an authority of the
 * bundle. Top-down, void-or-throw; the first failed check decides the code.
 *
 * <p>Path validation is the JDK's PKIX {@link CertPathValidator} with revocation checking off (Writ
 * revokes by serial in the per-handshake {@code PeerCheck}, not by CRL or OCSP). It is the same
 * validator the JDK's own TLS trust manager uses, maintained and conformance-tested upstream:
 * signatures, names chaining, basic constraints and path length, CA key usage, critical extensions
 * and the JDK's disabled-algorithm policy. The SPIFFE rules PKIX does not know (one SPIFFE ID, the
 * leaf's key usage, trust domain match) are checked here first, and the validity of the authority
 * itself, which PKIX does not check, last.
 *
 * <p>Stateless and thread-safe.
 */
public final class SvidValidator {
  /**
   * Certificates in a presented chain. SPIFFE sets no limit; Writ's own chains have 2 (leaf and CA)
   * and 8 leaves room for intermediates of an upstream CA.
   */
  public static final int MAX_CHAIN_LENGTH = 8;

  private SvidValidator() {}

  /**
   * Returns the validated SVID of {@code chain} (leaf first, may end with the authority).
   *
   * <p>Checks in order: chain length ({@code SVID_MALFORMED}); the leaf's SPIFFE ID ({@code
   * SVID_BAD_ID}); leaf and signing certificate profile ({@code SVID_LEAF_PROFILE}, {@code
   * SVID_SIGNER_PROFILE}); trust domain equals the bundle's ({@code SVID_WRONG_TRUST_DOMAIN}); the
   * leaf's validity at {@code now} ({@code SVID_EXPIRED}, {@code SVID_NOT_YET_VALID}); the path to
   * an authority of the bundle at {@code now} ({@code SVID_UNTRUSTED}, or the validity codes for a
   * signing certificate).
   */
  public static X509Svid validate(List<X509Certificate> chain, TrustBundle bundle, Instant now)
      throws SvidException {
    if (chain.isEmpty() || chain.size() > MAX_CHAIN_LENGTH) {
      throw new SvidException(
          SvidFailure.SVID_MALFORMED,
          "an SVID chain has 1 to " + MAX_CHAIN_LENGTH + " certificates, got " + chain.size());
    }
    SpiffeId id = SvidProfile.check(chain);
    checkTrustDomain(id, bundle);
    checkValidity(chain.getFirst(), "the leaf certificate", now);
    checkPath(chain, bundle, now);
    return new X509Svid(id, chain);
  }

  /**
   * The SPIFFE ID a leaf certificate claims, for logging a refusal: empty if it has not exactly one
   * valid one. Nothing is verified: never act on it.
   */
  public static Optional<SpiffeId> claimedId(X509Certificate leaf) {
    return SvidProfile.claimedId(leaf);
  }

  private static void checkTrustDomain(SpiffeId id, TrustBundle bundle) throws SvidException {
    if (!bundle.trustDomain().contains(id)) {
      throw new SvidException(
          SvidFailure.SVID_WRONG_TRUST_DOMAIN,
          id + " is not in trust domain " + bundle.trustDomain());
    }
  }

  private static void checkValidity(X509Certificate cert, String what, Instant now)
      throws SvidException {
    try {
      cert.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new SvidException(
          SvidFailure.SVID_EXPIRED,
          what + " expired at " + cert.getNotAfter().toInstant() + " (now " + now + ")",
          e);
    } catch (CertificateNotYetValidException e) {
      throw new SvidException(
          SvidFailure.SVID_NOT_YET_VALID,
          what + " is valid from " + cert.getNotBefore().toInstant() + " (now " + now + ")",
          e);
    }
  }

  private static void checkPath(List<X509Certificate> chain, TrustBundle bundle, Instant now)
      throws SvidException {
    if (bundle.isEmpty()) {
      throw untrusted("the bundle of " + bundle.trustDomain() + " has no authority", null);
    }
    int end = 0;
    while (end < chain.size() && !bundle.isAuthority(chain.get(end))) {
      end++;
    }
    if (end == 0) {
      throw untrusted("the leaf certificate is itself a bundle authority", null);
    }
    X509Certificate anchor;
    try {
      CertPath path =
          CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, end));
      PKIXParameters params = new PKIXParameters(bundle.anchors());
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      PKIXCertPathValidatorResult result =
          (PKIXCertPathValidatorResult)
              CertPathValidator.getInstance("PKIX").validate(path, params);
      anchor = result.getTrustAnchor().getTrustedCert();
    } catch (CertPathValidatorException e) {
      throw pathFailure(e);
    } catch (GeneralSecurityException e) {
      throw untrusted("the chain cannot be validated: " + e.getMessage(), e);
    }
    try {
      checkValidity(anchor, "the bundle authority", now);
    } catch (SvidException e) {
      throw untrusted(e.getMessage(), e);
    }
  }

  private static SvidException pathFailure(CertPathValidatorException e) {
    String at = e.getIndex() >= 0 ? "certificate " + e.getIndex() + ": " : "";
    if (e.getReason() == BasicReason.EXPIRED) {
      return new SvidException(SvidFailure.SVID_EXPIRED, at + "expired", e);
    }
    if (e.getReason() == BasicReason.NOT_YET_VALID) {
      return new SvidException(SvidFailure.SVID_NOT_YET_VALID, at + "not yet valid", e);
    }
    return untrusted("no path to a bundle authority: " + at + e.getMessage(), e);
  }

  private static SvidException untrusted(String detail, Throwable cause) {
    return cause == null
        ? new SvidException(SvidFailure.SVID_UNTRUSTED, detail)
        : new SvidException(SvidFailure.SVID_UNTRUSTED, detail, cause);
  }
}
