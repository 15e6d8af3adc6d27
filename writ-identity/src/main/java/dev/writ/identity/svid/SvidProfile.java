package dev.writ.identity.svid;

import dev.writ.core.SpiffeId;
import dev.writ.core.WritDeniedException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The certificate rules of the SPIFFE X509-SVID specification (sections 4 and 5) that do not depend
 * on time or trust: the leaf's one URI SAN, the leaf's and the signing certificates' basic
 * constraints and key usage. Stateless and thread-safe.
 */
final class SvidProfile {
  /** GeneralName tag of uniformResourceIdentifier (RFC 5280 section 4.2.1.6). */
  private static final int URI_NAME = 6;

  // KeyUsage bits, RFC 5280 section 4.2.1.3
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_CERT_SIGN = 5;
  private static final int CRL_SIGN = 6;

  private SvidProfile() {}

  /**
   * Checks the chain (leaf first) against the profile and returns the leaf's SPIFFE ID. In order:
   * the ID ({@code SVID_BAD_ID}), the leaf ({@code SVID_LEAF_PROFILE}), each signing certificate
   * ({@code SVID_SIGNER_PROFILE}).
   */
  static SpiffeId check(List<X509Certificate> chain) throws SvidException {
    if (chain.isEmpty()) {
      throw new SvidException(SvidFailure.SVID_MALFORMED, "no certificates found");
    }
    X509Certificate leaf = chain.getFirst();
    SpiffeId id = leafId(leaf);
    checkLeaf(leaf);
    for (int i = 1; i < chain.size(); i++) {
      checkSigner(chain.get(i), i);
    }
    return id;
  }

  /** The SPIFFE ID of the leaf's single URI SAN. */
  static SpiffeId leafId(X509Certificate leaf) throws SvidException {
    List<String> uris = uris(leaf);
    if (uris.size() != 1) {
      throw new SvidException(
          SvidFailure.SVID_BAD_ID,
          "the leaf certificate has " + uris.size() + " URI SANs, an X509-SVID has exactly one");
    }
    try {
      return SpiffeId.parse(uris.getFirst());
    } catch (WritDeniedException e) {
      throw new SvidException(
          SvidFailure.SVID_BAD_ID, "the leaf URI SAN is not a SPIFFE ID with a path", e);
    }
  }

  /** The ID the leaf claims, if it claims exactly one valid one; nothing is verified. */
  static Optional<SpiffeId> claimedId(X509Certificate leaf) {
    try {
      return Optional.of(leafId(leaf));
    } catch (SvidException e) {
      return Optional.empty();
    }
  }

  private static List<String> uris(X509Certificate cert) throws SvidException {
    Collection<List<?>> names;
    try {
      names = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new SvidException(SvidFailure.SVID_BAD_ID, "the leaf SAN extension does not parse", e);
    }
    List<String> uris = new ArrayList<>();
    if (names != null) {
      for (List<?> name : names) {
        if (name.size() == 2
            && name.get(0) instanceof Integer tag
            && tag == URI_NAME
            && name.get(1) instanceof String uri) {
          uris.add(uri);
        }
      }
    }
    return uris;
  }

  private static void checkLeaf(X509Certificate leaf) throws SvidException {
    if (leaf.getBasicConstraints() >= 0) {
      throw leafProfile("the leaf certificate must not be a CA (CA=true)");
    }
    boolean[] usage = leaf.getKeyUsage();
    if (usage == null || !bit(usage, DIGITAL_SIGNATURE)) {
      throw leafProfile("the leaf certificate must have key usage digitalSignature");
    }
    if (bit(usage, KEY_CERT_SIGN)) {
      throw leafProfile("the leaf certificate must not have key usage keyCertSign");
    }
    if (bit(usage, CRL_SIGN)) {
      throw leafProfile("the leaf certificate must not have key usage cRLSign");
    }
  }

  private static void checkSigner(X509Certificate cert, int index) throws SvidException {
    if (cert.getBasicConstraints() < 0) {
      throw new SvidException(
          SvidFailure.SVID_SIGNER_PROFILE,
          "signing certificate " + index + " must be a CA (CA=true)");
    }
    boolean[] usage = cert.getKeyUsage();
    if (usage == null || !bit(usage, KEY_CERT_SIGN)) {
      throw new SvidException(
          SvidFailure.SVID_SIGNER_PROFILE,
          "signing certificate " + index + " must have key usage keyCertSign");
    }
  }

  private static boolean bit(boolean[] usage, int i) {
    return i < usage.length && usage[i];
  }

  private static SvidException leafProfile(String detail) {
    return new SvidException(SvidFailure.SVID_LEAF_PROFILE, detail);
  }
}
