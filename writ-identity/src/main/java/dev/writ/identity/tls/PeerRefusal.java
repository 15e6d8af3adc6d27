package dev.writ.identity.tls;

import dev.writ.identity.svid.SvidFailure;

/**
 * Why a TLS peer was refused during the handshake. Stable codes: the server counts and audits them
 * (docs/spec/svid.md, "PeerCheck codes"). Closed set.
 */
public enum PeerRefusal {
  /** The peer's chain is empty, too long or does not parse. */
  SVID_MALFORMED,
  /** The peer's leaf does not carry exactly one SPIFFE ID. */
  SVID_BAD_ID,
  /** The peer's leaf breaks the X509-SVID profile. */
  SVID_LEAF_PROFILE,
  /** A signing certificate of the peer's chain breaks the X509-SVID profile. */
  SVID_SIGNER_PROFILE,
  /** The peer's SPIFFE ID is in another trust domain. */
  SVID_WRONG_TRUST_DOMAIN,
  /** The peer's SVID (or a certificate of its chain) has expired. */
  SVID_EXPIRED,
  /** The peer's SVID (or a certificate of its chain) is not yet valid. */
  SVID_NOT_YET_VALID,
  /** The peer's chain does not lead to an authority of the trust bundle. */
  SVID_UNTRUSTED,
  /** The handshake is not TLS 1.3. */
  TLS_VERSION,
  /** The server's SPIFFE ID is not the one the client expects. */
  WRONG_PEER_ID,
  /** The SPIFFE ID and serial are not an enrolled node's current SVID. */
  UNKNOWN_NODE,
  /** The serial is revoked in the current revocation epoch. */
  REVOKED,
  /** The peer check itself failed (a bug or an unavailable registry): refused, fail closed. */
  PEER_CHECK_ERROR;

  /**
   * The refusal for a failed SVID validation.
   *
   * @throws IllegalArgumentException for a code validation never yields (CSR, key, bundle codes)
   */
  public static PeerRefusal of(SvidFailure failure) {
    return switch (failure) {
      case SVID_MALFORMED -> SVID_MALFORMED;
      case SVID_BAD_ID -> SVID_BAD_ID;
      case SVID_LEAF_PROFILE -> SVID_LEAF_PROFILE;
      case SVID_SIGNER_PROFILE -> SVID_SIGNER_PROFILE;
      case SVID_WRONG_TRUST_DOMAIN -> SVID_WRONG_TRUST_DOMAIN;
      case SVID_EXPIRED -> SVID_EXPIRED;
      case SVID_NOT_YET_VALID -> SVID_NOT_YET_VALID;
      case SVID_UNTRUSTED -> SVID_UNTRUSTED;
      case CSR_OVERSIZE,
          CSR_MALFORMED,
          CSR_KEY_UNSUPPORTED,
          CSR_BAD_SIGNATURE,
          KEY_MALFORMED,
          KEY_MISMATCH,
          BUNDLE_MALFORMED ->
          throw new IllegalArgumentException(failure + " is not an SVID validation failure");
    };
  }
}
