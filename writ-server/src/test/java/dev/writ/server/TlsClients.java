package dev.writ.server;

import dev.writ.core.SpiffeId;
import dev.writ.core.TestFleet;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidClientTrustManager;
import dev.writ.identity.tls.SvidKeyManager;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The server tests' one way to reach a {@link WritServer}: a JDK HTTP/1.1 client of its TLS 1.3
 * listener built as Writ's clients build theirs, from the trust bundle file the server wrote
 * (api.md section 1), accepting only {@code spiffe://fleet.test/writ/server} and checking no host
 * name. The client's certificate validation runs at the test's clock, which is the server's.
 *
 * <p>Stateless; the clients it makes are thread-safe.
 */
final class TlsClients {
  /** Connecting takes longer than this only if something is wrong. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  /** The only server identity Writ's clients accept in the test fleet's trust domain. */
  static final SpiffeId SERVER_ID = new SpiffeId(TestFleet.TRUST_DOMAIN, "/writ/server");

  private TlsClients() {}

  /** A client that presents no certificate: an operator's or an auditor's. */
  static HttpClient anonymous(WritServer server, Clock clock) throws IOException {
    return withKeys(server, clock, SvidKeyManager.empty());
  }

  /** A client that presents what {@code keys} holds (a node's SVID, or nothing). */
  static HttpClient withKeys(WritServer server, Clock clock, SvidKeyManager keys)
      throws IOException {
    return client(bundle(server), SERVER_ID, clock, keys);
  }

  /**
   * A client that trusts {@code bundle}, accepts only {@code expected} as the server, and presents
   * what {@code keys} holds: for tests of what a client refuses.
   */
  static HttpClient client(TrustBundle bundle, SpiffeId expected, Clock clock, SvidKeyManager keys)
      throws IOException {
    return HttpClient.newBuilder()
        .sslContext(context(bundle, expected, clock, keys))
        .sslParameters(MtlsContexts.clientParameters())
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .build();
  }

  /** The client TLS context of {@link #client}, for tests that change the parameters. */
  static SSLContext context(TrustBundle bundle, SpiffeId expected, Clock clock, SvidKeyManager keys)
      throws IOException {
    try {
      return MtlsContexts.client(
          keys,
          new SvidClientTrustManager(() -> bundle, clock, expected, RefusalListener.NONE),
          new SecureRandom());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the test's TLS context", e);
    }
  }

  /** The bundle the server wrote to {@link WritServer#bundleFile()}. */
  static TrustBundle bundle(WritServer server) throws IOException {
    try {
      return TrustBundle.parse(
          new TrustDomain(TestFleet.TRUST_DOMAIN), Files.readAllBytes(server.bundleFile()));
    } catch (SvidException e) {
      throw new IOException(server.bundleFile() + " is not a trust bundle", e);
    }
  }
}
