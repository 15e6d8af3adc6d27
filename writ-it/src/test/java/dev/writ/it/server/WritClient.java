package dev.writ.it.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain HTTP/1.1 client of one or more writ servers on loopback, with bounded connect and request
 * times. POST is never retried by the JDK client, so each {@link #post} sends the envelope once.
 *
 * <p>Thread-safe (the JDK client is); each load thread still gets its own, so that connections are
 * not shared between threads.
 */
final class WritClient implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  /** Above the server's 10 s ledger timeout, so a slow commit is a 503, not a client timeout. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(25);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(CONNECT_TIMEOUT)
          .build();

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
