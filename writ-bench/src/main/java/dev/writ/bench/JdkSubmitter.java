package dev.writ.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * Posts through a {@code java.net.http.HttpClient} forced to HTTP/1.1. Not thread-safe (the client
 * it wraps is, and may be shared).
 */
final class JdkSubmitter implements Submitter {
  private final HttpClient client;
  private final List<URI> writs;
  private final boolean owned;

  JdkSubmitter(HttpClient client, List<URI> urls, boolean owned) {
    this.client = client;
    this.writs = urls.stream().map(u -> u.resolve(AuthorizeLoad.WRITS_PATH)).toList();
    this.owned = owned;
  }

  static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(ClientKind.CONNECT_TIMEOUT)
        .build();
  }

  @Override
  public Answer post(int url, byte[] envelope) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(writs.get(url))
            .timeout(ClientKind.REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
            .build();
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(response.statusCode(), response.body());
  }

  @Override
  public void close() {
    if (owned) {
      client.close();
    }
  }
}
