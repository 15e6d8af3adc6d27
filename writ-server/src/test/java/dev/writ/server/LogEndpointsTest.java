package dev.writ.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Capability;
import dev.writ.core.TestFleet;
import dev.writ.log.AuditedLog;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogAuditor;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.SignedNotes;
import dev.writ.log.Tile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The log over HTTP (docs/spec/api.md sections 4, 5 and 7) on a real single-peer server. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogEndpointsTest {
  private static final TestFleet FLEET = TestFleet.standard();
  private static final Clock CLOCK = Clock.fixed(TestFleet.NOW, ZoneOffset.UTC);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private WritServer server;
  private HttpClient http;

  @BeforeEach
  void start() throws IOException {
    serve(dir.resolve("data"));
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    if (http != null) {
      http.close();
    }
  }

  @Test
  void logKey_isTheStartupKeyOnOneLine() throws Exception {
    HttpResponse<byte[]> r = get("/v1/log/key");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(text(r)).isEqualTo(server.logKey() + "\n");
    assertThat(NoteVerifierKey.parse(server.logKey()).name()).isEqualTo("writ.local/log");
  }

  @Test
  void logKey_survivesRestart() throws Exception {
    String before = server.logKey();
    server.close();
    serve(dir.resolve("data"));

    assertThat(server.logKey()).isEqualTo(before);
  }

  @Test
  void checkpoint_coversEveryDecisionAndIsSignedByTheLogKey() throws Exception {
    for (int i = 0; i < 3; i++) {
      post(replicateWrit());
    }
    post("junk".getBytes(StandardCharsets.US_ASCII));

    Checkpoint cp = checkpoint();

    assertThat(cp.size()).isEqualTo(4);
    assertThat(cp.origin()).isEqualTo("writ.local/log");
  }

  @Test
  void tiles_downloadedIntoAFolder_auditClean_andTamperIsDetected() throws Exception {
    String firstReceiptCheckpoint = null;
    for (int i = 0; i < 300; i++) { // more than one full level-0 tile (256)
      HttpResponse<byte[]> r = post(replicateWrit());
      assertThat(r.statusCode()).isEqualTo(200);
      if (firstReceiptCheckpoint == null) {
        String body = text(r);
        firstReceiptCheckpoint =
            body.replaceAll(".*\"checkpoint\":\"([^\"]+)\".*", "$1").replace("\\n", "\n");
      }
    }
    Path folder = dir.resolve("mirror");
    byte[] note = get("/checkpoint").body();
    Files.createDirectories(folder);
    Files.write(folder.resolve("checkpoint"), note);
    Checkpoint cp = checkpoint();
    for (Tile t : Tile.forTree(cp.size())) {
      save(folder, t.path(), get("/" + t.path()));
      if (t.level() == 0) {
        save(folder, t.entriesPath(), get("/" + t.entriesPath()));
      }
    }
    NoteVerifierKey key = NoteVerifierKey.parse(server.logKey());

    AuditedLog audited = LogAuditor.verify(folder, key, Optional.of(firstReceiptCheckpoint));

    assertThat(audited.checkpoint().size()).isEqualTo(300);
    // a full tile is immutable, a partial one is not cached
    assertThat(get("/tile/0/000").headers().firstValue("cache-control"))
        .hasValue("public, max-age=31536000, immutable");
    assertThat(get("/tile/0/001.p/44").headers().firstValue("cache-control")).hasValue("no-store");
    // one flipped byte in a stored entry bundle fails the audit
    Path bundle = folder.resolve("tile/entries/000");
    byte[] b = Files.readAllBytes(bundle);
    b[40] ^= 1;
    Files.write(bundle, b);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> LogAuditor.verify(folder, key, Optional.empty()))
        .isInstanceOf(dev.writ.log.LogAuditException.class);
  }

  @Test
  void tiles_beyondTheTreeOrMalformed_areNotFound() throws Exception {
    post(replicateWrit());

    assertThat(get("/tile/0/000.p/1").statusCode()).isEqualTo(200);
    assertThat(get("/tile/0/000.p/2").statusCode()).isEqualTo(404);
    assertThat(get("/tile/0/000").statusCode()).isEqualTo(404);
    assertThat(get("/tile/entries/000.p/1").statusCode()).isEqualTo(200);
    assertThat(get("/tile/0/0").statusCode()).isEqualTo(404);
    assertThat(get("/tile/0/000.p/0").statusCode()).isEqualTo(404);
    assertThat(get("/tile/../checkpoint").statusCode()).isEqualTo(404);
  }

  @Test
  void status_reportsLeaderAndLogSize() throws Exception {
    post(replicateWrit());

    String body = text(get("/v1/status"));

    assertThat(body).contains("\"log_size\":1,").contains("\"peer\":\"p0\"");
    assertThat(body).contains("\"role\":\"leader\"");
  }

  @Test
  void metrics_countDecisionsByReasonInOpenMetrics() throws Exception {
    post(replicateWrit());
    byte[] writ = replicateWrit();
    post(writ);
    post(writ);

    HttpResponse<byte[]> r = get("/metrics");

    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/openmetrics-text"));
    String m = text(r);
    assertThat(m).contains("writ_authorizations_total{decision=\"allow\",reason=\"\"} 2.0");
    assertThat(m).contains("writ_authorizations_total{decision=\"deny\",reason=\"SPENT\"} 1.0");
    assertThat(m).contains("writ_commit_seconds_count 3");
    assertThat(m).contains("writ_log_size 3.0");
    assertThat(m).endsWith("# EOF\n");
  }

  @Test
  void post_overTheRate_isTooManyRequestsAndNotAudited() throws Exception {
    server.close();
    serve(ServerConfig.embedded(0, FLEET.root(), dir.resolve("data2"), CLOCK).withLimits(1, 1, 16));
    int admitted = 0;
    HttpResponse<byte[]> limited = null;
    for (int i = 0; i < 4 && limited == null; i++) { // 1/s with a burst of 1: one of 4 is over
      HttpResponse<byte[]> r = post(replicateWrit());
      if (r.statusCode() == 429) {
        limited = r;
      } else {
        assertThat(r.statusCode()).isEqualTo(200);
        admitted++;
      }
    }

    assertThat(limited).isNotNull();
    assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
    assertThat(text(limited)).isEqualTo("{\"decision\":\"deny\",\"reason\":\"RATE_LIMITED\"}");
    assertThat(checkpoint().size()).isEqualTo(admitted);
  }

  private Checkpoint checkpoint() throws Exception {
    byte[] note = get("/checkpoint").body();
    NoteVerifierKey key = NoteVerifierKey.parse(server.logKey());
    return Checkpoint.parse(SignedNotes.open(note, List.of(key)).text());
  }

  private static void save(Path folder, String relative, HttpResponse<byte[]> r)
      throws IOException {
    assertThat(r.statusCode()).as(relative).isEqualTo(200);
    Path p = folder.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.write(p, r.body());
  }

  private static byte[] replicateWrit() {
    return TestFleet.sign(FLEET.writ(Capability.REPLICATE).build(), TestFleet.ALICE);
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private HttpResponse<byte[]> post(byte[] body) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri("/v1/writs"))
            .timeout(TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Starts the server and a TLS client that trusts its bundle (a new CA for new data). */
  private void serve(ServerConfig config) throws IOException {
    server = WritServer.start(config);
    if (http != null) {
      http.close();
    }
    http = TlsClients.anonymous(server, CLOCK);
  }

  private void serve(Path data) throws IOException {
    serve(ServerConfig.embedded(0, FLEET.root(), data, CLOCK));
  }

  private URI uri(String path) {
    return server.uri().resolve(path);
  }
}
