package dev.writ.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Capability;
import dev.writ.core.Limits;
import dev.writ.core.TestFleet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server end to end over real HTTP on loopback, on a real single-peer Ratis ledger. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WritServerTest {
  private static final TestFleet FLEET = TestFleet.standard();
  private static final Clock CLOCK = Clock.fixed(TestFleet.NOW, ZoneOffset.UTC);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private WritServer server;
  private HttpClient http;

  @BeforeEach
  void start() throws IOException {
    serve(dir);
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
  void post_validWrit_allowsWithReceiptAtLeafZero() throws Exception {
    byte[] writ = replicateWrit();

    HttpResponse<String> r = post(writ);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(r.body())
        .startsWith("{\"decision\":\"allow\",\"id\":\"")
        .contains("\"index\":0,\"leaf\":\"");
    ReceiptCheck.verified(r.body(), server.logKey(), writ);
    String leaf = r.body().replaceAll(".*\"leaf\":\"([^\"]+)\".*", "$1");
    assertThat(new String(Base64.getDecoder().decode(leaf), StandardCharsets.UTF_8))
        .contains("allow");
  }

  @Test
  void post_sameWritTwice_deniesWithSpentAndAuditsItOnce() throws Exception {
    byte[] writ = replicateWrit();
    assertThat(post(writ).statusCode()).isEqualTo(200);

    HttpResponse<String> again = post(writ);

    assertThat(again.statusCode()).isEqualTo(403);
    assertThat(again.body())
        .startsWith("{\"decision\":\"deny\",\"id\":\"")
        .contains("\"reason\":\"SPENT\"");
    ReceiptCheck.verified(again.body(), server.logKey(), writ);
    // leaf 1 is the SPENT denial: the next allow lands at leaf 2
    assertThat(post(replicateWrit()).body()).contains("\"index\":2,");
  }

  @Test
  void post_tamperedWrit_deniesWithBadSignatureAndAuditsIt() throws Exception {
    byte[] writ = replicateWrit();
    byte[] tampered = tamperSignature(writ);

    HttpResponse<String> r = post(tampered);

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("\"reason\":\"BAD_SIGNATURE\"");
    // the denial took leaf 0 and did not spend the id: the untampered writ is still allowed
    assertThat(post(writ).body()).contains("\"index\":1,");
  }

  @Test
  void post_garbage_isBadRequestMalformedAndAudited() throws Exception {
    HttpResponse<String> r = post("not a writ".getBytes(StandardCharsets.UTF_8));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).startsWith("{\"decision\":\"deny\",\"reason\":\"MALFORMED\",");
    ReceiptCheck.verified(r.body(), server.logKey(), "not a writ".getBytes(StandardCharsets.UTF_8));
    assertThat(post(replicateWrit()).body()).contains("\"index\":1,");
  }

  @Test
  void post_bodyOverEnvelopeLimit_isPayloadTooLargeOversize() throws Exception {
    byte[] big = new byte[Limits.MAX_ENVELOPE_BYTES + 1];
    Arrays.fill(big, (byte) ' ');

    HttpResponse<String> r = post(big);

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).startsWith("{\"decision\":\"deny\",\"reason\":\"OVERSIZE\",");
    // audited: the next decision lands at leaf 1
    assertThat(post(replicateWrit()).body()).contains("\"index\":1,");
  }

  @Test
  void restart_sameDataDir_writStaysSpent() throws Exception {
    byte[] writ = replicateWrit();
    assertThat(post(writ).statusCode()).isEqualTo(200);
    server.close();
    server = null;
    serve(dir);

    HttpResponse<String> r = post(writ);

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("\"reason\":\"SPENT\"");
  }

  @Test
  void post_oneWritFromSixteenThreads_allowsExactlyOnce() throws Exception {
    byte[] writ = replicateWrit();
    int threads = 16;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int i = 0; i < threads; i++) {
        Callable<Integer> call =
            () -> {
              go.await();
              return post(writ).statusCode();
            };
        results.add(pool.submit(call));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : results) {
        statuses.add(f.get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      }
      assertThat(statuses).containsOnlyOnce(200);
      assertThat(statuses).filteredOn(s -> s != 200).hasSize(threads - 1).containsOnly(403);
    }
  }

  @Test
  void healthz_isOk() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/healthz")).GET());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok");
  }

  @Test
  void get_writs_isMethodNotAllowed() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/writs")).GET());

    assertThat(r.statusCode()).isEqualTo(405);
  }

  @Test
  void unknownPath_isNotFound() throws Exception {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(uri("/v1/nope"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(r.statusCode()).isEqualTo(404);
  }

  private static byte[] replicateWrit() {
    return TestFleet.sign(FLEET.writ(Capability.REPLICATE).build(), TestFleet.ALICE);
  }

  /** Flips one base64 character of the signature value, keeping the envelope well-formed. */
  private static byte[] tamperSignature(byte[] envelope) {
    String s = new String(envelope, StandardCharsets.US_ASCII);
    int at = s.indexOf("\"sig\":\"") + "\"sig\":\"".length() + 2;
    char c = s.charAt(at);
    char flipped = c == 'A' ? 'B' : 'A';
    return (s.substring(0, at) + flipped + s.substring(at + 1)).getBytes(StandardCharsets.US_ASCII);
  }

  private HttpResponse<String> post(byte[] body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri("/v1/writs"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(
        request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
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
