package dev.writ.it.work;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidClientTrustManager;
import dev.writ.identity.tls.SvidKeyManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client of the server's node routes holding a node's own SVID credentials (its key in the node's
 * TPM): what the tests use to read the real server's work stream as that node, and to carry a
 * node's signed result to the server. The node's agent process must not run meanwhile (one user of
 * the TPM at a time). Thread-safe (the JDK client is).
 */
final class NodeClient implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final URI base;

  NodeClient(URI base, TrustBundle bundle, SvidCredentials credentials) {
    this.base = base;
    SpiffeId server = new SpiffeId(bundle.trustDomain().name(), "/writ/server");
    try {
      this.http =
          HttpClient.newBuilder()
              .sslContext(
                  MtlsContexts.client(
                      SvidKeyManager.of(credentials),
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

  /**
   * Opens {@code GET /v1/agent/work} and returns the data of the first {@code work} event for writ
   * {@code id} (hex), exactly as the server sent it; closes the stream.
   *
   * @throws AssertionError if the stream is refused, or no such event comes within {@code timeout}
   */
  String captureWork(String id, Duration timeout)
      throws IOException, InterruptedException, ExecutionException {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(base.resolve("/v1/agent/work"))
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
      throw new AssertionError("the work stream answered " + r.statusCode() + ": " + body);
    }
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (InputStream in = r.body()) {
      Future<String> found = reader.submit(() -> readUntil(in, id));
      try {
        return found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        found.cancel(true);
        throw new AssertionError("no work event for " + id + " within " + timeout, e);
      }
    } finally {
      reader.shutdownNow();
    }
  }

  private static String readUntil(InputStream in, String id) throws IOException {
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String event = null;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (line.startsWith("event: ")) {
        event = line.substring("event: ".length());
      } else if (line.startsWith("data: ")
          && "work".equals(event)
          && WorkEvents.id(line.substring("data: ".length())).equals(id)) {
        return line.substring("data: ".length());
      }
    }
    throw new AssertionError("the work stream ended before a work event for " + id);
  }

  /**
   * Posts a node's signed result ({@code POST /v1/agent/results}) and returns the status and body.
   */
  Reply postResult(byte[] document, byte[] signature) throws IOException, InterruptedException {
    String body =
        "{\"result\":\""
            + Base64.getEncoder().encodeToString(document)
            + "\",\"signature\":\""
            + Base64.getEncoder().encodeToString(signature)
            + "\"}";
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(base.resolve("/v1/agent/results"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(r.statusCode(), r.body());
  }

  @Override
  public void close() {
    http.close();
  }
}
