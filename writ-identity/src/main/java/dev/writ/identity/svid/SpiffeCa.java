package dev.writ.identity.svid;

import dev.writ.core.SpiffeId;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The server's SPIFFE certificate authority for one trust domain: an EC P-256 key and a self-signed
 * CA certificate kept in a folder, and the issuance of X.509-SVIDs under it. The identity an SVID
 * carries is always the caller's {@link SpiffeId}, never anything from the CSR. Certificate
 * profiles: docs/spec/svid.md.
 *
 * <p>Holds the CA private key; it never leaves this object. Thread-safe: immutable after loading,
 * and issuance uses only thread-safe collaborators.
 */
public final class SpiffeCa {
  /** Validity of the CA certificate. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** notBefore of every certificate is this much before issuance, for clocks slightly behind. */
  public static final Duration BACKDATE = Duration.ofSeconds(60);

  /**
   * Longest SVID lifetime {@link #issue} grants. Node SVIDs live an hour (DESIGN.md section 5); the
   * cap bounds a caller's mistake, and keeps room for the server's own certificate.
   */
  public static final Duration MAX_TTL = Duration.ofDays(30);

  /** RFC 1035 / RFC 1123 host name: LDH labels of 1 to 63, at most 253 characters. */
  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
              + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  private final TrustDomain trustDomain;
  private final PrivateKey key;
  private final X509Certificate certificate;
  private final Clock clock;
  private final SecureRandom random;

  private SpiffeCa(
      TrustDomain trustDomain,
      PrivateKey key,
      X509Certificate certificate,
      Clock clock,
      SecureRandom random) {
    this.trustDomain = trustDomain;
    this.key = key;
    this.certificate = certificate;
    this.clock = clock;
    this.random = random;
  }

  /**
   * Loads the CA from {@code dir}, creating its key ({@code ca-key.pem}, PKCS#8, mode 0600) and
   * certificate ({@code ca-cert.pem}) first when missing. A server restarted on the same folder
   * keeps the same CA; processes racing on an empty folder all end up with the same one.
   *
   * @throws IOException if the files cannot be read or written, the key file is readable by group
   *     or others, or the files are not a CA of {@code trustDomain} valid now
   */
  public static SpiffeCa loadOrCreate(
      Path dir, TrustDomain trustDomain, Clock clock, SecureRandom random) throws IOException {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    CaFiles.Loaded loaded = CaFiles.loadOrCreate(dir, trustDomain, now, CA_VALIDITY, random);
    return new SpiffeCa(trustDomain, loaded.key(), loaded.certificate(), clock, random);
  }

  /**
   * Issues an X.509-SVID for {@code id} on the CSR's key, valid from now minus {@link #BACKDATE} to
   * now plus {@code ttl} (at most the CA's own notAfter). The chain is leaf then CA.
   *
   * @throws IllegalArgumentException if {@code id} is outside this CA's trust domain or {@code ttl}
   *     is not positive or exceeds {@link #MAX_TTL}
   */
  public X509Svid issue(Csr csr, SpiffeId id, Duration ttl) {
    return issueFor(csr.publicKey(), id, List.of(), List.of(), ttl);
  }

  /**
   * Issues the server's own TLS certificate: an X.509-SVID for {@code id} whose SAN also lists
   * {@code dnsNames} and {@code ips}, so that clients that do check host names can connect too.
   *
   * @throws IllegalArgumentException for a key Writ does not certify, a malformed DNS name, or the
   *     conditions of {@link #issue}
   */
  public X509Svid issueServer(
      PublicKey publicKey,
      SpiffeId id,
      List<String> dnsNames,
      List<InetAddress> ips,
      Duration ttl) {
    try {
      AllowedKeys.check(publicKey);
    } catch (SvidException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    for (String dns : dnsNames) {
      if (!DNS_NAME.matcher(dns).matches()) {
        throw new IllegalArgumentException("not a DNS host name: " + dns);
      }
    }
    return issueFor(publicKey, id, List.copyOf(dnsNames), List.copyOf(ips), ttl);
  }

  /**
   * Credentials for the server's own TLS listener: a fresh key (never written to disk) and a
   * certificate from {@link #issueServer}.
   */
  public SvidCredentials issueServerCredentials(
      SpiffeId id, List<String> dnsNames, List<InetAddress> ips, Duration ttl, SecureRandom random)
      throws SvidException {
    NodeKey key = NodeKey.generate(random);
    return SvidCredentials.of(
        issueServer(key.publicKey(), id, dnsNames, ips, ttl), key.privateKey());
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The trust bundle that validates this CA's SVIDs: its certificate alone. */
  public TrustBundle bundle() {
    return TrustBundle.of(trustDomain, List.of(certificate));
  }

  /** The trust domain this CA issues for. */
  public TrustDomain trustDomain() {
    return trustDomain;
  }

  @Override
  public String toString() {
    return "SpiffeCa[" + trustDomain + ", " + certificate.getSubjectX500Principal() + "]";
  }

  private X509Svid issueFor(
      PublicKey subjectKey, SpiffeId id, List<String> dns, List<InetAddress> ips, Duration ttl) {
    Objects.requireNonNull(subjectKey, "subjectKey");
    if (!trustDomain.contains(id)) {
      throw new IllegalArgumentException(id + " is outside trust domain " + trustDomain);
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("an SVID TTL is positive and at most " + MAX_TTL);
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant notAfter = now.plus(ttl);
    Instant caNotAfter = certificate.getNotAfter().toInstant();
    if (!now.isBefore(caNotAfter)) {
      throw new IllegalStateException("the CA certificate expired at " + caNotAfter);
    }
    if (notAfter.isAfter(caNotAfter)) {
      notAfter = caNotAfter;
    }
    try {
      X509Certificate leaf =
          CertificateMaker.leaf(
              key, certificate, subjectKey, id, dns, ips, now.minus(BACKDATE), notAfter, random);
      return new X509Svid(id, List.of(leaf, certificate));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the CA cannot sign: " + e.getMessage(), e);
    }
  }
}
