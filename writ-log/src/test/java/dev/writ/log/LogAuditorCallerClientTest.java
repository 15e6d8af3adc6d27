package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.log.LogAuditException.Kind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LogAuditorContract} over HTTP read with the caller's {@link HttpClient} ({@link
 * LogSource#http(URI, HttpClient, Duration)}, how a Writ client reads tiles over TLS), and what is
 * particular to a client the source does not own.
 */
class LogAuditorCallerClientTest extends LogAuditorContract {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private TileFolderServer server;
  private HttpClient client;
  private LogSource source;

  @BeforeEach
  void start() throws Exception {
    server = new TileFolderServer(dir);
    client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    source = LogSource.http(server.base(), client, TIMEOUT);
  }

  @AfterEach
  void stop() {
    source.close();
    client.close();
    server.close();
  }

  @Override
  LogSource source() {
    return source;
  }

  @Test
  void close_leavesTheCallersClientOpen() throws Exception {
    write(dir, entries(10, "a"));
    source.close();

    HttpResponse<Void> r =
        client.send(
            HttpRequest.newBuilder(URI.create(server.base() + "/checkpoint")).build(),
            HttpResponse.BodyHandlers.discarding());

    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void verify_readsThroughTheCallersClient_soAStoppedClientIsUnreadable() throws Exception {
    write(dir, entries(10, "a"));
    client.shutdownNow();

    assertThatThrownBy(() -> audit(Optional.empty()))
        .isInstanceOfSatisfying(
            LogAuditException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNREADABLE);
              assertThat(e.path()).contains("checkpoint");
            });
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void http_clientThatFollowsRedirects_isRefused() {
    try (HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()) {
      assertThatThrownBy(() -> LogSource.http(server.base(), following, TIMEOUT))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must not follow redirects");
    }
  }

  @Test
  void http_badUrlOrTimeout_isRefusedAsWithAClientOfItsOwn() {
    assertThatThrownBy(() -> LogSource.http(URI.create("ftp://127.0.0.1/log"), client, TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogSource.http(server.base(), client, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
