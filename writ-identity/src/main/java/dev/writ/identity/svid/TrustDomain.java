package dev.writ.identity.svid;

import dev.writ.core.SpiffeId;
import java.util.regex.Pattern;

/**
 * A SPIFFE trust domain name (SPIFFE-ID specification section 2.1): 1 to 255 characters of
 * lowercase letters, digits, dot, hyphen and underscore. Immutable.
 *
 * @param name the name, without {@code spiffe://}
 */
public record TrustDomain(String name) {
  /** SPIFFE-ID section 2.1 (the character set) and 2.3 (a DNS name is at most 255 bytes). */
  private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,255}");

  public TrustDomain {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a SPIFFE trust domain name");
    }
  }

  /** The trust domain of {@code id}. */
  public static TrustDomain of(SpiffeId id) {
    return new TrustDomain(id.trustDomain());
  }

  /** Whether {@code id} is in this trust domain. */
  public boolean contains(SpiffeId id) {
    return name.equals(id.trustDomain());
  }

  /** {@code spiffe://<name>}: the trust domain's own ID, the URI SAN of its CA certificate. */
  public String uri() {
    return "spiffe://" + name;
  }

  @Override
  public String toString() {
    return name;
  }
}
