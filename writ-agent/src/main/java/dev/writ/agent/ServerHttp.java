package dev.writ.agent;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidClientTrustManager;
import dev.writ.identity.tls.SvidKeyManager;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * The one HTTPS client profile for talking to a Writ server (api.md section 1): TLS 1.3 ({@link
 * MtlsContexts}), the server authenticated as {@code spiffe://<bundle's trust domain>/writ/server}
 * under the bundle only (never by host name), presenting {@code keys} (a node's SVID, or nothing
 * for an operator), HTTP/1.1, 30 s to connect. Used by enrollment, renewal, the work loop and the
 * benches.
 *
 * <p>Thread-safe: stateless.
 */
public final class ServerHttp {
  /** How long a connection may take to open. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private ServerHttp() {}

  public static HttpClient client(
      TrustBundle bundle, SvidKeyManager keys, Clock clock, SecureRandom random)
      throws GeneralSecurityException {
    SpiffeId serverId = new SpiffeId(bundle.trustDomain().name(), "/writ/server");
    return HttpClient.newBuilder()
        .sslContext(
            MtlsContexts.client(
                keys,
                new SvidClientTrustManager(() -> bundle, clock, serverId, RefusalListener.NONE),
                random))
        .sslParameters(MtlsContexts.clientParameters())
        .connectTimeout(CONNECT_TIMEOUT)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }
}
