package dev.writ.bench;

import dev.writ.identity.tls.MtlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Posts through a {@code java.net.http.HttpClient} forced to HTTP/1.1 over TLS 1.3. Not thread-safe
 * (the client it wraps is, and may be shared).
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

  /** A client connecting with {@code tls} and Writ's TLS 1.3 parameters; it pools connections. */
  static HttpClient newClient(SSLContext tls) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(tls)
        .sslParameters(MtlsContexts.clientParameters())
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
