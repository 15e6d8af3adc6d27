package dev.writ.it.work;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidClientTrustManager;
import dev.writ.identity.tls.SvidKeyManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * A client of the server's public routes as an operator's tools are (api.md section 1): no client
 * certificate, the server authenticated by the trust bundle and its SPIFFE ID {@code
 * spiffe://<td>/writ/server}. Thread-safe (the JDK client is).
 */
final class OperatorClient implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final URI base;

  OperatorClient(URI base, TrustBundle bundle) {
    this.base = base;
    SpiffeId server = new SpiffeId(bundle.trustDomain().name(), "/writ/server");
    try {
      this.http =
          HttpClient.newBuilder()
              .sslContext(
                  MtlsContexts.client(
                      SvidKeyManager.empty(),
                      new SvidClientTrustManager(
                          () -> bundle, Clock.systemUTC(), server, RefusalListener.NONE),
                      new SecureRandom()))
              .sslParameters(MtlsContexts.clientParameters())
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(CONNECT_TIMEOUT)
              .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the TLS client: " + e.getMessage(), e);
    }
  }

  /** {@code GET pathAndQuery}, whatever the status. */
  Reply get(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(REQUEST_TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(r.statusCode(), r.body());
  }

  /** {@code POST path} with a JSON body, whatever the status. */
  Reply post(String path, byte[] json) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(base.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(r.statusCode(), r.body());
  }

  @Override
  public void close() {
    http.close();
  }
}
