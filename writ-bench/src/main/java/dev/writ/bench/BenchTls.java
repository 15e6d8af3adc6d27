package dev.writ.bench;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidClientTrustManager;
import dev.writ.identity.tls.SvidKeyManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import javax.net.ssl.SSLContext;

/**
 * The load generator's TLS 1.3 client context (docs/spec/api.md section 1), as an operator's client
 * builds it: no client certificate; the server accepted only if its certificate chain validates
 * against the trust bundle the server printed and names {@code spiffe://bench.writ.dev/writ/server}
 * (the bench fleet's trust domain); no host name check.
 *
 * <p>Stateless; the contexts it makes are thread-safe.
 */
final class BenchTls {
  /** The only server identity the load accepts. */
  static final SpiffeId SERVER = new SpiffeId(BenchFleet.TRUST_DOMAIN, "/writ/server");

  private BenchTls() {}

  /**
   * A client context trusting the bundle in {@code bundleFile}, validating at {@code clock}.
   *
   * @throws IOException if the file cannot be read or is not a bundle of the bench trust domain
   */
  static SSLContext client(Path bundleFile, Clock clock, SecureRandom random) throws IOException {
    TrustBundle bundle;
    try {
      bundle =
          TrustBundle.parse(
              new TrustDomain(BenchFleet.TRUST_DOMAIN), Files.readAllBytes(bundleFile));
    } catch (SvidException e) {
      throw new IOException(bundleFile + " is not a trust bundle: " + e.getMessage(), e);
    }
    if (bundle.isEmpty()) {
      throw new IOException(bundleFile + " holds no CA certificate; it would trust no server");
    }
    return client(bundle, clock, random);
  }

  /** A client context trusting {@code bundle}, validating at {@code clock}. */
  static SSLContext client(TrustBundle bundle, Clock clock, SecureRandom random)
      throws IOException {
    try {
      return MtlsContexts.client(
          SvidKeyManager.empty(),
          new SvidClientTrustManager(() -> bundle, clock, SERVER, RefusalListener.NONE),
          random);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the TLS client context: " + e.getMessage(), e);
    }
  }
}
