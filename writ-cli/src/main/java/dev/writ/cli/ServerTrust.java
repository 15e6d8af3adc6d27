package dev.writ.cli;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidClientTrustManager;
import dev.writ.identity.tls.SvidKeyManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The Writ server a command talks to, always over TLS 1.3 (docs/spec/api.md section 1,
 * enrollment.md section 4): its {@code https} URL and the trust bundle given out of band. The trust
 * domain is read from the bundle's CA certificates (their one URI SAN is {@code spiffe://<trust
 * domain>}, svid.md section 2), and the only server identity accepted is {@code spiffe://<trust
 * domain>/writ/server}; host names are not checked. There is no plaintext: an {@code http} URL is
 * refused, never silently used.
 *
 * <p>Immutable and thread-safe.
 *
 * @param server the server's base URL, {@code https} with a host
 * @param bundle the CA certificates that may issue the server's certificate
 */
record ServerTrust(URI server, TrustBundle bundle) {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * Only to parse and bound the PEM before the real trust domain is known; never used to validate.
   */
  private static final TrustDomain PARSE_ONLY = new TrustDomain("parse-only.invalid");

  /** GeneralName uniformResourceIdentifier [6] (RFC 5280 section 4.2.1.6). */
  private static final int URI_SAN = 6;

  /** Reads {@code --server} and {@code --bundle}. */
  static ServerTrust of(String url, Path bundleFile) throws CliException {
    return of("--server", url, bundleFile);
  }

  /**
   * Reads the server URL given as {@code option} and {@code --bundle}.
   *
   * @param bundleFile the bundle file, or null when none was given (refused with what to give)
   * @throws CliException if the URL is not {@code https://HOST[:PORT]} or the bundle is missing or
   *     not a Writ trust bundle
   */
  static ServerTrust of(String option, String url, Path bundleFile) throws CliException {
    URI server = httpsUrl(option, url);
    if (bundleFile == null) {
      throw new CliException(
          option
              + " "
              + url
              + " needs --bundle FILE: the server's trust bundle (<ca dir>/bundle.pem, printed by"
              + " 'writ server' as 'bundle FILE'), taken from the operator");
    }
    return new ServerTrust(server, bundle(bundleFile));
  }

  /** The server's SPIFFE ID (enrollment.md section 2). */
  SpiffeId serverId() {
    return new SpiffeId(bundle.trustDomain().name(), "/writ/server");
  }

  /** The SPIFFE ID of node {@code name} in the bundle's trust domain. */
  SpiffeId nodeId(String name) {
    return new SpiffeId(bundle.trustDomain().name(), "/node/" + name);
  }

  /**
   * An HTTP/1.1 client that presents no certificate and accepts only the server's SVID under the
   * bundle, validated at {@code clock}'s time.
   */
  HttpClient client(Clock clock, SecureRandom random) throws CliException {
    try {
      return HttpClient.newBuilder()
          .sslContext(
              MtlsContexts.client(
                  SvidKeyManager.empty(),
                  new SvidClientTrustManager(() -> bundle, clock, serverId(), RefusalListener.NONE),
                  random))
          .sslParameters(MtlsContexts.clientParameters())
          .connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1)
          .build();
    } catch (GeneralSecurityException e) {
      throw new CliException("cannot build the TLS client: " + e.getMessage(), e);
    }
  }

  static URI httpsUrl(String option, String url) throws CliException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new CliException(option + " is not a URL: " + url, e);
    }
    if ("http".equalsIgnoreCase(uri.getScheme())) {
      throw new CliException(
          option
              + " must be an https://HOST:PORT URL, not "
              + url
              + ": Writ servers speak TLS 1.3 only, there is no plaintext listener");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new CliException(option + " must be an https://HOST:PORT URL (TLS 1.3), not " + url);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new CliException(option + " takes a base URL without query or fragment: " + url);
    }
    return uri;
  }

  /**
   * Reads a trust bundle file and takes its trust domain from its CA certificates.
   *
   * @throws CliException if the file is not a bundle, is empty, or its certificates do not all name
   *     one trust domain in their URI SAN
   */
  static TrustBundle bundle(Path file) throws CliException {
    TrustBundle parsed;
    try {
      parsed = TrustBundle.parse(PARSE_ONLY, Files2.read(file));
    } catch (SvidException e) {
      throw new CliException(file + " is not a trust bundle: " + e.getMessage(), e);
    }
    if (parsed.isEmpty()) {
      throw new CliException(file + " holds no CA certificate; it would trust no server");
    }
    TrustDomain domain = null;
    for (X509Certificate ca : parsed.authorities()) {
      TrustDomain d =
          trustDomain(ca)
              .orElseThrow(
                  () ->
                      new CliException(
                          file
                              + " has a certificate without a spiffe://<trust domain> URI SAN ("
                              + ca.getSubjectX500Principal()
                              + "); it is not a Writ CA"));
      if (domain != null && !domain.equals(d)) {
        throw new CliException(
            file + " mixes trust domains " + domain + " and " + d + "; give one domain's bundle");
      }
      domain = d;
    }
    return TrustBundle.of(domain, parsed.authorities());
  }

  /** The trust domain of a SPIFFE CA certificate: its only URI SAN, {@code spiffe://<name>}. */
  private static Optional<TrustDomain> trustDomain(X509Certificate ca) throws CliException {
    Collection<List<?>> sans;
    try {
      sans = ca.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new CliException("a bundle certificate has an unreadable subjectAltName", e);
    }
    if (sans == null) {
      return Optional.empty();
    }
    List<String> uris =
        sans.stream()
            .filter(san -> san.size() == 2 && Integer.valueOf(URI_SAN).equals(san.get(0)))
            .map(san -> String.valueOf(san.get(1)))
            .toList();
    if (uris.size() != 1 || !uris.getFirst().startsWith("spiffe://")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new TrustDomain(uris.getFirst().substring("spiffe://".length())));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
