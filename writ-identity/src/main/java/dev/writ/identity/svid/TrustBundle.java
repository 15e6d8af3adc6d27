package dev.writ.identity.svid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The X.509 authorities of one trust domain (SPIFFE Trust Domain and Bundle specification, X.509
 * part): the certificates an X.509-SVID of that trust domain must chain to. May be empty, in which
 * case it trusts nothing. Its PEM form is a sequence of CERTIFICATE blocks.
 *
 * <p>Immutable and thread-safe.
 */
public final class TrustBundle {
  /** Far above any real bundle (a P-256 CA certificate is about 700 bytes of PEM). */
  public static final int MAX_PEM_BYTES = 256 * 1024;

  /** Authorities in one bundle: room for overlapping CA rotations, bounded path building. */
  public static final int MAX_AUTHORITIES = 64;

  private final TrustDomain trustDomain;
  private final List<X509Certificate> authorities;
  private final Set<TrustAnchor> anchors;

  private TrustBundle(TrustDomain trustDomain, List<X509Certificate> authorities) {
    this.trustDomain = trustDomain;
    this.authorities = List.copyOf(authorities);
    this.anchors =
        this.authorities.stream()
            .map(a -> new TrustAnchor(a, null))
            .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * A bundle of these authorities (duplicates dropped, order kept).
   *
   * @throws IllegalArgumentException for more than {@link #MAX_AUTHORITIES}
   */
  public static TrustBundle of(TrustDomain trustDomain, Collection<X509Certificate> authorities) {
    Objects.requireNonNull(trustDomain, "trustDomain");
    List<X509Certificate> distinct = new ArrayList<>(new LinkedHashSet<>(authorities));
    if (distinct.size() > MAX_AUTHORITIES) {
      throw new IllegalArgumentException(
          "a bundle has at most " + MAX_AUTHORITIES + " authorities, got " + distinct.size());
    }
    return new TrustBundle(trustDomain, distinct);
  }

  /**
   * Parses PEM: empty or blank input is an empty bundle; otherwise one or more CERTIFICATE blocks.
   *
   * @throws SvidException {@code BUNDLE_MALFORMED} for input over {@link #MAX_PEM_BYTES}, text
   *     without PEM blocks, a block of another label (a private key has no place in a bundle), a
   *     corrupt certificate, or more than {@link #MAX_AUTHORITIES}
   */
  public static TrustBundle parse(TrustDomain trustDomain, byte[] pem) throws SvidException {
    Objects.requireNonNull(trustDomain, "trustDomain");
    if (pem.length > MAX_PEM_BYTES) {
      throw malformed("a bundle is at most " + MAX_PEM_BYTES + " bytes, got " + pem.length);
    }
    List<Pem.Block> blocks = Pem.decode(pem, SvidFailure.BUNDLE_MALFORMED, "the bundle");
    if (blocks.isEmpty()) {
      if (isBlank(pem)) {
        return new TrustBundle(trustDomain, List.of());
      }
      throw malformed("the bundle is not PEM: no PEM blocks found");
    }
    for (Pem.Block block : blocks) {
      if (!block.label().equals(Pem.CERTIFICATE)) {
        throw malformed("the bundle has a " + block.label() + " block; only CERTIFICATE belongs");
      }
    }
    if (blocks.size() > MAX_AUTHORITIES) {
      throw malformed(
          "a bundle has at most " + MAX_AUTHORITIES + " authorities, got " + blocks.size());
    }
    return of(
        trustDomain,
        Certificates.fromPemBlocks(blocks, SvidFailure.BUNDLE_MALFORMED, "the bundle"));
  }

  /** The PEM form: one CERTIFICATE block per authority; empty for an empty bundle. */
  public String format() {
    return Certificates.toPem(authorities);
  }

  /**
   * Writes the PEM form to {@code file} in one atomic rename through a uniquely named temporary
   * file, so peers that share a CA folder may write the same bundle at the same time.
   */
  public void write(Path file) throws IOException {
    AtomicFiles.replace(file, format().getBytes(StandardCharsets.US_ASCII), false);
  }

  /** The trust domain whose SVIDs this bundle anchors. */
  public TrustDomain trustDomain() {
    return trustDomain;
  }

  /** The authorities, unmodifiable. */
  public List<X509Certificate> authorities() {
    return authorities;
  }

  /** Whether the bundle has no authority (and so trusts nothing). */
  public boolean isEmpty() {
    return authorities.isEmpty();
  }

  /** Whether {@code cert} is one of the authorities (same DER). */
  public boolean isAuthority(X509Certificate cert) {
    return authorities.contains(cert);
  }

  Set<TrustAnchor> anchors() {
    return anchors;
  }

  @Override
  public String toString() {
    return "TrustBundle[" + trustDomain + ", " + authorities.size() + " authorities]";
  }

  private static boolean isBlank(byte[] pem) {
    for (byte b : pem) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  private static SvidException malformed(String detail) {
    return new SvidException(SvidFailure.BUNDLE_MALFORMED, detail);
  }
}
