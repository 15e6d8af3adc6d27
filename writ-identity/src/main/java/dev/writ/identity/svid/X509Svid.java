package dev.writ.identity.svid;

import dev.writ.core.SpiffeId;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * An X.509-SVID that passed validation: {@link SvidValidator#validate} made it from a chain that
 * follows the SPIFFE X509-SVID profile and leads to an authority of a trust bundle at a given time,
 * or {@link SpiffeCa} issued it. No other code can make one, so code that takes an {@code X509Svid}
 * cannot be handed an unvalidated chain. What it does not say: whether the node is still enrolled
 * or revoked (that is the {@code PeerCheck}'s job), or that it is still valid at a later time.
 *
 * <p>Immutable and thread-safe.
 */
public final class X509Svid {
  private final SpiffeId id;
  private final List<X509Certificate> chain;

  X509Svid(SpiffeId id, List<X509Certificate> chain) {
    this.id = id;
    this.chain = List.copyOf(chain);
  }

  /** The SPIFFE ID of the leaf's URI SAN. */
  public SpiffeId id() {
    return id;
  }

  /** The trust domain of {@link #id()}. */
  public TrustDomain trustDomain() {
    return TrustDomain.of(id);
  }

  /** The certificates as presented or issued, leaf first; never empty. Unmodifiable. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.getFirst();
  }

  /** The leaf's serial number: what revocation names. */
  public BigInteger serial() {
    return leaf().getSerialNumber();
  }

  /** The leaf's notAfter. */
  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /** The leaf's subject public key. */
  public PublicKey publicKey() {
    return leaf().getPublicKey();
  }

  @Override
  public String toString() {
    return "X509Svid["
        + id
        + ", serial "
        + serial().toString(16)
        + ", notAfter "
        + notAfter()
        + "]";
  }
}
