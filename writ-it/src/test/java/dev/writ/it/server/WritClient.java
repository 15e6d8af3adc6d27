package dev.writ.it.server;

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
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * An HTTP/1.1 client of one or more writ servers over TLS 1.3, as an operator's client is (api.md
 * section 1): no client certificate, the server authenticated by the trust bundle the servers
 * printed and its SPIFFE ID {@code spiffe://<td>/writ/server}, no host name check; bounded connect
 * and request times. POST is never retried by the JDK client, so each {@link #post} sends the
 * envelope once.
 *
 * <p>Thread-safe (the JDK client is); each load thread still gets its own, so that connections are
 * not shared between threads.
 */
final class WritClient implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  /** Above the server's 10 s ledger timeout, so a slow commit is a 503, not a client timeout. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(25);

  private final HttpClient http;

  /** A client trusting {@code bundle}; certificates are validated at the real time. */
  WritClient(TrustBundle bundle) {
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

  /** Posts {@code envelope} to {@code base/v1/writs}. */
  Answer post(URI base, byte[] envelope) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/v1/writs"))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
            .build();
    HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(r.statusCode(), r.body());
  }

  /**
   * The body of {@code GET base/path}.
   *
   * @throws IOException unless the answer is 200
   */
  byte[] get(URI base, String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT).build();
    HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + base.resolve(path) + " answered " + r.statusCode());
    }
    return r.body();
  }

  String getText(URI base, String path) throws IOException, InterruptedException {
    return new String(get(base, path), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    http.close();
  }
}
